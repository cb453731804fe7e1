import Foundation

/// Everything a worker or the CLI is configured with. Defaults are documented in
/// `Config/postpurchase.yaml`; the contract's environment variables override the file.
public struct PostPurchaseConfiguration: Sendable, Equatable {
    /// How to reach and authenticate to Kafka.
    public struct Kafka: Sendable, Equatable {
        /// Comma-separated `host:port` list. Default: `127.0.0.1:9092`.
        public var bootstrapServers = "127.0.0.1:9092"
        /// `plaintext`, `ssl`, `sasl_plaintext` or `sasl_ssl`. Default: `plaintext`.
        public var securityProtocol = "plaintext"
        /// `PLAIN`, `SCRAM-SHA-256` or `SCRAM-SHA-512`, for the `sasl_*` protocols.
        public var saslMechanism: String?
        public var saslUsername: String?
        /// Never logged, never in metrics or error messages.
        public var saslPassword: String?
        /// CA bundle to verify the brokers' certificates (`ssl`, `sasl_ssl`).
        public var sslCaLocation: String?
        /// Consumer group; default `postpurchase-<worker>`.
        public var groupId: String?
        /// Static membership (`group.instance.id`): a restarted pod keeps its partitions without a rebalance.
        public var groupInstanceId: String?
        /// Default: `range` (eager). Debian's librdkafka 2.0.2 predates fixes to cooperative-sticky
        /// (rewinds after revocation, librdkafka #4686; rebalance loops, #4059).
        public var assignmentStrategy = "range"
        /// Default: 10 000 ms; how fast a crashed member's partitions move to the others.
        public var sessionTimeoutMs = 10_000
        /// Default: 300 000 ms; the longest a batch may take before the member is considered stuck.
        public var maxPollIntervalMs = 300_000
        /// Default: 5 ms; how long the producer waits to fill a batch.
        public var lingerMs = 5
        /// Any other librdkafka property, passed through unchanged.
        public var properties: [String: String] = [:]
    }

    /// Topic names (see the contract); each is `prefix + name`.
    public struct Topics: Sendable, Equatable {
        public var prefix = ""
        /// Renamed topics by logical name (`orders: shop-orders`).
        public var names: [TopicName: String] = [:]
        /// The map the runtime uses to find physical names.
        public var map: TopicMap { TopicMap(prefix: prefix, overrides: names) }
    }

    /// How the worker runtime batches, retries and keeps time.
    public struct Runtime: Sendable, Equatable {
        /// Default: 500; the most records handled in one store transaction.
        public var batchSize = 500
        /// Default: 100 ms; the longest a poll waits for records (timers are checked at least this often).
        public var pollIntervalMs = 100
        /// Default: 5; handler failures on one record before it is dead-lettered.
        public var maxHandlerAttempts = 5
        /// Default: 500; timers fired in one store transaction.
        public var timerBatchSize = 500
        /// Default: 1. Simulated time runs this many times faster than real time (demos only).
        public var clockSpeed = 1.0
        /// Unset: the process start. The real instant (Unix seconds) at which simulated time equals
        /// real time; processes given the same epoch and speed agree on the simulated time (demos).
        public var clockEpoch: Double?
        /// Unset: the epoch itself. The simulated time at the epoch (RFC 3339), so runs started at
        /// different real times replay the same simulated dates (end-to-end tests).
        public var clockOrigin: Date?
        /// Default: 168 h; how long applied event ids are remembered for deduplication.
        public var dedupeRetentionHours = 168
        /// Default: 30 s; the longest a graceful shutdown may take.
        public var shutdownTimeoutSeconds = 30

        /// The clock these settings describe: wall time at speed 1 with no epoch, else a
        /// ``ScaledClock`` that every process with the same epoch and speed agrees on.
        public func clock() -> any WorkerClock {
            if clockSpeed == 1 && clockEpoch == nil && clockOrigin == nil { return SystemClock() }
            let epoch = clockEpoch.map { Date(timeIntervalSince1970: $0) } ?? Date()
            return ScaledClock(origin: clockOrigin ?? epoch, speed: clockSpeed, realOrigin: epoch)
        }
    }

