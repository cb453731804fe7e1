/// Outbox sequence numbers grouped into runs of consecutive values, ascending, duplicates merged:
/// `[7, 3, 4, 5, 9, 8]` → `3...5`, `7...9`. Lets a store delete a batch's rows with one range
/// condition per run instead of one statement per row.
struct SequenceRuns: Sequence {
    private let sorted: [Int64]

    init(_ sequences: [Int64]) {
        sorted = sequences.sorted()
    }

    func makeIterator() -> Iterator {
        Iterator(sorted: sorted)
    }

    struct Iterator: IteratorProtocol {
        let sorted: [Int64]
        var index = 0

        mutating func next() -> ClosedRange<Int64>? {
            guard index < sorted.count else { return nil }
            let low = sorted[index]
            var high = low
            index += 1
            // `high + 1` cannot overflow while a larger value follows.
            while index < sorted.count, sorted[index] <= high || sorted[index] == high + 1 {
                high = Swift.max(high, sorted[index])
                index += 1
            }
            return low...high
        }
    }
}
