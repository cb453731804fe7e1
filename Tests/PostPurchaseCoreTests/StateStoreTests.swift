import Foundation
import Synchronization
import PostPurchaseCore
import PostPurchaseTesting
import Testing

extension StoreBackend {
    /// A fresh, empty location (a SQLite path, or a new database on the test server) that
    /// several stores can open, as instances of one worker kind would.
    func makeLocation() throws -> StoreLocation {
        switch self {
        case .sqlite:
            let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pp-store-\(UUID().uuidString)").path
            return StoreLocation(backend: self, address: directory + "/test.sqlite")
        case .postgres:
            return StoreLocation(backend: self, address: try PostgresTestServer.shared().createDatabase())
        }
    }
}

/// Where a test's stores live.
struct StoreLocation {
    var backend: StoreBackend
    var address: String

    /// Opens (and migrates) a store there, for the worker kind `workerName`.
    func open(workerName: String = "test-worker") throws -> any StateStore {
        switch backend {
        case .sqlite: return try SQLiteStateStore(path: address)
        case .postgres: return try PostgresStateStore(url: address, workerName: workerName)
        }
    }
}

@Suite("State store (SQLite and PostgreSQL)")
struct StateStoreTests {
    let source = TopicPartition(topic: "orders", partition: 2)

    /// Instances of one worker kind started together open (and migrate) a new store at once.
    @Test(arguments: StoreBackend.allCases)
    func storesOpeningANewStoreTogetherAllMigrateIt(backend: StoreBackend) throws {
        let location = try backend.makeLocation()
        let errors = Mutex<[String]>([])
        DispatchQueue.concurrentPerform(iterations: 6) { _ in
            do {
                let store = try location.open()
                try store.write { try $0.putEntity(namespace: "n", key: UUID().uuidString, value: Data("x".utf8)) }
            } catch {
                errors.withLock { $0.append("\(error)") }
            }
        }
        #expect(errors.withLock { $0 }.isEmpty)
        #expect(try location.open().read { try $0.entities(namespace: "n", keyPrefix: "", limit: 100) }.count == 6)
    }

    @Test(arguments: StoreBackend.allCases)
    func idempotencyRecordsAndPruning(backend: StoreBackend) throws {
        let store = try backend.makeLocation().open()
        let old = Date(timeIntervalSince1970: 1_000)
        try store.write { transaction throws in
            #expect(try !transaction.isProcessed("e1"))
            try transaction.markProcessed("e1", at: old)
            try transaction.markProcessed("e1", at: old)
            #expect(try transaction.isProcessed("e1"), "a mark is visible within its transaction")
            try transaction.markProcessed("e2", at: Date(timeIntervalSince1970: 5_000))
        }
        #expect(try store.read { try $0.isProcessed("e1") })
        #expect(try store.write { try $0.pruneProcessed(before: Date(timeIntervalSince1970: 2_000)) } == 1)
        #expect(try store.read { try !$0.isProcessed("e1") && $0.isProcessed("e2") })
    }

    /// A batch asks once which of its events were applied; the answer agrees with asking one by
    /// one, sees the transaction's own marks, and later single questions agree with it.
    @Test(arguments: StoreBackend.allCases)
    func whichOfManyEventsWereAppliedIsOneQuestion(backend: StoreBackend) throws {
        let store = try backend.makeLocation().open()
        let now = Date(timeIntervalSince1970: 5_000)
        try store.write { transaction throws in
            for id in ["e1", "e3"] { try transaction.markProcessed(id, at: now) }
        }
        try store.write { transaction throws in
            try transaction.markProcessed("e4", at: now)
            #expect(try transaction.processed(among: ["e1", "e2", "e3", "e4", "e1", "e5"]) == ["e1", "e3", "e4"])
            #expect(try transaction.processed(among: []) == [])
            #expect(try transaction.isProcessed("e3") && !transaction.isProcessed("e2") && !transaction.isProcessed("e5"))
            try transaction.markProcessed("e2", at: now)
            #expect(try transaction.isProcessed("e2"), "a mark after the question is seen")
            #expect(try transaction.processed(among: ["e2", "e5"]) == ["e2"])
        }
        #expect(try store.read { try $0.processed(among: ["e1", "e2", "e3", "e4", "e5"]) } == ["e1", "e2", "e3", "e4"])
    }