    /// Where state lives.
    public struct Store: Sendable, Equatable {
        /// Default: `./data`; one SQLite file per worker kind.
        public var dataDir = "./data"
        /// Default: 5000 ms; how long a write waits for another process's transaction.
        public var busyTimeoutMs = 5_000
        /// `postgres://user:password@host:port/database[?sslmode=disable|prefer|require]`: state in
        /// PostgreSQL, shared by instances on many hosts, instead of SQLite files in ``dataDir``.
        /// Default: unset (SQLite). A secret: never logged, never echoed in errors.
        public var databaseUrl: String?
        /// Default: true. With SQLite, a batch is committed on a second thread while the next one
        /// is handled against a read snapshot plus the batch's pending writes (PostgreSQL ignores it).
        public var writeBehind = true
    }

    /// The health and metrics endpoint.
    public struct HTTP: Sendable, Equatable {
        public var host = "0.0.0.0"
        /// Default: the worker's own port (tracking 9101, follow-up 9102, returns 9103, loyalty 9104); 0 picks a free port.
        public var port: Int?
    }

    /// Log output.
    public struct Logging: Sendable, Equatable {
        /// `trace`, `debug`, `info`, `notice`, `warning`, `error` or `critical`. Default: `info`.
        public var level = "info"
        /// `json` (one object per line) or `text`. Default: `json`.
        public var format = "json"
    }

    public var kafka = Kafka()
    public var topics = Topics()
    public var runtime = Runtime()
    public var store = Store()
    public var http = HTTP()
    public var logging = Logging()
    /// Each worker's own section of the file (`tracking:`, `followup:`, `returns:`, `loyalty:`) as
    /// YAML text, decoded by that worker with ``workerSettings(_:defaults:)``.
    public var workerSections: [String: String] = [:]

    public init() {}

    /// `role`'s settings: `defaults` with its section of the file applied. An unknown key or a
    /// value of the wrong type throws a ``ConfigurationError`` naming the key path
    /// (e.g. `followup.quietHours.start`).
    public func workerSettings<T: Codable>(_ role: WorkerRole, defaults: T) throws -> T {
        try WorkerSettingsDecoder.decode(defaults, section: workerSections[role.settingsSection], prefix: role.settingsSection)
    }

    /// librdkafka properties common to every client (connection and security).
    public func clientProperties() -> [String: String] {
        var properties = kafka.properties
        properties["bootstrap.servers"] = kafka.bootstrapServers
        properties["security.protocol"] = kafka.securityProtocol
        if let mechanism = kafka.saslMechanism { properties["sasl.mechanism"] = mechanism }
        if let username = kafka.saslUsername { properties["sasl.username"] = username }
        if let password = kafka.saslPassword { properties["sasl.password"] = password }
        if let ca = kafka.sslCaLocation { properties["ssl.ca.location"] = ca }
        // TCP_NODELAY, as the Java client always sets: with Nagle's algorithm a small produce or
        // fetch request can wait for the peer's delayed ACK (~40 ms on Linux), which put 40 ms on
        // every batch's acknowledgement wait. An explicit property (kafka.properties, KAFKA_PROP_*) wins.
        if properties["socket.nagle.disable"] == nil { properties["socket.nagle.disable"] = "true" }
        return properties
    }

    /// Consumer-group properties for `workerName`.
    public func consumerProperties(workerName: String) -> [String: String] {
        var properties = clientProperties()
        properties["group.id"] = kafka.groupId ?? "postpurchase-\(workerName)"
        if let instance = kafka.groupInstanceId { properties["group.instance.id"] = instance }
        properties["partition.assignment.strategy"] = kafka.assignmentStrategy
        // An explicit librdkafka property (kafka.properties, KAFKA_PROP_*) wins over the typed keys.
        if properties["session.timeout.ms"] == nil { properties["session.timeout.ms"] = String(kafka.sessionTimeoutMs) }
        if properties["max.poll.interval.ms"] == nil { properties["max.poll.interval.ms"] = String(kafka.maxPollIntervalMs) }
        if properties["auto.offset.reset"] == nil { properties["auto.offset.reset"] = "earliest" }
        if properties["client.id"] == nil { properties["client.id"] = workerName }
        return properties
    }

    /// Producer properties.
    public func producerProperties(workerName: String) -> [String: String] {
        var properties = clientProperties()
        properties["linger.ms"] = String(kafka.lingerMs)
        if properties["client.id"] == nil { properties["client.id"] = workerName }
        return properties
    }
}
