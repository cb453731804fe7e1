import Foundation
import PostPurchaseCore
import PostPurchaseTesting
import Testing

/// A fresh temporary directory for one test's SQLite files.
func temporaryDirectory(_ name: String = "pp-it") -> String {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("\(name)-\(UUID().uuidString)").path
    try? FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    return path
}

/// Decoded `echo.reply` / `echo.timer` outputs.
struct EchoOutput: Hashable {
    var id: String
    var type: String
    var reply: EchoWorker.Reply
    var key: String
}


func echoOutputs(_ records: [KafkaRecord]) throws -> [EchoOutput] {
    try records.map { record in
        let event = try CloudEventCodec.decode(record)
        return EchoOutput(id: event.id, type: event.type, reply: try event.decodeData(EchoWorker.Reply.self), key: record.keyText ?? "")
    }
}

/// Asserts every request got exactly one reply, and every key's counter went 1, 2, … n with no
/// gap or repeat (state applied exactly once).
func expectExactlyOnce(_ outputs: [EchoOutput], requests: [String], sourceLocation: SourceLocation = #_sourceLocation) {
    let replies = outputs.filter { $0.type == "echo.reply" }
    let ids = replies.map(\.id)
    #expect(ids.count == Set(ids).count, "duplicate outputs: \(ids.count - Set(ids).count)", sourceLocation: sourceLocation)
    #expect(Set(replies.map(\.reply.requestId)) == Set(requests), sourceLocation: sourceLocation)
    #expect(replies.count == requests.count, sourceLocation: sourceLocation)
    for (key, group) in Dictionary(grouping: replies, by: \.key) {
        #expect(group.map(\.reply.count).sorted() == Array(1...group.count), "counter of \(key) skipped or repeated", sourceLocation: sourceLocation)
    }
}

/// Echo requests spread over `keys` keys.
func requests(_ range: Range<Int>, keys: Int = 7, prefix: String = "r", time: Date = Date()) -> [OutgoingEvent] {
    range.map { index in
        EchoWorker.request(.init(requestId: "\(prefix)\(index)"), key: "key-\(index % keys)", time: time)
    }
}

/// The repository this test bundle was built from (templates, configuration, fixtures).
let repositoryRoot = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

/// One of the four worker executables against the test's dev broker and data directory, on any
/// free HTTP port, with the repository's templates; its state in `databaseURL` (PostgreSQL) or,
/// when nil, in the data directory's SQLite file (see ``StoreBackend``). `environment` adds to
/// or overrides that.
func workerProcess(
    _ role: WorkerRole, fixture: DevBrokerFixture, data: String, group: String, databaseURL: String? = nil,
    arguments: [String] = [], environment: [String: String] = [:]
) throws -> ChildProcess {
    try ChildProcess(role.name, arguments: arguments, environment: [
        "KAFKA_BOOTSTRAP_SERVERS": fixture.bootstrapServers, "POSTPURCHASE_DATA_DIR": data,
        "POSTPURCHASE_GROUP_ID": group, "POSTPURCHASE_HTTP_PORT": "0", "POSTPURCHASE_LOG_LEVEL": "warning",
        "KAFKA_PROP_TOPIC_METADATA_REFRESH_INTERVAL_MS": "1000",
        "POSTPURCHASE_TEMPLATES_DIR": repositoryRoot.appendingPathComponent("Config/templates").path,
    ].merging(StoreBackend.environment(databaseURL: databaseURL)) { $1 }.merging(environment) { $1 })
}

/// Publishes `all` on `echo-in` in chunks of 100 while `worker` runs; at each of `killPoints`
/// (once that many outputs are out, with `ahead` more records already published) kills it with
/// SIGKILL and starts it again with `restart`; then publishes the rest. Returns the kills made.
func publishKillingAtPoints(
    _ all: [OutgoingEvent], fixture: DevBrokerFixture, killPoints: [Int], ahead: Int,
    worker: inout ChildProcess, restart: () throws -> ChildProcess
) async throws -> Int {
    var published = 0
    var kills = 0
    for killAt in killPoints {
        while published < min(killAt + ahead, all.count) {
            try fixture.publish(Array(all[published..<min(published + 100, all.count)]), topic: "echo-in")
            published = min(published + 100, all.count)
            try await Task.sleep(for: .milliseconds(20))
        }
        _ = try await fixture.waitForRecords(on: "echo-out", count: killAt)
        worker.signal(SIGKILL)
        _ = try await worker.waitForExit()
        kills += 1
        worker = try restart()
    }
    if published < all.count { try fixture.publish(Array(all[published...]), topic: "echo-in") }
    return kills
}