    @Test(arguments: StoreBackend.allCases)
    func entitiesAndPrefixScans(backend: StoreBackend) throws {
        let store = try backend.makeLocation().open()
        try store.write { transaction throws in
            try transaction.putEntity(namespace: "shipment", key: "o-1/s-1", value: Data("a".utf8))
            try transaction.putEntity(namespace: "shipment", key: "o-1/s-2", value: Data("b".utf8))
            try transaction.putEntity(namespace: "shipment", key: "o-10/s-1", value: Data("c".utf8))
            try transaction.putEntity(namespace: "other", key: "o-1/s-1", value: Data("d".utf8))
            try transaction.putEntity(namespace: "shipment", key: "o-1/s-2", value: Data("B".utf8))
            #expect(try transaction.entity(namespace: "shipment", key: "o-1/s-2") == Data("B".utf8), "reads see this transaction's writes")
        }
        let found = try store.read { try $0.entities(namespace: "shipment", keyPrefix: "o-1/", limit: 10) }
        #expect(found.map(\.key) == ["o-1/s-1", "o-1/s-2"])
        #expect(found.map { String(decoding: $0.value, as: UTF8.self) } == ["a", "B"])
        #expect(try store.read { try $0.entities(namespace: "shipment", keyPrefix: "o-1", limit: 2) }.map(\.key) == ["o-1/s-1", "o-1/s-2"])
        try store.write { try $0.deleteEntity(namespace: "shipment", key: "o-1/s-1") }
        #expect(try store.read { try $0.entity(namespace: "shipment", key: "o-1/s-1") } == nil)
        try store.write { transaction throws in
            // Written, deleted and written again in one transaction: the last change wins.
            try transaction.putEntity(namespace: "shipment", key: "o-2", value: Data("x".utf8))
            try transaction.deleteEntity(namespace: "shipment", key: "o-2")
            #expect(try transaction.entity(namespace: "shipment", key: "o-2") == nil)
            try transaction.putEntity(namespace: "shipment", key: "o-2", value: Data("y".utf8))
        }
        #expect(try store.read { try $0.entity(namespace: "shipment", key: "o-2") } == Data("y".utf8))
    }

    @Test(arguments: StoreBackend.allCases)
    func manyEntitiesAreReadAtOnce(backend: StoreBackend) throws {
        let store = try backend.makeLocation().open()
        try store.write { transaction throws in
            for key in ["a", "b", "c", "طلب"] { try transaction.putEntity(namespace: "n", key: key, value: Data(key.utf8)) }
            try transaction.putEntity(namespace: "other", key: "d", value: Data("x".utf8))
        }
        try store.write { transaction throws in
            try transaction.putEntity(namespace: "n", key: "b", value: Data("B".utf8))
            try transaction.deleteEntity(namespace: "n", key: "c")
            // This transaction's writes are seen; absent keys, other namespaces and repeats are left out once.
            let found = try transaction.entities(namespace: "n", keys: ["a", "b", "c", "d", "طلب", "a"])
            #expect(found == ["a": Data("a".utf8), "b": Data("B".utf8), "طلب": Data("طلب".utf8)])
            #expect(try transaction.entities(namespace: "n", keys: []).isEmpty)
            // Single reads after the batch agree with it, and with writes made after it.
            #expect(try transaction.entity(namespace: "n", key: "a") == Data("a".utf8))
            #expect(try transaction.entity(namespace: "n", key: "d") == nil)
            try transaction.putEntity(namespace: "n", key: "a", value: Data("A".utf8))
            try transaction.putEntity(namespace: "n", key: "d", value: Data("D".utf8))
            #expect(try transaction.entities(namespace: "n", keys: ["a", "d"]) == ["a": Data("A".utf8), "d": Data("D".utf8)])
            // Flushed by a prefix scan, the writes are still what later reads see.
            #expect(try transaction.entities(namespace: "n", keyPrefix: "", limit: 10).count == 4)
            #expect(try transaction.entity(namespace: "n", key: "a") == Data("A".utf8))
            try transaction.deleteEntity(namespace: "n", key: "a")
            #expect(try transaction.entities(namespace: "n", keyPrefix: "", limit: 10).count == 3)
            #expect(try transaction.entity(namespace: "n", key: "a") == nil)
        }
        #expect(try store.read { try $0.entities(namespace: "n", keys: ["a", "b", "c", "d"]) } == ["b": Data("B".utf8), "d": Data("D".utf8)])
    }

