import Foundation
import Logging
import PostPurchaseCore

/// The dev broker with the contract's topics and the worker executables as child processes,
/// sharing one simulated clock: what the demo and the end-to-end tests run against.
public final class DemoCluster {
    /// How to start the cluster.
    public struct Options: Sendable {
        public var partitions: Int32 = 3
        /// Simulated seconds per real second.
        public var speed = 25_000.0
        /// Real seconds from now until simulated time starts (the workers join their groups meanwhile).
        public var startDelay: TimeInterval = 6
        /// The simulated time at the start; nil = the real start time. A fixed date makes runs
        /// started at different times produce the same event times and output ids.
        public var simulatedStart: Date?
        /// Where the worker executables are.
        public var executables: URL
        /// Where state and logs go.
        public var workDirectory: URL
        public var templatesDirectory: String?
        public var configFile: String?
        /// Extra environment for every worker (`POSTPURCHASE_LOG_LEVEL` here replaces the default, `warning`).
        public var environment: [String: String] = [:]
        /// Gives every instance its own data directory (`hosts/<worker>-<instance>` in the work
        /// directory), as if each ran on its own host; state is then shared only through
        /// `POSTPURCHASE_DATABASE_URL`. Default: false (instances of a kind share one SQLite file).
        public var dataDirectoryPerInstance = false

        public init(executables: URL, workDirectory: URL) {
            self.executables = executables
            self.workDirectory = workDirectory
        }
    }

    public let options: Options
    public let broker: DevBroker
    /// The simulated time at which the store opens (when the clock reaches `realStart`).
    public let epoch: Date
    /// The real instant at which simulated time is `epoch`.
    public let realStart: Date
    /// The clock every worker process runs on.
    public let clock: ScaledClock
    private let producer: KafkaProducer
    private var processes: [String: WorkerProcess] = [:]
    private var exitCodes: [String: Int32] = [:]

    public init(options: Options, logger: Logger) throws {
        self.options = options
        try FileManager.default.createDirectory(at: options.workDirectory.appendingPathComponent("logs"), withIntermediateDirectories: true)
        broker = try DevBroker(logger: logger)
        for topic in TopicName.contractTopics {
            try broker.createTopic(topic.rawValue, partitions: options.partitions)
        }
        realStart = Date().addingTimeInterval(options.startDelay)
        epoch = options.simulatedStart ?? realStart
        clock = ScaledClock(origin: epoch, speed: options.speed, realOrigin: realStart)
        producer = try KafkaProducer(properties: ["bootstrap.servers": broker.bootstrapServers, "linger.ms": "2"], logger: logger)
    }

    deinit {
        for process in processes.values where process.isRunning { _ = process.stop(timeout: 5) }
    }

    /// The instance names currently running (`followup-worker#1`, …).
    public var running: [String] { processes.filter { $0.value.isRunning }.map(\.key).sorted() }

    /// Starts instance `instance` of `role` in the role's group. Instances of one kind share one
    /// SQLite file unless `dataDirectory` names another (as on another host) or the options ask
    /// for ``Options/dataDirectoryPerInstance``. A static member
    /// (`group.instance.id`) restarted after a crash takes its partitions back at once; a dynamic
    /// one that dies gives them up after the session timeout.
    @discardableResult
    public func start(_ role: WorkerRole, instance: Int = 1, dataDirectory: URL? = nil, staticMembership: Bool = true) throws -> String {
        let name = "\(role.name)#\(instance)"
        if let existing = processes[name], existing.isRunning { return name }
        let executable = options.executables.appendingPathComponent(role.name)
        guard FileManager.default.isExecutableFile(atPath: executable.path) else {
            throw DemoError("\(executable.path) is missing: build the package first (swift build)")
        }
        let host = options.dataDirectoryPerInstance ? options.workDirectory.appendingPathComponent("hosts/\(role.name)-\(instance)") : nil
        if let host { try FileManager.default.createDirectory(at: host, withIntermediateDirectories: true) }
        var environment = ["POSTPURCHASE_LOG_LEVEL": "warning"].merging(options.environment) { $1 }.merging([
            "KAFKA_BOOTSTRAP_SERVERS": broker.bootstrapServers,
            "POSTPURCHASE_DATA_DIR": (dataDirectory ?? host ?? options.workDirectory).path,
            "POSTPURCHASE_HTTP_PORT": "0",
            "POSTPURCHASE_CLOCK_SPEED": String(options.speed),
            "POSTPURCHASE_CLOCK_EPOCH": String(realStart.timeIntervalSince1970),
            "POSTPURCHASE_CLOCK_ORIGIN": RFC3339.format(epoch),
            "KAFKA_PROP_TOPIC_METADATA_REFRESH_INTERVAL_MS": "1000",
        ]) { $1 }
        // Static membership: a restarted instance takes its partitions back at once instead of
        // waiting out the crashed member's session timeout (as the Kubernetes pods do).
        if staticMembership { environment["POSTPURCHASE_GROUP_INSTANCE_ID"] = "\(role.name)-\(instance)" }
        if let templates = options.templatesDirectory { environment["POSTPURCHASE_TEMPLATES_DIR"] = templates }
        let log = options.workDirectory.appendingPathComponent("logs/\(role.name)-\(instance).log")
        processes[name] = try WorkerProcess(
            executable: executable, arguments: options.configFile.map { ["--config", $0] } ?? [], environment: environment, log: log)
        return name
    }

