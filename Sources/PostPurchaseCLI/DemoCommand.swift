import ArgumentParser
import Demo
import Foundation
import PostPurchaseCore

/// `postpurchase demo`: the whole product in a few minutes (see ``DemoRunner``).
struct DemoCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Run the dev broker, the four workers and a simulated store; print customer journeys and a summary.",
        discussion: """
            Starts librdkafka's mock cluster on loopback, launches tracking-worker, followup-worker, returns-worker and
            loyalty-worker as child processes, and publishes a generated but realistic stream: English and Arabic
            customers in several time zones, split parcels, delays, failed attempts, returns with refunds, store credit
            and exchanges, cancellations, reviews, customers without marketing consent and a few malformed records.
            Simulated weeks pass in minutes (every process shares the clock epoch and speed). Ctrl-C stops everything.
            """)

    @Option(help: "Orders to generate.")
    var orders = 200

    @Option(help: "Random seed: the same seed gives the same stream.")
    var seed: UInt64 = 7

    @Option(help: "Simulated seconds per real second (25000: a day every 3.5 s).")
    var speed = 25_000.0

    @Option(help: "Simulated days to run.")
    var days = 40.0

    @Option(help: "Customer journeys to print at the end.")
    var journeys = 4

    @Option(help: "Directory for the workers' state and logs (default: a new temporary directory).")
    var workDir: String?

    @Option(help: "Directory holding the worker executables (default: next to this one).")
    var executables: String?

    func validate() throws {
        guard (1...100_000).contains(orders) else { throw ValidationError("--orders must be between 1 and 100000") }
        guard speed >= 1, speed <= 1_000_000 else { throw ValidationError("--speed must be between 1 and 1000000") }
        guard days > 0, days <= 400 else { throw ValidationError("--days must be between 0 and 400") }
        guard (0...20).contains(journeys) else { throw ValidationError("--journeys must be between 0 and 20") }
    }

    func run() async throws {
        let here = URL(fileURLWithPath: CommandLine.arguments[0]).resolvingSymlinksInPath().deletingLastPathComponent()
        let work = workDir.map { URL(fileURLWithPath: $0) }
            ?? FileManager.default.temporaryDirectory.appendingPathComponent("postpurchase-demo-\(UUID().uuidString.prefix(8))")
        var cluster = DemoCluster.Options(executables: executables.map { URL(fileURLWithPath: $0) } ?? here, workDirectory: work)
        cluster.speed = speed
        // Templates and the configuration file from the repository when run from a checkout.
        if ProcessInfo.processInfo.environment[NotificationComposer.directoryEnvironmentKey] == nil {
            cluster.templatesDirectory = Self.find("Config/templates", from: here)
        }
        cluster.configFile = Self.find("Config/postpurchase.yaml", from: here)
        var options = DemoRunner.Options(cluster: cluster)
        options.orders = orders
        options.seed = seed
        options.days = days
        options.journeys = journeys
        let stop = StopSignal()
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { stop.stop() }
            source.resume()
            SignalSources.keep(source)
        }
        let runner = DemoRunner(options: options, logger: cliLogger(), stop: stop) { line in
            print(line)
            fflush(nil)
        }
        // The run blocks on Kafka calls: keep it off the cooperative pool.
        let outcome = try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<DemoRunner.Outcome, any Error>) in
            Thread {
                continuation.resume(with: Result { try runner.run() })
            }.start()
        }
        print("")
        print(outcome.report)
        if !outcome.succeeded { throw ExitCode.failure }
    }

    /// `relative` in the working directory or in a parent of `start` (a checkout's `.build/…`).
    static func find(_ relative: String, from start: URL) -> String? {
        let cwd = URL(fileURLWithPath: FileManager.default.currentDirectoryPath).appendingPathComponent(relative)
        if FileManager.default.fileExists(atPath: cwd.path) { return cwd.path }
        var directory = start
        for _ in 0..<6 {
            let candidate = directory.appendingPathComponent(relative)
            if FileManager.default.fileExists(atPath: candidate.path) { return candidate.path }
            directory = directory.deletingLastPathComponent()
        }
        return nil
    }
}
