import Foundation
import PostPurchaseCore
import PostPurchaseTesting
import Testing

/// What only the shared backend has to prove: several instances (stores) writing one database
/// at once cannot both win, and timers are claimed without waiting on each other.
@Suite("PostgreSQL state store across instances")
struct PostgresStateStoreTests {
    let source = TopicPartition(topic: "orders", partition: 0)

    /// Two instances of one worker kind on one database.
    private func twoInstances() throws -> (PostgresStateStore, PostgresStateStore) {
        let url = try PostgresTestServer.shared().createDatabase()
        return (try PostgresStateStore(url: url, workerName: "loyalty-worker"), try PostgresStateStore(url: url, workerName: "loyalty-worker"))
    }

    /// A transaction that lost to another instance fails with an error the pipeline retries: a
    /// ``PostgresStateStore/ConcurrentUpdate`` or PostgreSQL's serialization failure, whichever
    /// notices first.
    private func expectRetriedConflict(_ store: PostgresStateStore, sourceLocation: SourceLocation = #_sourceLocation,
                                       _ body: () throws -> Void) {
        let error = #expect(throws: (any Error).self, sourceLocation: sourceLocation) { try body() }
        #expect(error.map { store.isTransient($0) } == true, "\(String(describing: error))", sourceLocation: sourceLocation)
    }

    /// The tracking worker's race, reduced to the store: a carrier update whose tracking number is
    /// not indexed yet is parked (instance A), while the dispatch that writes the index looks for
    /// parked updates and finds none (instance B). Each reads what the other writes, so neither
    /// version check fires; committed together, the update would stay parked for ever.
    @Test func twoInstancesDecidingFromWhatTheOtherIsWritingCannotBothCommit() throws {
        let (a, b) = try twoInstances()
        expectRetriedConflict(a) {
            try a.write { transaction throws in
                #expect(try transaction.entity(namespace: "tracking-index", key: "TN-1") == nil)
                try b.write { transaction throws in
                    #expect(try transaction.entity(namespace: "tracking-index", key: "TN-1") == nil)
                    #expect(try transaction.entities(namespace: "parked", keyPrefix: "TN-1|", limit: 10).isEmpty)
                    try transaction.putEntity(namespace: "tracking-index", key: "TN-1", value: Data("SHP-1".utf8))
                }
                try transaction.putEntity(namespace: "parked", key: "TN-1|scan-1", value: Data("in_transit".utf8))
            }
        }
        // Retried, A now finds the index and applies the update instead of parking it.
        #expect(try a.read { try $0.entity(namespace: "tracking-index", key: "TN-1") } == Data("SHP-1".utf8))
        #expect(try a.read { try $0.entities(namespace: "parked", keyPrefix: "TN-1|", limit: 10) }.isEmpty)
    }

