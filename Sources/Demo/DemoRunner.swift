import Foundation
import Logging
import PostPurchaseCore

/// `postpurchase demo`: the dev broker, the four worker executables as child processes, a
/// simulated store publishing a realistic stream in compressed time, and a report at the end.
public final class DemoRunner: Sendable {
    /// What to run.
    public struct Options: Sendable {
        public var orders = 200
        public var seed: UInt64 = 7
        /// Simulated seconds per real second.
        public var speed = 25_000.0
        /// Simulated days to run (deliveries take a week; loyalty confirms 30 days after delivery).
        public var days = 40.0
        public var partitions: Int32 = 3
        public var journeys = 4
        /// Where the worker executables are (next to `postpurchase`).
        public var executables: URL
        /// Where state and logs go.
        public var workDirectory: URL
        public var templatesDirectory: String?
        public var configFile: String?

        public init(executables: URL, workDirectory: URL) {
            self.executables = executables
            self.workDirectory = workDirectory
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
        try FileManager.default.createDirectory(at: options.workDirectory.appendingPathComponent("logs"), withIntermediateDirectories: true)
        let broker = try DevBroker(logger: logger)
        for topic in TopicName.contractTopics {
            try broker.createTopic(topic.rawValue, partitions: options.partitions)
        }
        say("dev broker on \(broker.bootstrapServers): \(TopicName.contractTopics.count) topics × \(options.partitions) partitions")

        // Every process agrees on the simulated time: same epoch, same speed. The epoch lies a few
        // seconds ahead so the workers have joined their groups when the first order is paid.
        let epoch = Date().addingTimeInterval(6)
        let clock = ScaledClock(origin: epoch, speed: options.speed, realOrigin: epoch)
        var simulator = StoreSimulator(start: epoch, seed: options.seed)
        try simulator.plan(orders: options.orders)
        let horizon = epoch.addingTimeInterval(options.days * 86_400)

        var workers: [WorkerProcess] = []
        var exitCodes: [String: Int32] = [:]
        defer {
            for worker in workers where worker.isRunning { _ = worker.stop(timeout: 10) }
        }
        for role in WorkerRole.allCases {
            var environment = [
                "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrapServers,
                "POSTPURCHASE_DATA_DIR": options.workDirectory.path,
                "POSTPURCHASE_HTTP_PORT": "0",
                "POSTPURCHASE_LOG_LEVEL": "warning",
                "POSTPURCHASE_CLOCK_SPEED": String(options.speed),
                "POSTPURCHASE_CLOCK_EPOCH": String(epoch.timeIntervalSince1970),
                "KAFKA_PROP_TOPIC_METADATA_REFRESH_INTERVAL_MS": "1000",
            ]
            if let templates = options.templatesDirectory { environment["POSTPURCHASE_TEMPLATES_DIR"] = templates }
            let executable = options.executables.appendingPathComponent(role.name)
            guard FileManager.default.isExecutableFile(atPath: executable.path) else {
                throw DemoError("\(executable.path) is missing: build the package first (swift build -c release)")
            }
            workers.append(try WorkerProcess(
                executable: executable, arguments: options.configFile.map { ["--config", $0] } ?? [], environment: environment,
                log: options.workDirectory.appendingPathComponent("logs/\(role.name).log")))
        }
        say("started \(workers.map(\.name).joined(separator: ", ")) (logs in \(options.workDirectory.path)/logs)")
        say("simulating \(options.orders) orders over \(Int(options.days)) days at \(Int(options.speed))× "
            + "(a day every \(String(format: "%.1f", 86_400 / options.speed)) s)")

        let producer = try KafkaProducer(properties: ["bootstrap.servers": broker.bootstrapServers, "linger.ms": "5"], logger: logger)
        // Every output partition assigned from offset 0, no group: the demo sees all the workers publish.
        let reader = try KafkaConsumer(
            properties: ["bootstrap.servers": broker.bootstrapServers, "group.id": "postpurchase-demo-\(UUID().uuidString)",
                         "enable.auto.commit": "false", "enable.partition.eof": "false"],
            rebalanceListener: nil, logger: logger)
        let outputTopics: [TopicName] = [.shipmentUpdates, .notifications, .returnUpdates, .loyaltyUpdates, .deadLetters]
        var starts: [TopicPartition: Int64] = [:]
        for topic in outputTopics {
            for partition in 0..<options.partitions { starts[TopicPartition(topic: topic.rawValue, partition: partition)] = 0 }
        }
        try reader.assign(starts)
        var outputs: [ObservedOutput] = []
        var inputs: [String: [(at: Date, label: String)]] = [:]
        var published = 0
        var lastProgress = Date.distantPast
        var lastOutputAt = Date()
        var failure: String?

        while !stop.isStopped {
            let now = clock.now()
            // Publish what the store's services do by now.
            let due = simulator.due(by: now)
            if !due.isEmpty {
                let records = due.map { event in
                    let key = Array(event.key.utf8)
                    return KafkaOutboundRecord(
                        topic: event.topic.rawValue, partition: Murmur2Partitioner.partition(for: key, partitionCount: options.partitions),
                        key: key, value: event.value, headers: event.headers)
                }
                for report in try producer.send(records) where report.error != nil { throw report.error! }
                published += due.count
                for event in due { if let orderId = event.orderId { inputs[orderId, default: []].append((event.at, event.label)) } }
            }
            // Read what the workers published and answer it.
            let records = try reader.poll(maxRecords: 5_000, timeoutMilliseconds: 20)
            for record in records {
                guard let output = ObservedOutput.decode(record, logicalTopic: record.topic) else { continue }
                outputs.append(output)
                try simulator.react(to: output)
            }
            if !records.isEmpty { lastOutputAt = Date() }
            if let dead = workers.first(where: { !$0.isRunning }) {
                failure = "\(dead.name) exited with \(dead.process.terminationStatus):\n\(dead.tail())"
                break
            }
            if Date().timeIntervalSince(lastProgress) >= 2 {
                lastProgress = Date()
                let day = max(0, now.timeIntervalSince(epoch) / 86_400)
                let messages = outputs.lazy.filter { $0.type == EventType.notificationRequested }.count
                let dead = outputs.lazy.filter { $0.type == "dead-letter" }.count
                say(String(format: "day %5.1f of %.0f · published %d · worker outputs %d (messages %d) · dead letters %d",
                           day, options.days, published, outputs.count, messages, dead))
            }
            if now >= horizon && simulator.pendingCount == 0 && Date().timeIntervalSince(lastOutputAt) > 3 { break }
        }
        say(stop.isStopped ? "interrupted: stopping the workers" : "simulation finished: stopping the workers (SIGTERM)")
        for worker in workers {
            exitCodes[worker.name] = worker.stop()
        }
        reader.close()
        say("workers exited: " + workers.map { "\($0.name) \(exitCodes[$0.name] ?? -1)" }.joined(separator: ", "))

        let report = DemoReport(simulator: simulator, inputs: inputs, outputs: outputs, publishedCount: published)
        var text = ""
        for orderId in report.interestingOrders(limit: options.journeys) {
            text += report.journey(orderId) + "\n\n"
        }
        text += report.summary()
        if let failure { text += "\n\nFAILED: \(failure)" }
        withExtendedLifetime(broker) {}
        return Outcome(
            report: text, workerExitCodes: exitCodes,
            succeeded: failure == nil && !stop.isStopped && exitCodes.values.allSatisfy { $0 == 0 })
    }
}

/// A demo that cannot run, with the reason.
public struct DemoError: Error, CustomStringConvertible {
    public var description: String
    init(_ description: String) { self.description = description }
}
