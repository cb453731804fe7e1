import Foundation
import PostPurchaseCore
import PostPurchaseTesting
import Testing

/// The echo worker executable with `POSTPURCHASE_DATABASE_URL`: killed with SIGKILL mid-stream
/// and restarted as if on another host (a new, empty data directory), it resumes from the
/// database with every output exactly once.
@Suite("Executables on PostgreSQL", .serialized)
struct PostgresProcessIntegrationTests {
    let fixture: DevBrokerFixture
    let databaseURL: String

    init() throws {
        fixture = try DevBrokerFixture(topics: ["echo-in", "echo-out"], partitions: 3)
        databaseURL = try PostgresTestServer.shared().createDatabase()
    }

    func echoWorker(group: String) throws -> ChildProcess {
        try ChildProcess("postpurchase-echo-worker", environment: [
            "KAFKA_BOOTSTRAP_SERVERS": fixture.bootstrapServers, "POSTPURCHASE_DATA_DIR": temporaryDirectory("pp-pg-host"),
            "POSTPURCHASE_DATABASE_URL": databaseURL, "POSTPURCHASE_GROUP_ID": group, "POSTPURCHASE_HTTP_PORT": "0",
            "POSTPURCHASE_LOG_LEVEL": "info", "KAFKA_PROP_TOPIC_METADATA_REFRESH_INTERVAL_MS": "1000",
        ])
    }

    @Test func sigkillMidStreamThenRestartOnAnotherHostGivesEveryOutputExactlyOnce() async throws {
        let total = 1_500
        let all = requests(0..<total, keys: 13, prefix: "p")
        var worker = try echoWorker(group: "g-pg-kill")
        _ = try await publishKillingAtPoints(all, fixture: fixture, killPoints: [400, 1_000], ahead: 300, worker: &worker) {
            try echoWorker(group: "g-pg-kill")
        }
        _ = try await fixture.waitForRecords(on: "echo-out", count: total, timeout: .seconds(120))
        try await Task.sleep(for: .seconds(1))
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit() == 0, "log:\n\(worker.output.suffix(3_000))")
        expectExactlyOnce(try echoOutputs(try fixture.records(on: "echo-out")), requests: (0..<total).map { "p\($0)" })
        #expect(try fixture.records(on: "dead-letters").isEmpty)
        // The log names the database without its password.
        #expect(worker.output.contains("postgres://\(PostgresTestServer.user)@127.0.0.1"), "log:\n\(worker.output.prefix(2_000))")
        #expect(!worker.output.contains(PostgresTestServer.password))
    }
}
