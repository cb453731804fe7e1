import Foundation
import Logging
import PostPurchaseCore

/// `postpurchase demo`: the dev broker, the four worker executables as child processes, a
/// simulated store publishing a realistic stream in compressed time, and a report at the end.
public final class DemoRunner: Sendable {
    /// What to run.
    public struct Options: Sendable {
        public var cluster: DemoCluster.Options
        public var orders = 200
        public var seed: UInt64 = 7
        /// Simulated days to run (deliveries take a week; loyalty confirms 30 days after delivery).
        public var days = 40.0
        public var journeys = 4

        public init(cluster: DemoCluster.Options) {
            self.cluster = cluster
        }
    }

    /// How the run ended.
    public struct Outcome: Sendable {
        public var report: String
        public var workerExitCodes: [String: Int32]
        public var succeeded: Bool
    }

    private let options: Options
    private let logger: Logger
    private let say: @Sendable (String) -> Void
    private let stop: StopSignal

    /// `say` prints progress; `stop` ends the run early (Ctrl-C), still stopping every process.
    public init(options: Options, logger: Logger, stop: StopSignal, say: @escaping @Sendable (String) -> Void) {
        self.options = options
        self.logger = logger
        self.stop = stop
        self.say = say
    }

    public func run() throws -> Outcome {
        let cluster = try DemoCluster(options: options.cluster, logger: logger)
        say("dev broker on \(cluster.broker.bootstrapServers): \(TopicName.contractTopics.count) topics × \(options.cluster.partitions) partitions")
        var simulator = StoreSimulator(start: cluster.epoch, seed: options.seed)
        try simulator.plan(orders: options.orders)
        let horizon = cluster.epoch.addingTimeInterval(options.days * 86_400)
        for role in WorkerRole.allCases { try cluster.start(role) }
        say("started \(cluster.running.joined(separator: ", ")) (logs in \(options.cluster.workDirectory.path)/logs)")
        say("simulating \(options.orders) orders over \(Int(options.days)) days at \(Int(options.cluster.speed))× "
            + "(a day every \(String(format: "%.1f", 86_400 / options.cluster.speed)) s)")

        var run = ScenarioRun(simulator: simulator, horizon: horizon)
        let days = options.days
        let say = self.say
        let result = try run.run(on: cluster, logger: logger, stop: stop) { now, result in
            let day = max(0, now.timeIntervalSince(cluster.epoch) / 86_400)
            let messages = result.outputs.lazy.filter { $0.type == EventType.notificationRequested }.count
            let dead = result.outputs.lazy.filter { $0.type == "dead-letter" }.count
            say(String(format: "day %5.1f of %.0f · published %d · worker outputs %d (messages %d) · dead letters %d",
                       day, days, result.published, result.outputs.count, messages, dead))
        }
        say(stop.isStopped ? "interrupted: stopping the workers" : "simulation finished: stopping the workers (SIGTERM)")
        let exitCodes = cluster.stopAll()
        say("workers exited: " + exitCodes.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: ", "))

        let report = DemoReport(simulator: run.simulator, inputs: result.inputs, outputs: result.outputs, publishedCount: result.published)
        var text = ""
        for orderId in report.interestingOrders(limit: options.journeys) {
            text += report.journey(orderId) + "\n\n"
        }
        text += report.summary()
        if let failure = result.failure { text += "\n\nFAILED: \(failure)" }
        return Outcome(
            report: text, workerExitCodes: exitCodes,
            succeeded: result.failure == nil && !stop.isStopped && exitCodes.values.allSatisfy { $0 == 0 })
    }
}

/// A demo that cannot run, with the reason.
public struct DemoError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
