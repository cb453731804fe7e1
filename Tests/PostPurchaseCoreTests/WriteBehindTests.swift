import Foundation
import Logging
@testable import PostPurchaseCore
import Testing

/// Batches written behind the pipeline: what a batch handled against a snapshot plus earlier
/// journals reads, and what the writer commits or refuses, on a real SQLite file.
@Suite("Write-behind store")
struct WriteBehindTests {
    let source = TopicPartition(topic: "in", partition: 0)
    let logger = Logger(label: "test")

    private func makeStore() throws -> SQLiteStateStore {
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pp-wb-\(UUID().uuidString)").path
        return try SQLiteStateStore(path: directory + "/test.sqlite")
    }

    private func data(_ text: String) -> Data { Data(text.utf8) }

    private func startWriter(_ store: any StateStore) -> StateWriter {
        let writer = StateWriter(store: store, logger: logger)
        writer.start(name: "test-writer")
        return writer
    }

    private func timer(_ id: String) -> DurableTimer {
        DurableTimer(id: id, dueAt: Date(timeIntervalSince1970: 1_000), kind: "k", payload: Data(), owner: source)
    }

    /// The outbox records of batch `number` as stored, waiting for its outcome; fails the test if
    /// the writer refused it.
    private func committed(_ writer: StateWriter, _ number: UInt64) throws -> [OutboxRecord] {
        guard case .committed(let stored) = writer.outcome(of: number, wait: true) else {
            throw TestFailure("batch \(number) was refused")
        }
        return stored
    }

    /// Why the writer refused batch `number`, waiting for its outcome; fails the test if it committed it.
    private func refusal(_ writer: StateWriter, _ number: UInt64) throws -> any Error {
        guard case .failed(let error) = writer.outcome(of: number, wait: true) else {
            throw TestFailure("batch \(number) was committed")
        }
        return error
    }

    private struct TestFailure: Error, CustomStringConvertible {
        var description: String
        init(_ description: String) { self.description = description }
    }

    private func record(_ id: String) -> OutboxRecord {
        OutboxRecord(source: source, outputId: id, topic: "out", partition: 0, key: nil, value: data(id), headers: [])
    }

    /// Reads go to this batch's journal, then to earlier journals newest first, then to the store.
    @Test func readsSeeTheBatchThenEarlierJournalsThenTheStore() throws {
        let store = try makeStore()
        try store.write { transaction throws in
            for key in ["a", "b", "p|1", "p|2", "p|3"] { try transaction.putEntity(namespace: "n", key: key, value: data("stored \(key)")) }
            try transaction.markProcessed("e1", at: Date())
            _ = try transaction.advanceOffset(source, expected: nil, next: 5)
            try transaction.scheduleTimer(timer("t1"))
        }
        let seen = store.writesByOthersSeen
        let earlier = try { () throws -> StateJournal in
            let transaction = WriteBehindTransaction(store: store, earlier: [], writesByOthersSeen: seen)
            try transaction.putEntity(namespace: "n", key: "a", value: data("earlier a"))
            try transaction.deleteEntity(namespace: "n", key: "b")
            try transaction.deleteEntity(namespace: "n", key: "p|2")
            try transaction.putEntity(namespace: "n", key: "p|4", value: data("earlier p|4"))
            try transaction.markProcessed("e2", at: Date())
            #expect(try transaction.advanceOffset(source, expected: 5, next: 7))
            try transaction.scheduleTimer(timer("t2"))
            try transaction.cancelTimer(id: "t1")
            return transaction.journal
        }()
        do {
            let transaction = WriteBehindTransaction(store: store, earlier: [earlier], writesByOthersSeen: seen)
            try transaction.putEntity(namespace: "n", key: "p|5", value: data("current p|5"))
            try transaction.deleteEntity(namespace: "n", key: "p|1")
            #expect(try transaction.entity(namespace: "n", key: "a") == data("earlier a"))
            #expect(try transaction.entity(namespace: "n", key: "b") == nil)
            #expect(try transaction.entity(namespace: "n", key: "p|3") == data("stored p|3"))
            #expect(try transaction.entity(namespace: "n", key: "p|5") == data("current p|5"))
            #expect(try transaction.entity(namespace: "other", key: "a") == nil)
            #expect(try transaction.entities(namespace: "n", keyPrefix: "p|", limit: 10).map(\.key) == ["p|3", "p|4", "p|5"])
            // Two rows deleted by the journals are among the first stored ones: the limit still holds.
            #expect(try transaction.entities(namespace: "n", keyPrefix: "p|", limit: 2).map(\.value) == [data("stored p|3"), data("earlier p|4")])
            #expect(try transaction.isProcessed("e1") && transaction.isProcessed("e2"))
            #expect(try !transaction.isProcessed("e3"))
            #expect(try transaction.storedOffsets(for: [source]) == [source: 7])
            #expect(try !transaction.advanceOffset(source, expected: 5, next: 9), "the earlier batch moved it to 7")
            #expect(try transaction.advanceOffset(source, expected: 7, next: 9))
            #expect(try transaction.timer(id: "t1") == nil)
            #expect(try transaction.timer(id: "t2") == timer("t2"))
            #expect(throws: WriteBehindTransaction.Unsupported.self) { try transaction.claimTimer(id: "t2", dueAt: Date()) }
            // The store itself is untouched.
            #expect(try store.read { try $0.entity(namespace: "n", key: "a") } == data("stored a"))
        }
    }

