import Foundation
#if canImport(FoundationNetworking)
import FoundationNetworking
#endif
import PostPurchaseCore
import PostPurchaseTesting
import Testing

/// Where `swift build` put the executables (beside the test bundle).
let productsDirectory: URL = {
    let candidates = [
        URL(fileURLWithPath: CommandLine.arguments[0]).deletingLastPathComponent(),
        Bundle.main.bundleURL.deletingLastPathComponent(),
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent(".build/debug"),
    ]
    return candidates.first { FileManager.default.isExecutableFile(atPath: $0.appendingPathComponent("postpurchase").path) }
        ?? candidates[2]
}()

/// A child process running one of our executables.
final class ChildProcess: @unchecked Sendable {
    // @unchecked: Process is only touched from the test task that owns this object.
    let process = Process()
    let log: URL

    init(_ executable: String, arguments: [String] = [], environment: [String: String] = [:]) throws {
        process.executableURL = productsDirectory.appendingPathComponent(executable)
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        log = FileManager.default.temporaryDirectory.appendingPathComponent("\(executable)-\(UUID().uuidString).log")
        _ = FileManager.default.createFile(atPath: log.path, contents: nil)
        let handle = try FileHandle(forWritingTo: log)
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    func signal(_ number: Int32) { kill(process.processIdentifier, number) }

    /// Waits for the exit and returns its status.
    func waitForExit(timeout: Duration = .seconds(30)) async throws -> Int32 {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while process.isRunning {
            if ContinuousClock.now > deadline {
                signal(SIGKILL)
                throw TimeoutError(what: "\(process.executableURL!.lastPathComponent) to exit")
            }
            try await Task.sleep(for: .milliseconds(50))
        }
        return process.terminationStatus
    }

    var output: String { (try? String(contentsOf: log, encoding: .utf8)) ?? "" }
}

/// Runs an executable to completion and returns its status and output.
func runToCompletion(_ executable: String, _ arguments: [String], environment: [String: String] = [:]) async throws -> (status: Int32, output: String) {
    let child = try ChildProcess(executable, arguments: arguments, environment: environment)
    let status = try await child.waitForExit()
    return (status, child.output)
}

@Suite("Executables as real processes", .serialized)
struct ProcessIntegrationTests {
    let fixture: DevBrokerFixture
    let data = temporaryDirectory("pp-proc")

    init() throws {
        fixture = try DevBrokerFixture(topics: ["echo-in", "echo-out"], partitions: 3)
    }

    func echoWorker(group: String, logLevel: String = "warning") throws -> ChildProcess {
        try ChildProcess("postpurchase-echo-worker", environment: [
            "KAFKA_BOOTSTRAP_SERVERS": fixture.bootstrapServers, "POSTPURCHASE_DATA_DIR": data,
            "POSTPURCHASE_GROUP_ID": group, "POSTPURCHASE_HTTP_PORT": "0", "POSTPURCHASE_LOG_LEVEL": logLevel,
            "KAFKA_PROP_TOPIC_METADATA_REFRESH_INTERVAL_MS": "1000",
        ])
    }

    @Test(arguments: ["postpurchase", "tracking-worker", "followup-worker", "returns-worker", "loyalty-worker", "postpurchase-echo-worker"])
    func everyExecutableAnswersHelp(executable: String) async throws {
        let result = try await runToCompletion(executable, ["--help"])
        #expect(result.status == 0)
        #expect(result.output.contains("USAGE:"))
    }