    /// Reading ahead answers the rehearsed reads, each level of a chain of reads in one batch, and
    /// changes nothing.
    @Test(arguments: StoreBackend.allCases)
    func readingAheadGathersAChainOfReads(backend: StoreBackend) throws {
        let store = try backend.makeLocation().open()
        try store.write { transaction throws in
            for index in 0..<20 {
                try transaction.putEntity(namespace: "followup", key: "f-\(index)", value: Data("o-\(index % 4)".utf8))
            }
            for index in 0..<4 { try transaction.putEntity(namespace: "order", key: "o-\(index)", value: Data("c-\(index)".utf8)) }
        }
        try store.write { transaction throws in
            let counting = CountingTransaction(transaction)
            func run(_ index: Int, _ transaction: any StateTransaction) throws -> String? {
                guard let order = try transaction.entity(namespace: "followup", key: "f-\(index)"),
                      let customer = try transaction.entity(namespace: "order", key: String(decoding: order, as: UTF8.self)) else { return nil }
                // Customers do not exist: an absent entity is read ahead too.
                let found = try transaction.entity(namespace: "customer", key: String(decoding: customer, as: UTF8.self))
                try transaction.putEntity(namespace: "followup", key: "f-\(index)", value: Data("fired".utf8))
                return found.map { String(decoding: $0, as: UTF8.self) } ?? "no customer"
            }
            try EntityReadAhead.warm(counting, for: Array(0..<20) + [99]) { index, view in _ = try run(index, view) }
            #expect(counting.batches == ["followup": 1, "order": 1, "customer": 1])
            #expect(counting.singleReads == 0)
            #expect(try transaction.entity(namespace: "followup", key: "f-3") == Data("o-3".utf8), "a rehearsal writes nothing")
            let results = try (0..<20).map { try run($0, counting) }
            #expect(results == Array(repeating: "no customer", count: 20))
            #expect(try run(99, counting) == nil)
        }
        #expect(try store.read { try $0.entity(namespace: "followup", key: "f-7") } == Data("fired".utf8))
    }