    @Test func anEntityChangedByAnotherInstanceSinceItWasReadIsNotOverwritten() throws {
        let (a, b) = try twoInstances()
        try a.write { try $0.putEntity(namespace: "ledger", key: "c-1", value: Data("100".utf8)) }
        // A reads the balance, B changes it and commits, then A writes what it computed from its read.
        let error = #expect(throws: (any Error).self) {
            try a.write { transaction throws in
                _ = try transaction.entity(namespace: "ledger", key: "c-1")
                try b.write { transaction throws in
                    _ = try transaction.entity(namespace: "ledger", key: "c-1")
                    try transaction.putEntity(namespace: "ledger", key: "c-1", value: Data("150".utf8))
                }
                try transaction.putEntity(namespace: "ledger", key: "c-1", value: Data("110".utf8))
            }
        }
        #expect(error.map { a.isTransient($0) } == true, "the pipeline retries the batch")
        #expect(try a.read { try $0.entity(namespace: "ledger", key: "c-1") } == Data("150".utf8))
        // Retried with a fresh read, A's change applies on top of B's.
        try a.write { transaction throws in
            let balance = Int(String(decoding: try transaction.entity(namespace: "ledger", key: "c-1")!, as: UTF8.self))!
            try transaction.putEntity(namespace: "ledger", key: "c-1", value: Data("\(balance + 10)".utf8))
        }
        #expect(try b.read { try $0.entity(namespace: "ledger", key: "c-1") } == Data("160".utf8))
    }

    /// Entities read in a batch (as reading ahead does) are checked at the commit like single reads.
    @Test func anEntityChangedByAnotherInstanceSinceItWasReadInABatchIsNotOverwritten() throws {
        let (a, b) = try twoInstances()
        try a.write { try $0.putEntity(namespace: "ledger", key: "c-1", value: Data("100".utf8)) }
        expectRetriedConflict(a) {
            try a.write { transaction throws in
                #expect(try transaction.entities(namespace: "ledger", keys: ["c-1", "c-2"]).count == 1)
                try b.write { transaction throws in
                    try transaction.putEntity(namespace: "ledger", key: "c-1", value: Data("150".utf8))
                    try transaction.putEntity(namespace: "ledger", key: "c-2", value: Data("5".utf8))
                }
                // Answered from what the batch read (the transaction's snapshot), then refused at the write.
                #expect(try transaction.entity(namespace: "ledger", key: "c-1") == Data("100".utf8))
                try transaction.putEntity(namespace: "ledger", key: "c-1", value: Data("110".utf8))
            }
        }
        expectRetriedConflict(a) {
            try a.write { transaction throws in
                #expect(try transaction.entities(namespace: "ledger", keys: ["c-3"]).isEmpty)
                try b.write { try $0.putEntity(namespace: "ledger", key: "c-3", value: Data("b".utf8)) }
                try transaction.putEntity(namespace: "ledger", key: "c-3", value: Data("a".utf8))
            }
        }
        #expect(try a.read { try $0.entities(namespace: "ledger", keys: ["c-1", "c-2", "c-3"]) }
                == ["c-1": Data("150".utf8), "c-2": Data("5".utf8), "c-3": Data("b".utf8)])
    }

    @Test func anEntityCreatedByAnotherInstanceSinceItWasReadAbsentIsNotOverwritten() throws {
        let (a, b) = try twoInstances()
        expectRetriedConflict(a) {
            try a.write { transaction throws in
                #expect(try transaction.entity(namespace: "ledger", key: "new") == nil)
                try b.write { try $0.putEntity(namespace: "ledger", key: "new", value: Data("b".utf8)) }
                try transaction.putEntity(namespace: "ledger", key: "new", value: Data("a".utf8))
            }
        }
        #expect(try a.read { try $0.entity(namespace: "ledger", key: "new") } == Data("b".utf8))
        // Deleting what another instance changed meanwhile fails the same way.
        expectRetriedConflict(a) {
            try a.write { transaction throws in
                _ = try transaction.entity(namespace: "ledger", key: "new")
                try b.write { try $0.putEntity(namespace: "ledger", key: "new", value: Data("b2".utf8)) }
                try transaction.deleteEntity(namespace: "ledger", key: "new")
            }
        }
        #expect(try a.read { try $0.entity(namespace: "ledger", key: "new") } == Data("b2".utf8))
    }

    @Test func anEventAppliedByAnotherInstanceMeanwhileFailsTheTransaction() throws {
        let (a, b) = try twoInstances()
        // The same event (same CloudEvent id) redelivered to two instances at once: one applies it.
        expectRetriedConflict(a) {
            try a.write { transaction throws in
                #expect(try !transaction.isProcessed("evt-1"))
                try b.write { transaction throws in
                    #expect(try !transaction.isProcessed("evt-1"))
                    try transaction.markProcessed("evt-1", at: Date())
                }
                try transaction.markProcessed("evt-1", at: Date())
            }
        }
        #expect(try a.read { try $0.isProcessed("evt-1") })
    }

    /// The same race when the batch asked for all its events at once: an id it saw unapplied and
    /// another instance applied meanwhile still fails the commit.
    @Test func anEventReadInABatchAndAppliedByAnotherInstanceMeanwhileFailsTheTransaction() throws {
        let (a, b) = try twoInstances()
        try b.write { try $0.markProcessed("evt-0", at: Date()) }
        expectRetriedConflict(a) {
            try a.write { transaction throws in
                #expect(try transaction.processed(among: ["evt-0", "evt-1", "evt-2"]) == ["evt-0"])
                try b.write { try $0.markProcessed("evt-2", at: Date()) }
                // Answered from the batch's question, then refused at the commit.
                #expect(try !transaction.isProcessed("evt-2"))
                for id in ["evt-1", "evt-2"] { try transaction.markProcessed(id, at: Date()) }
            }
        }
        #expect(try a.read { try $0.processed(among: ["evt-0", "evt-1", "evt-2"]) } == ["evt-0", "evt-2"])
    }

    @Test func aTimerBeingFiredElsewhereIsSkippedNotWaitedFor() throws {
        let (a, b) = try twoInstances()
        let due = Date(timeIntervalSince1970: 5_000)
        try a.write { try $0.scheduleTimer(DurableTimer(id: "review:o-1", dueAt: due, kind: "review", payload: Data(), owner: source)) }
        // A claims it and is still firing (transaction open): B must not block, and must not get it.
        try a.write { transaction throws in
            #expect(try transaction.claimTimer(id: "review:o-1", dueAt: due))
            #expect(try b.write { try $0.claimTimer(id: "review:o-1", dueAt: due) } == false)
        }
        #expect(try b.write { try $0.claimTimer(id: "review:o-1", dueAt: due) } == false, "fired once, gone")
        // The same when claimed together with others.
        try a.write { transaction throws in
            for id in ["review:o-3", "review:o-4"] {
                try transaction.scheduleTimer(DurableTimer(id: id, dueAt: due, kind: "review", payload: Data(), owner: source))
            }
        }
        let both = ["review:o-3", "review:o-4"].map { DurableTimer(id: $0, dueAt: due, kind: "review", payload: Data(), owner: source) }
        try a.write { transaction throws in
            #expect(try transaction.claimTimers([both[0]]) == ["review:o-3"])
            #expect(try b.write { try $0.claimTimers(both) } == ["review:o-4"])
        }
        // A firing that rolls back leaves the timer for whoever looks next.
        try a.write { try $0.scheduleTimer(DurableTimer(id: "review:o-2", dueAt: due, kind: "review", payload: Data(), owner: source)) }
        struct Crash: Error {}
        #expect(throws: Crash.self) {
            try a.write { transaction throws in
                #expect(try transaction.claimTimer(id: "review:o-2", dueAt: due))
                throw Crash()
            }
        }
        #expect(try b.read { try $0.dueTimers(at: due, owners: [source], limit: 10) }.map(\.id) == ["review:o-2"])
        #expect(try b.write { try $0.claimTimer(id: "review:o-2", dueAt: due) })
    }

    /// Claimed one by one (`together` false) or a batch in one statement.
    @Test(arguments: [false, true])
    func concurrentInstancesClaimEveryTimerExactlyOnce(together: Bool) async throws {
        let url = try PostgresTestServer.shared().createDatabase()
        let setup = try PostgresStateStore(url: url, workerName: "followup-worker")
        let due = Date(timeIntervalSince1970: 10_000)
        try setup.write { transaction throws in
            for index in 0..<300 {
                try transaction.scheduleTimer(DurableTimer(id: "t-\(index)", dueAt: due, kind: "k", payload: Data(), owner: source))
            }
        }
        // Three instances race over the same due timers, each in its own thread, as pipelines do.
        let claims = try await withThrowingTaskGroup(of: [String].self) { group in
            for _ in 0..<3 {
                let store = try PostgresStateStore(url: url, workerName: "followup-worker")
                group.addTask {
                    try await onThread {
                        var mine: [String] = []
                        while true {
                            let batch = try store.read { try $0.dueTimers(at: due, owners: [TopicPartition(topic: "orders", partition: 0)], limit: 25) }
                            if batch.isEmpty { return mine }
                            do {
                                mine += try store.write { transaction throws in
                                    if together { return Array(try transaction.claimTimers(batch)) }
                                    return try batch.filter { try transaction.claimTimer(id: $0.id, dueAt: $0.dueAt) }.map(\.id)
                                }
                            } catch where store.isTransient(error) {
                                // A serialization failure: nothing of this batch was claimed; look again, as the pipeline does.
                                continue
                            }
                        }
                    }
                }
            }
            var all: [[String]] = []
            for try await claimed in group { all.append(claimed) }
            return all
        }
        let flattened = claims.flatMap { $0 }
        #expect(flattened.count == 300)
        #expect(Set(flattened).count == 300, "no timer fired twice")
        #expect(try setup.read { try $0.timerCount() } == 0)
    }

    @Test func identifiersWithNULCharactersAreKeptApart() throws {
        // Event ids and keys come from input: PostgreSQL text cannot hold U+0000, so they are bytea.
        let (a, _) = try twoInstances()
        try a.write { transaction throws in
            try transaction.putEntity(namespace: "n", key: "order\u{0}1", value: Data([1]))
            try transaction.putEntity(namespace: "n", key: "order\u{0}2", value: Data([2]))
            try transaction.markProcessed("evt\u{0}1", at: Date())
            try transaction.scheduleTimer(DurableTimer(id: "t\u{0}1", dueAt: Date(timeIntervalSince1970: 1), kind: "k", payload: Data(), owner: source))
        }
        try a.read { transaction throws in
            #expect(try transaction.entity(namespace: "n", key: "order\u{0}1") == Data([1]))
            #expect(try transaction.entity(namespace: "n", key: "order\u{0}2") == Data([2]))
            #expect(try transaction.entities(namespace: "n", keyPrefix: "order\u{0}", limit: 5).map(\.key) == ["order\u{0}1", "order\u{0}2"])
            #expect(try transaction.isProcessed("evt\u{0}1"))
            #expect(try !transaction.isProcessed("evt"))
            #expect(try transaction.timer(id: "t\u{0}1")?.id == "t\u{0}1")
        }
    }

    @Test func eachWorkerKindHasItsOwnSchemaAndMigrationsRunOnce() throws {
        let url = try PostgresTestServer.shared().createDatabase()
        let tracking = try PostgresStateStore(url: url, workerName: "tracking-worker")
        try tracking.write { try $0.putEntity(namespace: "shipment", key: "s-1", value: Data([1])) }
        // Opening again (a restart, another instance) finds the schema migrated and keeps the data.
        let again = try PostgresStateStore(url: url, workerName: "tracking-worker")
        #expect(try again.read { try $0.entity(namespace: "shipment", key: "s-1") } == Data([1]))
        let returns = try PostgresStateStore(url: url, workerName: "returns-worker")
        #expect(try returns.read { try $0.entity(namespace: "shipment", key: "s-1") } == nil)
        #expect(tracking.schema == "tracking_worker" && returns.schema == "returns_worker")
    }

    @Test func anUnreachableDatabaseIsATransientFailureWithoutThePassword() throws {
        let server = try PostgresTestServer.shared()
        let url = "postgres://\(PostgresTestServer.user):wrong-secret@127.0.0.1:\(server.port)/postgres?sslmode=disable"
        do {
            _ = try PostgresStateStore(url: url, workerName: "echo-worker")
            Issue.record("a wrong password must not connect")
        } catch {
            #expect(!"\(error)".contains("wrong-secret"))
            #expect(!String(reflecting: error).contains("wrong-secret"))
        }
    }
}

/// Runs blocking work on a thread of its own (the store blocks; the cooperative pool must not).
func onThread<T: Sendable>(_ body: @escaping @Sendable () throws -> T) async throws -> T {
    try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { continuation.resume(with: Result { try body() }) }
        thread.start()
    }
}