    /// A batched read asks the store once for the keys the journals do not answer, and the batch
    /// keeps what it found, absences included: its later reads of those keys do not go to the store.
    @Test func batchedReadsAskTheStoreOnceAndAreKeptForTheBatch() throws {
        let store = try makeStore()
        try store.write { transaction throws in
            for key in ["a", "b", "c"] { try transaction.putEntity(namespace: "n", key: key, value: data("stored \(key)")) }
        }
        let seen = store.writesByOthersSeen
        let earlier = try { () throws -> StateJournal in
            let transaction = WriteBehindTransaction(store: store, earlier: [], writesByOthersSeen: seen)
            try transaction.putEntity(namespace: "n", key: "a", value: data("earlier a"))
            return transaction.journal
        }()
        let transaction = WriteBehindTransaction(store: store, earlier: [earlier], writesByOthersSeen: seen)
        try transaction.deleteEntity(namespace: "n", key: "b")
        #expect(try transaction.entities(namespace: "n", keys: ["a", "b", "c", "d"]) == ["a": data("earlier a"), "c": data("stored c")])
        // Another connection changes what was read (the writer would refuse such a batch): the
        // batch keeps answering from its batched read, so it read each key once.
        try store.write { transaction throws in
            try transaction.putEntity(namespace: "n", key: "c", value: data("changed c"))
            try transaction.putEntity(namespace: "n", key: "d", value: data("new d"))
        }
        #expect(try transaction.entity(namespace: "n", key: "c") == data("stored c"))
        #expect(try transaction.entity(namespace: "n", key: "d") == nil)
        #expect(try transaction.entity(namespace: "n", key: "a") == data("earlier a"))
        #expect(try transaction.entity(namespace: "n", key: "b") == nil)
        // The batch's own writes still come first.
        try transaction.putEntity(namespace: "n", key: "c", value: data("current c"))
        #expect(try transaction.entities(namespace: "n", keys: ["c"]) == ["c": data("current c")])
    }

    @Test func whichEventsWereAppliedIsAskedOnceAndKeptForTheBatch() throws {
        let store = try makeStore()
        try store.write { try $0.markProcessed("stored", at: Date()) }
        let seen = store.writesByOthersSeen
        var earlier = StateJournal(readsSince: seen)
        earlier.markProcessed("earlier", at: Date())
        let transaction = WriteBehindTransaction(store: store, earlier: [earlier], writesByOthersSeen: seen)
        try transaction.markProcessed("this batch", at: Date())
        #expect(try transaction.processed(among: ["stored", "earlier", "this batch", "new"]) == ["stored", "earlier", "this batch"])
        // Another connection applies "new" (the writer would refuse such a batch): the batch keeps
        // its answer, so it asked the store once.
        try store.write { try $0.markProcessed("new", at: Date()) }
        #expect(try !transaction.isProcessed("new"))
        #expect(try transaction.processed(among: ["new"]) == [])
        try transaction.markProcessed("new", at: Date())
        #expect(try transaction.isProcessed("new"), "the batch's own marks still come first")
    }