    @Test func healthAndMetricsEndpointsReportReadinessAndLag() async throws {
        let worker = try echoWorker(group: "g-http", logLevel: "info")
        defer { worker.signal(SIGKILL) }
        try fixture.publish(requests(0..<20, prefix: "h"), topic: "echo-in")
        try fixture.publish([("echo-in", "k", Data("garbage".utf8), [])])
        _ = try await fixture.waitForRecords(on: "echo-out", count: 20)
        // The worker logs its HTTP port (it was asked for any free one).
        var port: Int?
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while port == nil && ContinuousClock.now < deadline {
            port = worker.output.split(separator: "\n").lazy
                .filter { $0.contains("serving health and metrics") }
                .compactMap { line in line.firstRange(of: "\"http.port\":\"").map { Int(line[$0.upperBound...].prefix { $0.isNumber }) } ?? nil }
                .first
            if port == nil { try await Task.sleep(for: .milliseconds(100)) }
        }
        let base = try #require(port.map { "http://127.0.0.1:\($0)" })
        func get(_ path: String) async throws -> (Int, String) {
            let (data, response) = try await URLSession.shared.data(from: URL(string: base + path)!)
            return ((response as? HTTPURLResponse)?.statusCode ?? 0, String(decoding: data, as: UTF8.self))
        }
        #expect(try await get("/health/live").0 == 200)
        let ready = try await get("/health/ready")
        #expect(ready.0 == 200)
        #expect(ready.1.contains("\"status\":\"ready\"") && ready.1.contains("echo-in[0]"))
        try await Task.sleep(for: .milliseconds(1_500))
        let metrics = try await get("/metrics").1
        for partition in 0..<3 {
            #expect(metrics.contains("postpurchase_consumer_lag{worker=\"echo-worker\",topic=\"echo-in\",partition=\"\(partition)\"} 0.0"))
        }
        #expect(metrics.contains("postpurchase_events_total{worker=\"echo-worker\",type=\"echo.request\",outcome=\"applied\"} 20"))
        #expect(metrics.contains("postpurchase_dead_letters_total{worker=\"echo-worker\",topic=\"echo-in\",code=\"not-json\"} 1"))
        #expect(metrics.contains("postpurchase_outputs_published_total{worker=\"echo-worker\",topic=\"echo-out\"} 20"))
        #expect(metrics.contains("postpurchase_assigned_partitions{worker=\"echo-worker\"} 3"))
        // The pipeline thread's CPU time: a positive number of seconds, far below the test's duration.
        let pipelineCPU = metrics.split(separator: "\n")
            .first { $0.hasPrefix("postpurchase_pipeline_cpu_seconds_total{worker=\"echo-worker\"} ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
        #expect(pipelineCPU.map { $0 > 0 && $0 < 60 } == true, "\(String(describing: pipelineCPU))")
        // And the writer's, which commits the SQLite batches written behind (on by default).
        let writerCPU = metrics.split(separator: "\n")
            .first { $0.hasPrefix("postpurchase_writer_cpu_seconds_total{worker=\"echo-worker\"} ") }
            .flatMap { Double($0.split(separator: " ").last ?? "") }
        #expect(writerCPU.map { $0 > 0 && $0 < 60 } == true, "\(String(describing: writerCPU))")
        // Structured JSON logs, one object per line.
        let lines = worker.output.split(separator: "\n").filter { $0.hasPrefix("{") }
        #expect(!lines.isEmpty)
        for line in lines {
            #expect((try? JSONSerialization.jsonObject(with: Data(line.utf8))) != nil, "not JSON: \(line)")
        }
    }

    @Test func sigtermDrainsAndCommits() async throws {
        let worker = try echoWorker(group: "g-term")
        try fixture.publish(requests(0..<300, prefix: "t"), topic: "echo-in")
        _ = try await fixture.waitForRecords(on: "echo-out", count: 300)
        worker.signal(SIGTERM)
        let status = try await worker.waitForExit(timeout: .seconds(20))
        #expect(status == 0, "exit status \(status); log:\n\(worker.output)")
        #expect(try fixture.committedOffsets(group: "g-term", topic: "echo-in") == fixture.endOffsets(topic: "echo-in"))
        expectExactlyOnce(try echoOutputs(try fixture.records(on: "echo-out")), requests: (0..<300).map { "t\($0)" })
    }

    @Test func sigkillMidStreamThenRestartGivesEveryOutputExactlyOnce() async throws {
        let total = 3_000
        let all = requests(0..<total, keys: 13, prefix: "k")
        var worker = try echoWorker(group: "g-kill")
        // Publish while the worker runs, and kill -9 it twice at different points of the stream.
        let kills = try await publishKillingAtPoints(all, fixture: fixture, killPoints: [700, 1_900], ahead: 400, worker: &worker) {
            try echoWorker(group: "g-kill")
        }
        _ = try await fixture.waitForRecords(on: "echo-out", count: total, timeout: .seconds(120))
        try await Task.sleep(for: .seconds(1))
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit() == 0)
        #expect(kills == 2)
        expectExactlyOnce(try echoOutputs(try fixture.records(on: "echo-out")), requests: (0..<total).map { "k\($0)" })
        #expect(try fixture.records(on: "dead-letters").isEmpty)
    }

    @Test func devBrokerIsReachableByKcatAndListsTheContractTopics() async throws {
        let bootstrapFile = FileManager.default.temporaryDirectory.appendingPathComponent("bootstrap-\(UUID().uuidString)").path
        let broker = try ChildProcess("postpurchase", arguments: ["dev-broker", "--partitions", "4", "--bootstrap-file", bootstrapFile])
        defer { broker.signal(SIGKILL) }
        let deadline = ContinuousClock.now.advanced(by: .seconds(20))
        while !FileManager.default.fileExists(atPath: bootstrapFile) && ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(100))
        }
        let bootstrap = try String(contentsOfFile: bootstrapFile, encoding: .utf8)
        let kcat = Process()
        kcat.executableURL = URL(fileURLWithPath: "/usr/bin/env")
        kcat.arguments = ["kcat", "-L", "-b", bootstrap]
        let pipe = Pipe()
        kcat.standardOutput = pipe
        try kcat.run()
        let listing = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
        kcat.waitUntilExit()
        #expect(kcat.terminationStatus == 0, "kcat is installed by scripts/setup.sh")
        for topic in TopicName.contractTopics {
            #expect(listing.contains("topic \"\(topic.rawValue)\" with 4 partitions"))
        }
        // Our own CLI sees the same cluster.
        let list = try await runToCompletion("postpurchase", ["topics", "list", "--bootstrap", bootstrap])
        #expect(list.status == 0)
        #expect(list.output.contains("* orders  partitions=4"))
        broker.signal(SIGTERM)
        #expect(try await broker.waitForExit() == 0)
    }
}
