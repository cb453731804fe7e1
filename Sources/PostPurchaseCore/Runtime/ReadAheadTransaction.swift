import Foundation

/// The transaction a rehearsal of ``EntityReadAhead`` runs against: entity reads are answered from
/// what was read ahead so far, and the first one that is not ends the rehearsal, remembered as a
/// key to read next round. Anything else ends it too: a rehearsal only learns what is read.
final class ReadAheadTransaction: StateTransaction {
    /// A read this view cannot answer yet (its key is now wanted).
    struct Miss: Error {}
    /// Anything but an entity read: the rehearsal has learnt what it could.
    struct Stop: Error {}

    private struct Key: Hashable {
        var namespace: String
        var key: String
    }

    /// Entities read ahead (`nil`: absent).
    private var values: [Key: Data?] = [:]
    /// Keys wanted for the next read, per namespace, in the order first wanted.
    private var misses: [String: [String]] = [:]
    private var wanted: Set<Key> = []
    /// Reads that could not be answered, so far.
    private(set) var missCount = 0

    /// The keys wanted since the last call, per namespace.
    func takeMisses() -> [(namespace: String, keys: [String])] {
        defer {
            misses.removeAll()
            wanted.removeAll()
        }
        return misses.keys.sorted().map { ($0, misses[$0]!) }
    }

    /// Records what a batched read of `keys` found (the others are absent).
    func learn(namespace: String, keys: [String], found: [String: Data]) {
        for key in keys { values[Key(namespace: namespace, key: key)] = .some(found[key]) }
    }

    private func miss(_ key: Key) -> Miss {
        missCount += 1
        if wanted.insert(key).inserted { misses[key.namespace, default: []].append(key.key) }
        return Miss()
    }

    // MARK: What a rehearsal reads

    func entity(namespace: String, key: String) throws -> Data? {
        let key = Key(namespace: namespace, key: key)
        guard let value = values[key] else { throw miss(key) }
        return value
    }

    func entities(namespace: String, keys: [String]) throws -> [String: Data] {
        var found: [String: Data] = [:]
        var missed: Miss?
        for key in keys {
            let id = Key(namespace: namespace, key: key)
            if let value = values[id] {
                if let value { found[key] = value }
            } else {
                missed = miss(id)
            }
        }
        if let missed { throw missed }
        return found
    }

    // MARK: Where a rehearsal stops

    func isProcessed(_ eventId: String) throws -> Bool { throw Stop() }
    func markProcessed(_ eventId: String, at time: Date) throws { throw Stop() }
    func pruneProcessed(before cutoff: Date) throws -> Int { throw Stop() }
    func putEntity(namespace: String, key: String, value: Data) throws { throw Stop() }
    func deleteEntity(namespace: String, key: String) throws { throw Stop() }
    func entities(namespace: String, keyPrefix: String, limit: Int) throws -> [(key: String, value: Data)] { throw Stop() }
    func storedOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] { throw Stop() }
    func advanceOffset(_ partition: TopicPartition, expected: Int64?, next: Int64) throws -> Bool { throw Stop() }
    func scheduleTimer(_ timer: DurableTimer) throws { throw Stop() }
    func cancelTimer(id: String) throws { throw Stop() }
    func claimTimer(id: String, dueAt: Date) throws -> Bool { throw Stop() }
    func claimTimers(_ timers: [DurableTimer]) throws -> Set<String> { throw Stop() }
    func dueTimers(at time: Date, owners: [TopicPartition], limit: Int) throws -> [DurableTimer] { throw Stop() }
    func nextTimerDue(owners: [TopicPartition]) throws -> Date? { throw Stop() }
    func timer(id: String) throws -> DurableTimer? { throw Stop() }
    func timerCount() throws -> Int { throw Stop() }
    func appendOutbox(_ records: [OutboxRecord]) throws -> [OutboxRecord] { throw Stop() }
    func pendingOutbox(sources: [TopicPartition]) throws -> [OutboxRecord] { throw Stop() }
    func deleteOutbox(sequences: [Int64]) throws { throw Stop() }
    func outboxCount() throws -> Int { throw Stop() }
    func outboxMarks(sources: [TopicPartition]) throws -> [OutboxMark] { throw Stop() }
    func setOutboxMarks(_ marks: [OutboxMark]) throws { throw Stop() }
}
