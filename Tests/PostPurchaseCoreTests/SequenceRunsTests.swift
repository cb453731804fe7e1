@testable import PostPurchaseCore
import Testing

@Suite("Outbox sequence runs")
struct SequenceRunsTests {
    @Test func consecutiveValuesFormOneRunEach() {
        #expect(Array(SequenceRuns([7, 3, 4, 5, 9, 8])) == [3...5, 7...9])
        #expect(Array(SequenceRuns([4, 4, 5, 1])) == [1...1, 4...5], "duplicates merge, singletons stay")
        #expect(Array(SequenceRuns([])).isEmpty)
    }

    @Test func theLargestValuesDoNotOverflow() {
        #expect(Array(SequenceRuns([Int64.max, Int64.max - 1, Int64.max])) == [(Int64.max - 1)...Int64.max])
    }
}
