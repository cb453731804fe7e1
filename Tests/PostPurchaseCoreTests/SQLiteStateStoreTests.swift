import Foundation
import Synchronization
import PostPurchaseCore
import Testing

@Suite("SQLite state store")
struct SQLiteStateStoreTests {
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pp-store-\(UUID().uuidString)").path
    var path: String { directory + "/test.sqlite" }
    let source = TopicPartition(topic: "orders", partition: 2)

    @Test func idempotencyRecordsAndPruning() throws {
        let store = try SQLiteStateStore(path: path)
        let old = Date(timeIntervalSince1970: 1_000)
        try store.write { transaction in
            #expect(try !transaction.isProcessed("e1"))
            try transaction.markProcessed("e1", at: old)
            try transaction.markProcessed("e1", at: old)
            try transaction.markProcessed("e2", at: Date(timeIntervalSince1970: 5_000))
        }
        #expect(try store.read { try $0.isProcessed("e1") })
        #expect(try store.write { try $0.pruneProcessed(before: Date(timeIntervalSince1970: 2_000)) } == 1)
        #expect(try store.read { try !$0.isProcessed("e1") && $0.isProcessed("e2") })
    }

    /// Instances of one worker kind started together open a new file at the same moment.
    @Test func storesOpeningANewFileTogetherAllMigrateIt() throws {
        let errors = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do {
                let store = try SQLiteStateStore(path: path)
                try store.write { try $0.putEntity(namespace: "n", key: UUID().uuidString, value: Data("x".utf8)) }
            } catch {
                errors.withLock { $0.append("\(error)") }
            }
        }
        #expect(errors.withLock { $0 }.isEmpty)
        let store = try SQLiteStateStore(path: path)
        #expect(try store.read { try $0.entities(namespace: "n", keyPrefix: "", limit: 100) }.count == 6)
    }

    @Test func entitiesAndPrefixScans() throws {
        let store = try SQLiteStateStore(path: path)
        try store.write { transaction in
            try transaction.putEntity(namespace: "shipment", key: "o-1/s-1", value: Data("a".utf8))
            try transaction.putEntity(namespace: "shipment", key: "o-1/s-2", value: Data("b".utf8))
            try transaction.putEntity(namespace: "shipment", key: "o-10/s-1", value: Data("c".utf8))
            try transaction.putEntity(namespace: "other", key: "o-1/s-1", value: Data("d".utf8))
            try transaction.putEntity(namespace: "shipment", key: "o-1/s-2", value: Data("B".utf8))
        }
        let found = try store.read { try $0.entities(namespace: "shipment", keyPrefix: "o-1/", limit: 10) }
        #expect(found.map(\.key) == ["o-1/s-1", "o-1/s-2"])
        #expect(found.map { String(decoding: $0.value, as: UTF8.self) } == ["a", "B"])
        try store.write { try $0.deleteEntity(namespace: "shipment", key: "o-1/s-1") }
        #expect(try store.read { try $0.entity(namespace: "shipment", key: "o-1/s-1") } == nil)
    }

    @Test func offsetFenceRejectsAStaleWriter() throws {
        let store = try SQLiteStateStore(path: path)
        #expect(try store.write { try $0.advanceOffset(source, expected: nil, next: 10) })
        #expect(try store.write { try !$0.advanceOffset(source, expected: nil, next: 12) })
        #expect(try store.write { try $0.advanceOffset(source, expected: 10, next: 20) })
        #expect(try store.write { try !$0.advanceOffset(source, expected: 10, next: 30) })
        #expect(try store.read { try $0.storedOffsets(for: [source]) } == [source: 20])
    }

    @Test func timersAreClaimedOnceAndReplacedById() throws {
        let store = try SQLiteStateStore(path: path)
        let due = Date(timeIntervalSince1970: 1_000)
        let other = TopicPartition(topic: "orders", partition: 3)
        try store.write { transaction in
            try transaction.scheduleTimer(DurableTimer(id: "t1", dueAt: due, kind: "k", payload: Data([1]), owner: source))
            try transaction.scheduleTimer(DurableTimer(id: "t2", dueAt: due.addingTimeInterval(50), kind: "k", payload: Data(), owner: source))
            try transaction.scheduleTimer(DurableTimer(id: "t3", dueAt: due, kind: "k", payload: Data(), owner: other))
            // Rescheduling t2 earlier replaces it.
            try transaction.scheduleTimer(DurableTimer(id: "t2", dueAt: due.addingTimeInterval(10), kind: "k", payload: Data(), owner: source))
        }
        #expect(try store.read { try $0.nextTimerDue(owners: [source]) } == due)
        let firstDue = try store.read { try $0.dueTimers(at: due.addingTimeInterval(20), owners: [source], limit: 10) }
        #expect(firstDue.map(\.id) == ["t1", "t2"])
        #expect(firstDue.first?.payload == Data([1]))
        #expect(try store.write { try $0.claimTimer(id: "t1", dueAt: due) })
        #expect(try store.write { try !$0.claimTimer(id: "t1", dueAt: due) })
        // A timer moved after it was read is not claimed at its old time.
        #expect(try store.write { try !$0.claimTimer(id: "t2", dueAt: due.addingTimeInterval(50)) })
        #expect(try store.read { try $0.timerCount() } == 2)
        try store.write { try $0.cancelTimer(id: "t3") }
        #expect(try store.read { try $0.timer(id: "t3") } == nil)
    }

    @Test func outboxKeepsOrderHeadersAndMarks() throws {
        let store = try SQLiteStateStore(path: path)
        let headers = [KafkaHeader(name: "a", text: "1"), KafkaHeader(name: "null", value: nil), KafkaHeader(name: "bin", value: [0, 255, 10])]
        let records = (0..<3).map { index in
            OutboxRecord(source: source, outputId: "out-\(index)", topic: "notifications", partition: Int32(index),
                         key: index == 1 ? nil : Array("k\(index)".utf8), value: Data("v\(index)".utf8), headers: headers)
        }
        let stored = try store.write { try $0.appendOutbox(records) }
        #expect(stored.map(\.sequence) == stored.map(\.sequence).sorted())
        let pending = try store.read { try $0.pendingOutbox(sources: [source]) }
        #expect(pending == stored)
        #expect(pending[1].key == nil)
        #expect(pending[2].headers == headers)
        try store.write { transaction in
            try transaction.deleteOutbox(sequences: [stored[0].sequence])
            try transaction.setOutboxMark(source: source, output: TopicPartition(topic: "notifications", partition: 0), offset: 41)
            try transaction.setOutboxMark(source: source, output: TopicPartition(topic: "notifications", partition: 0), offset: 40)
        }
        #expect(try store.read { try $0.outboxCount() } == 2)
        #expect(try store.read { try $0.outboxMark(source: source, output: TopicPartition(topic: "notifications", partition: 0)) } == 41)
    }

    @Test func aFailedTransactionLeavesNothing() throws {
        let store = try SQLiteStateStore(path: path)
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.write { transaction in
                try transaction.markProcessed("e1", at: Date())
                _ = try transaction.advanceOffset(source, expected: nil, next: 5)
                throw Boom()
            }
        }
        #expect(try store.read { try !$0.isProcessed("e1") && $0.storedOffsets(for: [source]).isEmpty })
    }

    @Test func twoConnectionsShareOneFile() throws {
        let first = try SQLiteStateStore(path: path)
        let second = try SQLiteStateStore(path: path)
        try first.write { try $0.markProcessed("shared", at: Date()) }
        #expect(try second.read { try $0.isProcessed("shared") })
        #expect(first.isHealthy() && second.isHealthy())
    }
}