    /// Kills an instance without warning (`kill -9`): no drain, no commit.
    public func crash(_ name: String) {
        guard let process = processes[name], process.isRunning else { return }
        kill(process.process.processIdentifier, SIGKILL)
        process.process.waitUntilExit()
        exitCodes[name] = -9
    }

    /// Stops an instance with SIGTERM and returns its exit status.
    @discardableResult
    public func stop(_ name: String) -> Int32 {
        guard let process = processes[name] else { return -1 }
        let status = process.stop()
        exitCodes[name] = status
        return status
    }

    /// Stops every running instance with SIGTERM; returns each one's exit status.
    public func stopAll() -> [String: Int32] {
        var statuses: [String: Int32] = [:]
        for (name, process) in processes.sorted(by: { $0.key < $1.key }) where process.isRunning {
            statuses[name] = stop(name)
        }
        return statuses
    }

    /// An instance that exited on its own (not stopped or crashed by us), with its log's tail.
    public func unexpectedExit() -> String? {
        for (name, process) in processes where !process.isRunning && exitCodes[name] == nil {
            return "\(name) exited with \(process.process.terminationStatus):\n\(process.tail())"
        }
        return nil
    }

    /// Publishes `events` and waits for the broker's acknowledgements.
    public func publish(_ events: [PlannedEvent]) throws {
        guard !events.isEmpty else { return }
        let records = events.map { event in
            let key = Array(event.key.utf8)
            return KafkaOutboundRecord(
                topic: event.topic.rawValue, partition: Murmur2Partitioner.partition(for: key, partitionCount: options.partitions),
                key: key, value: event.value, headers: event.headers)
        }
        for report in try producer.send(records) where report.error != nil { throw report.error! }
    }

    /// A reader of every output topic from the beginning.
    public func outputReader(logger: Logger) throws -> OutputCollector {
        try OutputCollector(bootstrapServers: broker.bootstrapServers, partitions: options.partitions, logger: logger)
    }
}

/// Reads every output topic (and `dead-letters`) from offset 0 without a group.
public final class OutputCollector {
    private let consumer: KafkaConsumer

    init(bootstrapServers: String, partitions: Int32, logger: Logger) throws {
        consumer = try KafkaConsumer(
            properties: ["bootstrap.servers": bootstrapServers, "group.id": "postpurchase-demo-\(UUID().uuidString)",
                         "enable.auto.commit": "false"],
            rebalanceListener: nil, logger: logger)
        var starts: [TopicPartition: Int64] = [:]
        for topic in [TopicName.shipmentUpdates, .notifications, .returnUpdates, .loyaltyUpdates, .deadLetters] {
            for partition in 0..<partitions { starts[TopicPartition(topic: topic.rawValue, partition: partition)] = 0 }
        }
        try consumer.assign(starts)
    }

    deinit { consumer.close() }

    /// What arrived since the last call (waits up to `timeoutMilliseconds` for the first record).
    public func poll(timeoutMilliseconds: Int32 = 20) throws -> [ObservedOutput] {
        try consumer.poll(maxRecords: 5_000, timeoutMilliseconds: timeoutMilliseconds).compactMap {
            ObservedOutput.decode($0, logicalTopic: $0.topic)
        }
    }
}