    @Test(arguments: StoreBackend.allCases)
    func identifiersFromInputKeepEveryCharacter(backend: StoreBackend) throws {
        // Ids and keys come from events: non-ASCII and astral characters must round-trip, and a
        // prefix scan must find keys whose next character lies beyond U+FFFF.
        let store = try backend.makeLocation().open()
        let keys = ["order 1", "طلب-٤٢", "o-1/📦", "o-1/\u{FFFF}x"]
        try store.write { transaction throws in
            for (index, key) in keys.enumerated() {
                try transaction.putEntity(namespace: "n", key: key, value: Data([UInt8(index), 0, 255]))
                try transaction.markProcessed(key, at: Date())
            }
            try transaction.scheduleTimer(DurableTimer(id: keys[0], dueAt: Date(timeIntervalSince1970: 10), kind: "k", payload: Data([0]), owner: source))
        }
        try store.read { transaction throws in
            for (index, key) in keys.enumerated() {
                #expect(try transaction.entity(namespace: "n", key: key) == Data([UInt8(index), 0, 255]))
                #expect(try transaction.isProcessed(key))
            }
            #expect(try transaction.entities(namespace: "n", keyPrefix: "o-1/", limit: 10).map(\.key).sorted() == ["o-1/\u{FFFF}x", "o-1/📦"].sorted())
            #expect(try transaction.timer(id: keys[0])?.payload == Data([0]))
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func offsetFenceRejectsAStaleWriter(backend: StoreBackend) throws {
        let store = try backend.makeLocation().open()
        #expect(try store.write { try $0.advanceOffset(source, expected: nil, next: 10) })
        #expect(try store.write { try !$0.advanceOffset(source, expected: nil, next: 12) })
        #expect(try store.write { try $0.advanceOffset(source, expected: 10, next: 20) })
        #expect(try store.write { try !$0.advanceOffset(source, expected: 10, next: 30) })
        #expect(try store.read { try $0.storedOffsets(for: [source]) } == [source: 20])
    }

    @Test(arguments: StoreBackend.allCases)
    func timersAreClaimedOnceAndReplacedById(backend: StoreBackend) throws {
        let store = try backend.makeLocation().open()
        let due = Date(timeIntervalSince1970: 1_000)
        let other = TopicPartition(topic: "orders", partition: 3)
        try store.write { transaction throws in
            try transaction.scheduleTimer(DurableTimer(id: "t1", dueAt: due, kind: "k", payload: Data([1]), owner: source))
            try transaction.scheduleTimer(DurableTimer(id: "t2", dueAt: due.addingTimeInterval(50), kind: "k", payload: Data(), owner: source))
            try transaction.scheduleTimer(DurableTimer(id: "t3", dueAt: due, kind: "k", payload: Data(), owner: other))
            // Rescheduling t2 earlier replaces it.
            try transaction.scheduleTimer(DurableTimer(id: "t2", dueAt: due.addingTimeInterval(10), kind: "k", payload: Data(), owner: source))
        }
        #expect(try store.read { try $0.nextTimerDue(owners: [source]) } == due)
        #expect(try store.read { try $0.nextTimerDue(owners: [TopicPartition(topic: "orders", partition: 9)]) } == nil)
        let firstDue = try store.read { try $0.dueTimers(at: due.addingTimeInterval(20), owners: [source], limit: 10) }
        #expect(firstDue.map(\.id) == ["t1", "t2"])
        #expect(firstDue.first?.payload == Data([1]))
        #expect(firstDue.first?.owner == source)
        #expect(try store.write { try $0.claimTimer(id: "t1", dueAt: due) })
        #expect(try store.write { try !$0.claimTimer(id: "t1", dueAt: due) })
        // A timer moved after it was read is not claimed at its old time.
        #expect(try store.write { try !$0.claimTimer(id: "t2", dueAt: due.addingTimeInterval(50)) })
        #expect(try store.read { try $0.timerCount() } == 2)
        // Claimed together: only those still due at the time given, each once.
        try store.write { transaction throws in
            try transaction.scheduleTimer(DurableTimer(id: "t4", dueAt: due, kind: "k", payload: Data(), owner: source))
            try transaction.scheduleTimer(DurableTimer(id: "t5", dueAt: due, kind: "k", payload: Data(), owner: source))
        }
        let batch = [
            DurableTimer(id: "t4", dueAt: due, kind: "k", payload: Data(), owner: source),
            DurableTimer(id: "t2", dueAt: due.addingTimeInterval(50), kind: "k", payload: Data(), owner: source),
            DurableTimer(id: "t1", dueAt: due, kind: "k", payload: Data(), owner: source),
            DurableTimer(id: "t5", dueAt: due, kind: "k", payload: Data(), owner: source),
        ]
        #expect(try store.write { try $0.claimTimers(batch) } == ["t4", "t5"])
        #expect(try store.write { try $0.claimTimers(batch) }.isEmpty)
        #expect(try store.write { try $0.claimTimers([]) }.isEmpty)
        #expect(try store.read { try $0.timerCount() } == 2)
        try store.write { try $0.cancelTimer(id: "t3") }
        #expect(try store.read { try $0.timer(id: "t3") } == nil)
    }

    @Test(arguments: StoreBackend.allCases)
    func outboxKeepsOrderHeadersAndMarks(backend: StoreBackend) throws {
        let store = try backend.makeLocation().open()
        let headers = [KafkaHeader(name: "a", text: "1"), KafkaHeader(name: "null", value: nil), KafkaHeader(name: "bin", value: [0, 255, 10])]
        let records = (0..<3).map { (index: Int) -> OutboxRecord in
            let key: [UInt8]? = index == 1 ? nil : Array("k\(index)".utf8)
            let value: Data? = index == 2 ? nil : Data("v\(index)".utf8)
            return OutboxRecord(source: source, outputId: "out-\(index)", topic: "notifications", partition: Int32(index),
                                key: key, value: value, headers: headers)
        }
        let stored = try store.write { try $0.appendOutbox(records) }
        #expect(stored.map(\.sequence) == stored.map(\.sequence).sorted())
        #expect(Set(stored.map(\.sequence)).count == 3)
        #expect(stored.map(\.outputId) == ["out-0", "out-1", "out-2"])
        let pending = try store.read { try $0.pendingOutbox(sources: [source]) }
        #expect(pending == stored)
        #expect(pending[1].key == nil)
        #expect(pending[2].value == nil, "a null value (dead-lettered tombstone) stays null")
        #expect(pending[2].headers == headers)
        try store.write { transaction throws in
            try transaction.deleteOutbox(sequences: [stored[0].sequence])
            try transaction.setOutboxMark(source: source, output: TopicPartition(topic: "notifications", partition: 0), offset: 41)
            try transaction.setOutboxMark(source: source, output: TopicPartition(topic: "notifications", partition: 0), offset: 40)
        }
        #expect(try store.read { try $0.outboxCount() } == 2)
        #expect(try store.read { try $0.outboxMark(source: source, output: TopicPartition(topic: "notifications", partition: 0)) } == 41)
        #expect(try store.read { try $0.outboxMark(source: source, output: TopicPartition(topic: "notifications", partition: 1)) } == nil)
    }

    /// Acknowledgements arrive for scattered rows: deleting unordered, repeated and non-adjacent
    /// sequences removes exactly those rows and keeps the others in order.
    @Test(arguments: StoreBackend.allCases)
    func scatteredOutboxRowsAreDeletedExactly(backend: StoreBackend) throws {
        let store = try backend.makeLocation().open()
        let records = (0..<10).map { index in
            OutboxRecord(source: source, outputId: "out-\(index)", topic: "notifications", partition: 0,
                         key: Array("k".utf8), value: index == 0 ? Data() : Data("v\(index)".utf8), headers: [])
        }
        let stored = try store.write { try $0.appendOutbox(records) }
        let doomed = [stored[7], stored[2], stored[3], stored[2], stored[9], stored[5]].map(\.sequence)
        try store.write { try $0.deleteOutbox(sequences: doomed) }
        let pending = try store.read { try $0.pendingOutbox(sources: [source]) }
        #expect(pending.map(\.outputId) == ["out-0", "out-1", "out-4", "out-6", "out-8"])
        #expect(pending.first?.value == Data(), "an empty value stays empty, not null")
        try store.write { try $0.deleteOutbox(sequences: []) }
        #expect(try store.read { try $0.outboxCount() } == 5)
    }

    /// Many marks read and written at once (what a partition assignment does for a thousand
    /// pairs) agree with the one-at-a-time calls, keep the highest offset and leave other sources out.
    @Test(arguments: StoreBackend.allCases)
    func marksOfManyPairsAreReadAndWrittenAtOnce(backend: StoreBackend) throws {
        let store = try backend.makeLocation().open()
        let other = TopicPartition(topic: "orders", partition: 3)
        let unasked = TopicPartition(topic: "returns", partition: 2)
        let outputs = (0..<4).map { TopicPartition(topic: "notifications", partition: Int32($0)) }
        try store.write { transaction throws in
            try transaction.setOutboxMark(source: source, output: outputs[0], offset: 50)
            try transaction.setOutboxMarks([
                OutboxMark(source: source, output: outputs[0], offset: 10),
                OutboxMark(source: source, output: outputs[1], offset: 7),
                OutboxMark(source: source, output: outputs[1], offset: 9),
                OutboxMark(source: other, output: outputs[2], offset: 3),
                OutboxMark(source: unasked, output: outputs[3], offset: 1),
            ])
            try transaction.setOutboxMarks([])
        }
        let marks = try store.read { try $0.outboxMarks(sources: [source, other]) }
        #expect(Set(marks) == [
            OutboxMark(source: source, output: outputs[0], offset: 50),
            OutboxMark(source: source, output: outputs[1], offset: 9),
            OutboxMark(source: other, output: outputs[2], offset: 3),
        ])
        #expect(try store.read { try $0.outboxMark(source: source, output: outputs[1]) } == 9)
        #expect(try store.read { try $0.outboxMarks(sources: []) }.isEmpty)
        #expect(try store.write { try $0.outboxMarks(sources: [unasked]) } == [OutboxMark(source: unasked, output: outputs[3], offset: 1)])
    }