    /// The writer commits journals in order and gives outbox records their sequence numbers; the
    /// store then holds exactly what the reads above showed.
    @Test func theWriterCommitsJournalsInOrder() throws {
        let store = try makeStore()
        try store.write { _ = try $0.advanceOffset(source, expected: nil, next: 0) }
        let writer = startWriter(store)
        defer { writer.stop() }
        var first = StateJournal(readsSince: store.writesByOthersSeen)
        first.putEntity(namespace: "n", key: "a", value: data("1"))
        first.advanceOffset(source, expected: 0, next: 10)
        first.appendOutbox([record("o1"), record("o2")])
        var second = StateJournal(readsSince: store.writesByOthersSeen)
        second.putEntity(namespace: "n", key: "a", value: data("2"))
        second.deleteEntity(namespace: "n", key: "a")
        second.putEntity(namespace: "n", key: "b", value: data("3"))
        second.advanceOffset(source, expected: 10, next: 20)
        second.appendOutbox([record("o3")])
        second.markProcessed("e", at: Date())
        let numbers = [writer.submitBatch(first), writer.submitBatch(second)]
        let stored1 = try committed(writer, numbers[0])
        let stored2 = try committed(writer, numbers[1])
        #expect((stored1 + stored2).map(\.outputId) == ["o1", "o2", "o3"])
        let sequences = (stored1 + stored2).map(\.sequence)
        #expect(sequences == sequences.sorted() && Set(sequences).count == 3 && sequences.allSatisfy { $0 > 0 })
        try store.read { transaction throws in
            #expect(try transaction.entity(namespace: "n", key: "a") == nil)
            #expect(try transaction.entity(namespace: "n", key: "b") == data("3"))
            #expect(try transaction.storedOffsets(for: [source]) == [source: 20])
            #expect(try transaction.isProcessed("e"))
            #expect(try transaction.pendingOutbox(sources: [source]).map(\.sequence) == sequences)
        }
    }

    /// A batch handled while another process wrote to the file may have read something stale: it
    /// is refused, and so is every later batch until the pipeline resumes the writer. Writes that
    /// read nothing (the relay's clean-up) go on.
    @Test func aBatchReadBeforeAnotherProcessWroteIsRefusedWithEveryLaterBatch() throws {
        let store = try makeStore()
        try store.write { try $0.putEntity(namespace: "n", key: "mine", value: data("0")) }
        let other = try SQLiteStateStore(path: store.path)
        let writer = startWriter(store)
        defer { writer.stop() }
        var stale = StateJournal(readsSince: store.writesByOthersSeen)
        stale.putEntity(namespace: "n", key: "mine", value: data("stale"))
        var later = StateJournal(readsSince: store.writesByOthersSeen)
        later.putEntity(namespace: "n", key: "later", value: data("later"))
        var cleanUp = StateJournal()
        cleanUp.putEntity(namespace: "n", key: "clean-up", value: data("done"))
        try other.write { try $0.putEntity(namespace: "n", key: "theirs", value: data("1")) }
        let numbers = [writer.submitBatch(stale), writer.submitBatch(later)]
        writer.submit(cleanUp)
        #expect(try refusal(writer, numbers[0]) is StateWriter.SnapshotOutdated)
        #expect(try refusal(writer, numbers[1]) is StateWriter.EarlierBatchFailed)
        writer.waitForAll()
        try store.read { transaction throws in
            #expect(try transaction.entity(namespace: "n", key: "mine") == data("0"))
            #expect(try transaction.entity(namespace: "n", key: "later") == nil)
            #expect(try transaction.entity(namespace: "n", key: "clean-up") == data("done"))
        }
        // After resuming, a batch whose snapshot follows the other process's write is committed.
        writer.resume()
        var fresh = StateJournal(readsSince: store.writesByOthersSeen)
        fresh.putEntity(namespace: "n", key: "mine", value: data("fresh"))
        _ = try committed(writer, writer.submitBatch(fresh))
        #expect(try store.read { try $0.entity(namespace: "n", key: "mine") } == data("fresh"))
    }

    /// A stored offset that is not the one the batch started from means another instance processed
    /// the partition: the batch is refused and none of its writes is made.
    @Test func aBatchWhoseStoredOffsetMovedIsNotApplied() throws {
        let store = try makeStore()
        try store.write { _ = try $0.advanceOffset(source, expected: nil, next: 5) }
        let writer = startWriter(store)
        defer { writer.stop() }
        var journal = StateJournal(readsSince: store.writesByOthersSeen)
        journal.putEntity(namespace: "n", key: "a", value: data("1"))
        journal.advanceOffset(source, expected: 3, next: 8)
        #expect(try refusal(writer, writer.submitBatch(journal)) is StateJournal.OffsetConflict)
        try store.read { transaction throws in
            #expect(try transaction.entity(namespace: "n", key: "a") == nil)
            #expect(try transaction.storedOffsets(for: [source]) == [source: 5])
        }
    }
}
