import Foundation
import PostPurchaseCore
import PostPurchaseTesting
import Testing

/// The worker runtime with its state in a real PostgreSQL server (started by the tests on
/// loopback), against the dev broker: instances on "different hosts" (separate data
/// directories) share one database.
@Suite("Worker runtime on PostgreSQL", .serialized)
struct PostgresRuntimeIntegrationTests {
    let fixture: DevBrokerFixture
    let databaseURL: String

    init() throws {
        fixture = try DevBrokerFixture(topics: ["echo-in", "echo-out"], partitions: 3)
        databaseURL = try PostgresTestServer.shared().createDatabase()
    }

    /// An instance on its own host: its own (empty) data directory, the shared database.
    func host(_ name: String, groupId: String) -> PostPurchaseConfiguration {
        var configuration = fixture.configuration(dataDirectory: temporaryDirectory("pg-\(name)"), groupId: groupId)
        configuration.store.databaseUrl = databaseURL
        return configuration
    }

    /// As on SQLite (`RuntimeIntegrationTests`), with PostgreSQL's batch claim and read-ahead.
    @Test func aTimerCancelledOrMovedByAnEarlierFiringOfItsBatchDoesNotFire() async throws {
        try await TimerChainWorker.expectCancelledAndMovedTimersSkipped(fixture: fixture, configuration: host("chain", groupId: "g-pg-chain"))
    }

    @Test func eventsInOutputsOutTimersFireAndNothingLandsInTheDataDirectory() async throws {
        let clock = ManualClock()
        let configuration = host("a", groupId: "g-pg-roundtrip")
        var worker = try RunningWorker(EchoWorker(), configuration: configuration, clock: clock)
        var batch = requests(0..<60, time: clock.now())
        batch[7] = EchoWorker.request(.init(requestId: "r7", timerSeconds: 2 * 86_400), key: "key-0", time: clock.now())
        batch[11] = EchoWorker.request(.init(requestId: "r11", failOnce: true), key: "key-4", time: clock.now())
        try fixture.publish(Array(batch[0..<30]), topic: "echo-in")
        try fixture.publish(Array(batch[30...]), topic: "echo-in", binary: true)
        _ = try await fixture.waitForRecords(on: "echo-out", count: 60)
        // The timer lives in the database: it survives a restart and fires once when due.
        try await worker.stop()
        worker = try RunningWorker(EchoWorker(), configuration: configuration, clock: clock)
        try await worker.waitUntilReady()
        clock.advance(by: 2 * 86_400 + 1)
        let records = try await fixture.waitForRecords(on: "echo-out", count: 61)
        try await Task.sleep(for: .milliseconds(600))
        try await worker.stop()
        let outputs = try echoOutputs(try fixture.records(on: "echo-out"))
        #expect(records.count == 61)
        expectExactlyOnce(outputs, requests: (0..<60).map { "r\($0)" })
        #expect(outputs.filter { $0.type == "echo.timer" }.map(\.reply.requestId) == ["r7"])
        #expect(try fixture.committedOffsets(group: "g-pg-roundtrip", topic: "echo-in") == fixture.endOffsets(topic: "echo-in"))
        #expect(try fixture.records(on: "dead-letters").isEmpty)
        let files = try FileManager.default.contentsOfDirectory(atPath: configuration.store.dataDir)
        #expect(!files.contains { $0.hasSuffix(".sqlite") }, "state went to PostgreSQL, not SQLite: \(files)")
        let store = try PostgresStateStore(url: databaseURL, workerName: "echo-worker")
        #expect(try store.read { try $0.outboxCount() } == 0)
        #expect(try store.read { try $0.timerCount() } == 0)
    }

    @Test func aPartitionMovesBetweenHostsMidStreamWithNoLossAndNoDuplicate() async throws {
        // Two pipelines with separate data directories, as on two hosts, share the database.
        let all = requests(0..<600, keys: 11)
        let first = try RunningWorker(EchoWorker(), configuration: host("a", groupId: "g-pg-move"))
        try await first.waitUntilReady()
        try fixture.publish(Array(all[0..<200]), topic: "echo-in")
        _ = try await fixture.waitForRecords(on: "echo-out", count: 200)
        // A second host joins: partitions move to it, with the state the first host wrote.
        let second = try RunningWorker(EchoWorker(), configuration: host("b", groupId: "g-pg-move"))
        let publisher = Task {
            for chunk in stride(from: 200, to: 500, by: 20) {
                try fixture.publish(Array(all[chunk..<(chunk + 20)]), topic: "echo-in")
                try await Task.sleep(for: .milliseconds(40))
            }
        }
        try await second.waitUntilReady(timeout: .seconds(60))
        try await Task.sleep(for: .milliseconds(300))
        // The first host goes away while events still arrive: every partition moves to the second.
        try await first.stop()
        try await publisher.value
        try fixture.publish(Array(all[500...]), topic: "echo-in")
        _ = try await fixture.waitForRecords(on: "echo-out", count: 600)
        try await Task.sleep(for: .seconds(1))
        try await second.stop()
        // Every key's counter runs 1…n across both hosts: the state moved with the partitions.
        expectExactlyOnce(try echoOutputs(try fixture.records(on: "echo-out")), requests: (0..<600).map { "r\($0)" })
        #expect(try fixture.committedOffsets(group: "g-pg-move", topic: "echo-in") == fixture.endOffsets(topic: "echo-in"))
    }

    @Test func threeHostsScaleOutAndInWithTimersFiredOnce() async throws {
        let clock = ManualClock()
        let all = (0..<450).map { index in
            EchoWorker.request(.init(requestId: "s\(index)", timerSeconds: index % 5 == 0 ? 3_600 : nil),
                               key: "key-\(index % 13)", time: clock.now())
        }
        var hosts = [try RunningWorker(EchoWorker(), configuration: host("1", groupId: "g-pg-three"), clock: clock)]
        try await hosts[0].waitUntilReady()
        try fixture.publish(Array(all[0..<150]), topic: "echo-in")
        _ = try await fixture.waitForRecords(on: "echo-out", count: 150)
        hosts.append(try RunningWorker(EchoWorker(), configuration: host("2", groupId: "g-pg-three"), clock: clock))
        hosts.append(try RunningWorker(EchoWorker(), configuration: host("3", groupId: "g-pg-three"), clock: clock))
        try fixture.publish(Array(all[150..<300]), topic: "echo-in")
        for worker in hosts { try await worker.waitUntilReady(timeout: .seconds(60)) }
        try fixture.publish(Array(all[300...]), topic: "echo-in")
        _ = try await fixture.waitForRecords(on: "echo-out", count: 450)
        // Timers written by one host fire on whichever host owns their partition now, once.
        try await hosts.removeFirst().stop()
        clock.advance(by: 3_601)
        let expected = 450 + all.indices.filter { $0 % 5 == 0 }.count
        _ = try await fixture.waitForRecords(on: "echo-out", count: expected)
        try await Task.sleep(for: .seconds(1))
        for worker in hosts { try await worker.stop() }
        let outputs = try echoOutputs(try fixture.records(on: "echo-out"))
        expectExactlyOnce(outputs, requests: (0..<450).map { "s\($0)" })
        let fired = outputs.filter { $0.type == "echo.timer" }.map(\.reply.requestId)
        #expect(fired.count == expected - 450)
        #expect(Set(fired) == Set(all.indices.filter { $0 % 5 == 0 }.map { "s\($0)" }))
    }
}