    @Test(arguments: StoreBackend.allCases)
    func aFailedTransactionLeavesNothing(backend: StoreBackend) throws {
        let store = try backend.makeLocation().open()
        struct Boom: Error {}
        #expect(throws: Boom.self) {
            try store.write { transaction throws in
                try transaction.markProcessed("e1", at: Date())
                try transaction.putEntity(namespace: "n", key: "k", value: Data([1]))
                _ = try transaction.advanceOffset(source, expected: nil, next: 5)
                throw Boom()
            }
        }
        #expect(try store.read { try !$0.isProcessed("e1") && $0.storedOffsets(for: [source]).isEmpty })
        #expect(try store.read { try $0.entity(namespace: "n", key: "k") } == nil)
        // The store is still usable after the rollback.
        #expect(try store.write { try $0.advanceOffset(source, expected: nil, next: 5) })
    }

    @Test(arguments: StoreBackend.allCases)
    func twoStoresShareOneLocation(backend: StoreBackend) throws {
        let location = try backend.makeLocation()
        let first = try location.open()
        let second = try location.open()
        try first.write { try $0.markProcessed("shared", at: Date()) }
        #expect(try second.read { try $0.isProcessed("shared") })
        #expect(first.isHealthy() && second.isHealthy())
    }

    /// The pipeline reuses decoded entities without reading them only while its writes follow
    /// each other with nobody else's commit in between.
    @Test(arguments: StoreBackend.allCases)
    func aWriteContinuesTheLastOnlyWhenNobodyElseCommitted(backend: StoreBackend) throws {
        let location = try backend.makeLocation()
        let first = try location.open()
        let second = try location.open()
        #expect(try !first.write { $0.continuesLastWrite }, "the first write has nothing to continue")
        try first.write { try $0.putEntity(namespace: "n", key: "k", value: Data("1".utf8)) }
        // SQLite can tell (PRAGMA data_version); PostgreSQL answers false, so values are checked against the store.
        #expect(try first.write { $0.continuesLastWrite } == (backend == .sqlite))
        try second.write { try $0.putEntity(namespace: "n", key: "k", value: Data("2".utf8)) }
        #expect(try !first.write { $0.continuesLastWrite }, "another store committed in between")
        #expect(try first.write { $0.continuesLastWrite } == (backend == .sqlite))
        #expect(try !first.read { $0.continuesLastWrite })
    }
}
