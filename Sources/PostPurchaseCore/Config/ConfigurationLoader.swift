import Foundation
import Yams

/// Reads the YAML configuration file and the environment, validates every value, and reports
/// the first bad one by its key. Unknown keys are errors too: a typo must not silently fall back
/// to a default.
public enum ConfigurationLoader {
    /// The configuration from `file` (optional) with `environment` applied over it.
    public static func load(file: String?, environment: [String: String] = ProcessInfo.processInfo.environment) throws -> PostPurchaseConfiguration {
        var configuration = PostPurchaseConfiguration()
        if let file {
            guard let text = try? String(contentsOfFile: file, encoding: .utf8) else {
                throw ConfigurationError(key: "--config", reason: "cannot read file '\(file)'")
            }
            try apply(yaml: text, to: &configuration)
        }
        try apply(environment: environment, to: &configuration)
        try validate(configuration)
        return configuration
    }

    /// Applies a YAML document over `configuration`.
    public static func apply(yaml text: String, to configuration: inout PostPurchaseConfiguration) throws {
        let root: Any?
        do {
            root = try Yams.load(yaml: text)
        } catch {
            throw ConfigurationError(key: "(file)", reason: "not valid YAML: \(error)")
        }
        guard let root else { return }
        let reader = Reader(path: "")
        let map = try reader.mapping(root)
        try reader.only(map, ["kafka", "topics", "runtime", "store", "http", "logging"] + WorkerRole.allCases.map(\.settingsSection))
        // Each worker's own section is kept as YAML and decoded by that worker onto its settings
        // type (``PostPurchaseConfiguration/workerSettings(_:defaults:)``).
        if let document = try Yams.compose(yaml: text)?.mapping {
            for role in WorkerRole.allCases {
                guard let section = document[role.settingsSection] else { continue }
                if case .scalar(let scalar) = section, ["", "~", "null"].contains(scalar.string) { continue }
                guard section.mapping != nil else {
                    throw ConfigurationError(key: role.settingsSection, reason: "must be a mapping of that worker's settings")
                }
                configuration.workerSections[role.settingsSection] = try Yams.serialize(node: section)
            }
        }
        if let kafka = map["kafka"] {
            let r = Reader(path: "kafka")
            let m = try r.mapping(kafka)
            try r.only(m, ["bootstrapServers", "securityProtocol", "saslMechanism", "saslUsername", "saslPassword",
                           "sslCaLocation", "groupId", "groupInstanceId", "assignmentStrategy", "sessionTimeoutMs",
                           "maxPollIntervalMs", "lingerMs", "properties"])
            try r.string(m, "bootstrapServers") { configuration.kafka.bootstrapServers = $0 }
            try r.string(m, "securityProtocol") { configuration.kafka.securityProtocol = $0 }
            try r.string(m, "saslMechanism") { configuration.kafka.saslMechanism = $0.isEmpty ? nil : $0 }
            try r.string(m, "saslUsername") { configuration.kafka.saslUsername = $0.isEmpty ? nil : $0 }
            try r.string(m, "saslPassword", secret: true) { configuration.kafka.saslPassword = $0.isEmpty ? nil : $0 }
            try r.string(m, "sslCaLocation") { configuration.kafka.sslCaLocation = $0.isEmpty ? nil : $0 }
            try r.string(m, "groupId") { configuration.kafka.groupId = $0.isEmpty ? nil : $0 }
            try r.string(m, "groupInstanceId") { configuration.kafka.groupInstanceId = $0.isEmpty ? nil : $0 }
            try r.string(m, "assignmentStrategy") { configuration.kafka.assignmentStrategy = $0 }
            try r.int(m, "sessionTimeoutMs") { configuration.kafka.sessionTimeoutMs = $0 }
            try r.int(m, "maxPollIntervalMs") { configuration.kafka.maxPollIntervalMs = $0 }
            try r.int(m, "lingerMs") { configuration.kafka.lingerMs = $0 }
            if let properties = m["properties"] {
                let pr = Reader(path: "kafka.properties")
                for (name, value) in try pr.mapping(properties) {
                    guard let scalar = Reader.scalarText(value) else {
                        throw ConfigurationError(key: "kafka.properties.\(name)", reason: "must be a string, number or boolean")
                    }
                    configuration.kafka.properties[name] = scalar
                }
            }
        }
        if let topics = map["topics"] {
            let r = Reader(path: "topics")
            let m = try r.mapping(topics)
            let logical = TopicName.contractTopics.map(\.rawValue)
            try r.only(m, ["prefix"] + logical)
            try r.string(m, "prefix") { configuration.topics.prefix = $0 }
            for name in logical {
                try r.string(m, name) { configuration.topics.names[TopicName(name)] = $0 }
            }
        }
        if let runtime = map["runtime"] {
            let r = Reader(path: "runtime")
            let m = try r.mapping(runtime)
            try r.only(m, ["batchSize", "pollIntervalMs", "maxHandlerAttempts", "timerBatchSize", "clockSpeed", "clockEpoch", "clockOrigin",
                           "dedupeRetentionHours", "shutdownTimeoutSeconds"])
            try r.int(m, "batchSize") { configuration.runtime.batchSize = $0 }
            try r.int(m, "pollIntervalMs") { configuration.runtime.pollIntervalMs = $0 }
            try r.int(m, "maxHandlerAttempts") { configuration.runtime.maxHandlerAttempts = $0 }
            try r.int(m, "timerBatchSize") { configuration.runtime.timerBatchSize = $0 }
            try r.double(m, "clockSpeed") { configuration.runtime.clockSpeed = $0 }
            try r.double(m, "clockEpoch") { configuration.runtime.clockEpoch = $0 }
            try r.string(m, "clockOrigin") { text in
                guard let origin = RFC3339.parse(text) else {
                    throw ConfigurationError(key: "runtime.clockOrigin", reason: "'\(text.prefix(40))' is not an RFC 3339 date-time with offset")
                }
                configuration.runtime.clockOrigin = origin
            }
            try r.int(m, "dedupeRetentionHours") { configuration.runtime.dedupeRetentionHours = $0 }
            try r.int(m, "shutdownTimeoutSeconds") { configuration.runtime.shutdownTimeoutSeconds = $0 }
        }
        if let store = map["store"] {
            let r = Reader(path: "store")
            let m = try r.mapping(store)
            try r.only(m, ["dataDir", "busyTimeoutMs", "databaseUrl", "writeBehind"])
            try r.string(m, "dataDir") { configuration.store.dataDir = $0 }
            try r.int(m, "busyTimeoutMs") { configuration.store.busyTimeoutMs = $0 }
            try r.bool(m, "writeBehind") { configuration.store.writeBehind = $0 }
            var databaseUrl: String?
            try r.string(m, "databaseUrl", secret: true) { databaseUrl = $0 }
            if let databaseUrl {
                configuration.store.databaseUrl = databaseUrl.isEmpty ? nil : databaseUrl
                if !databaseUrl.isEmpty { _ = try PostgresDatabaseURL(databaseUrl, key: "store.databaseUrl") }
            }
        }
        if let http = map["http"] {
            let r = Reader(path: "http")
            let m = try r.mapping(http)
            try r.only(m, ["host", "port"])
            try r.string(m, "host") { configuration.http.host = $0 }
            try r.int(m, "port") { configuration.http.port = $0 }
        }
        if let logging = map["logging"] {
            let r = Reader(path: "logging")
            let m = try r.mapping(logging)
            try r.only(m, ["level", "format"])
            try r.string(m, "level") { configuration.logging.level = $0 }
            try r.string(m, "format") { configuration.logging.format = $0 }
        }
    }

    /// Applies the contract's environment variables (and ours) over `configuration`.
    public static func apply(environment: [String: String], to configuration: inout PostPurchaseConfiguration) throws {
        func int(_ name: String) throws -> Int? {
            guard let text = environment[name] else { return nil }
            guard let value = Int(text.trimmingCharacters(in: .whitespaces)) else {
                throw ConfigurationError(key: name, reason: "'\(text)' is not a whole number")
            }
            return value
        }
        if let value = environment["KAFKA_BOOTSTRAP_SERVERS"] { configuration.kafka.bootstrapServers = value }
        if let value = environment["KAFKA_SECURITY_PROTOCOL"] { configuration.kafka.securityProtocol = value.lowercased() }
        if let value = environment["KAFKA_SASL_MECHANISM"] { configuration.kafka.saslMechanism = value }
        if let value = environment["KAFKA_SASL_USERNAME"] { configuration.kafka.saslUsername = value }
        if let value = environment["KAFKA_SASL_PASSWORD"] { configuration.kafka.saslPassword = value }
        if let value = environment["KAFKA_SSL_CA_LOCATION"] { configuration.kafka.sslCaLocation = value }
        if let value = environment["POSTPURCHASE_GROUP_ID"] { configuration.kafka.groupId = value }
        if let value = environment["POSTPURCHASE_GROUP_INSTANCE_ID"] { configuration.kafka.groupInstanceId = value }
        if let value = environment["POSTPURCHASE_TOPIC_PREFIX"] { configuration.topics.prefix = value }
        if let value = environment["POSTPURCHASE_DATA_DIR"] { configuration.store.dataDir = value }
        if let value = environment["POSTPURCHASE_DATABASE_URL"] {
            // Set but empty means SQLite, so a deployment can unset it from the environment.
            configuration.store.databaseUrl = value.isEmpty ? nil : value
            if !value.isEmpty { _ = try PostgresDatabaseURL(value, key: "POSTPURCHASE_DATABASE_URL") }
        }
        if let text = environment["POSTPURCHASE_WRITE_BEHIND"] {
            switch text.trimmingCharacters(in: .whitespaces).lowercased() {
            case "true", "1", "yes": configuration.store.writeBehind = true
            case "false", "0", "no": configuration.store.writeBehind = false
            default: throw ConfigurationError(key: "POSTPURCHASE_WRITE_BEHIND", reason: "'\(text)' is not true or false")
            }
        }
        if let value = try int("POSTPURCHASE_HTTP_PORT") { configuration.http.port = value }
        if let value = environment["POSTPURCHASE_LOG_LEVEL"] { configuration.logging.level = value }
        if let value = environment["POSTPURCHASE_LOG_FORMAT"] { configuration.logging.format = value }
        if let text = environment["POSTPURCHASE_CLOCK_SPEED"] {
            guard let value = Double(text) else {
                throw ConfigurationError(key: "POSTPURCHASE_CLOCK_SPEED", reason: "'\(text)' is not a number")
            }
            configuration.runtime.clockSpeed = value
        }
        if let text = environment["POSTPURCHASE_CLOCK_EPOCH"] {
            guard let value = Double(text) else {
                throw ConfigurationError(key: "POSTPURCHASE_CLOCK_EPOCH", reason: "'\(text)' is not a number of Unix seconds")
            }
            configuration.runtime.clockEpoch = value
        }
        if let text = environment["POSTPURCHASE_CLOCK_ORIGIN"] {
            guard let origin = RFC3339.parse(text) else {
                throw ConfigurationError(key: "POSTPURCHASE_CLOCK_ORIGIN", reason: "'\(text.prefix(40))' is not an RFC 3339 date-time with offset")
            }
            configuration.runtime.clockOrigin = origin
        }
        configuration.kafka.properties.merge(try kafkaProperties(from: environment)) { $1 }
    }

    /// The librdkafka properties set by `KAFKA_PROP_*` variables:
    /// `KAFKA_PROP_SOCKET_KEEPALIVE_ENABLE=true` sets `socket.keepalive.enable`.
    public static func kafkaProperties(from environment: [String: String]) throws -> [String: String] {
        var properties: [String: String] = [:]
        for (name, value) in environment where name.hasPrefix("KAFKA_PROP_") {
            let property = name.dropFirst("KAFKA_PROP_".count).lowercased().replacingOccurrences(of: "_", with: ".")
            guard !property.isEmpty else { throw ConfigurationError(key: name, reason: "names no librdkafka property") }
            properties[property] = value
        }
        return properties
    }

    /// Checks every value; the error names the first bad key.
    public static func validate(_ c: PostPurchaseConfiguration) throws {
        let servers = c.kafka.bootstrapServers.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }
        if servers.isEmpty || servers.contains(where: { entry in
            guard let colon = entry.lastIndex(of: ":"), let port = Int(entry[entry.index(after: colon)...]) else { return true }
            return entry[..<colon].isEmpty || !(1...65535).contains(port)
        }) {
            throw ConfigurationError(key: "kafka.bootstrapServers", reason: "'\(c.kafka.bootstrapServers)' is not a comma-separated list of host:port")
        }
        let protocols = ["plaintext", "ssl", "sasl_plaintext", "sasl_ssl"]
        guard protocols.contains(c.kafka.securityProtocol) else {
            throw ConfigurationError(key: "kafka.securityProtocol", reason: "'\(c.kafka.securityProtocol)' is not one of \(protocols.joined(separator: ", "))")
        }
        if c.kafka.securityProtocol.hasPrefix("sasl") {
            let mechanisms = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"]
            guard let mechanism = c.kafka.saslMechanism else {
                throw ConfigurationError(key: "kafka.saslMechanism", reason: "is required with security protocol \(c.kafka.securityProtocol)")
            }
            guard mechanisms.contains(mechanism) else {
                throw ConfigurationError(key: "kafka.saslMechanism", reason: "'\(mechanism)' is not one of \(mechanisms.joined(separator: ", "))")
            }
            if c.kafka.saslUsername == nil {
                throw ConfigurationError(key: "kafka.saslUsername", reason: "is required with SASL")
            }
            if c.kafka.saslPassword == nil {
                throw ConfigurationError(key: "kafka.saslPassword", reason: "is required with SASL")
            }
        }
        if let ca = c.kafka.sslCaLocation, !FileManager.default.fileExists(atPath: ca) {
            throw ConfigurationError(key: "kafka.sslCaLocation", reason: "file '\(ca)' does not exist")
        }
        let strategies = ["range", "roundrobin", "cooperative-sticky", "range,roundrobin"]
        guard strategies.contains(c.kafka.assignmentStrategy) else {
            throw ConfigurationError(key: "kafka.assignmentStrategy", reason: "'\(c.kafka.assignmentStrategy)' is not one of \(strategies.joined(separator: ", "))")
        }
        try range("kafka.sessionTimeoutMs", c.kafka.sessionTimeoutMs, 1_000...3_600_000)
        try range("kafka.maxPollIntervalMs", c.kafka.maxPollIntervalMs, 1_000...86_400_000)
        try range("kafka.lingerMs", c.kafka.lingerMs, 0...10_000)
        for (name, value) in [("topics.prefix", c.topics.prefix)] + c.topics.names.map({ ("topics.\($0.key)", $0.value) }) {
            let allowed = value.unicodeScalars.allSatisfy { CharacterSet.alphanumerics.contains($0) && $0.isASCII || "._-".unicodeScalars.contains($0) }
            if !allowed || (name != "topics.prefix" && value.isEmpty) || value.count > 200 {
                throw ConfigurationError(key: name, reason: "'\(value)' is not a valid Kafka topic name (letters, digits, '.', '_', '-')")
            }
        }
        try range("runtime.batchSize", c.runtime.batchSize, 1...100_000)
        try range("runtime.pollIntervalMs", c.runtime.pollIntervalMs, 1...60_000)
        try range("runtime.maxHandlerAttempts", c.runtime.maxHandlerAttempts, 1...1_000)
        try range("runtime.timerBatchSize", c.runtime.timerBatchSize, 1...100_000)
        try range("runtime.dedupeRetentionHours", c.runtime.dedupeRetentionHours, 1...87_600)
        try range("runtime.shutdownTimeoutSeconds", c.runtime.shutdownTimeoutSeconds, 1...3_600)
        guard c.runtime.clockSpeed > 0, c.runtime.clockSpeed <= 1_000_000, c.runtime.clockSpeed.isFinite else {
            throw ConfigurationError(key: "runtime.clockSpeed", reason: "\(c.runtime.clockSpeed) must be greater than 0 and at most 1000000")
        }
        if let epoch = c.runtime.clockEpoch, !(epoch.isFinite && epoch >= 0) {
            throw ConfigurationError(key: "runtime.clockEpoch", reason: "\(epoch) is not a Unix time in seconds")
        }
        guard !c.store.dataDir.isEmpty else { throw ConfigurationError(key: "store.dataDir", reason: "must not be empty") }
        try range("store.busyTimeoutMs", c.store.busyTimeoutMs, 0...600_000)
        if let url = c.store.databaseUrl { _ = try PostgresDatabaseURL(url, key: "store.databaseUrl") }
        if let port = c.http.port { try range("http.port", port, 0...65_535) }
        let levels = ["trace", "debug", "info", "notice", "warning", "error", "critical"]
        guard levels.contains(c.logging.level) else {
            throw ConfigurationError(key: "logging.level", reason: "'\(c.logging.level)' is not one of \(levels.joined(separator: ", "))")
        }
        guard ["json", "text"].contains(c.logging.format) else {
            throw ConfigurationError(key: "logging.format", reason: "'\(c.logging.format)' is not one of json, text")
        }
    }

    private static func range(_ key: String, _ value: Int, _ allowed: ClosedRange<Int>) throws {
        guard allowed.contains(value) else {
            throw ConfigurationError(key: key, reason: "\(value) is outside \(allowed.lowerBound)...\(allowed.upperBound)")
        }
    }

    /// Typed access to a YAML mapping that knows its own key path for errors.
    private struct Reader {
        let path: String
        func key(_ name: String) -> String { path.isEmpty ? name : "\(path).\(name)" }

        func mapping(_ value: Any) throws -> [String: Any] {
            if value is NSNull { return [:] }
            guard let map = value as? [String: Any] else {
                throw ConfigurationError(key: path.isEmpty ? "(file)" : path, reason: "must be a mapping of keys to values")
            }
            return map
        }

        func only(_ map: [String: Any], _ known: [String]) throws {
            for name in map.keys.sorted() where !known.contains(name) {
                let hint = known.first { $0.lowercased() == name.lowercased() }.map { " (did you mean '\($0)'?)" } ?? ""
                throw ConfigurationError(key: key(name), reason: "unknown key\(hint)")
            }
        }

        static func scalarText(_ value: Any) -> String? {
            switch value {
            case let text as String: return text
            case let bool as Bool: return bool ? "true" : "false"
            case let int as Int: return String(int)
            case let double as Double: return String(double)
            default: return nil
            }
        }

        func string(_ map: [String: Any], _ name: String, secret: Bool = false, _ set: (String) throws -> Void) throws {
            guard let value = map[name], !(value is NSNull) else { return }
            guard let text = Self.scalarText(value) else {
                throw ConfigurationError(key: key(name), reason: secret ? "must be a string" : "must be a string, not \(type(of: value))")
            }
            try set(text)
        }

        func int(_ map: [String: Any], _ name: String, _ set: (Int) -> Void) throws {
            guard let value = map[name], !(value is NSNull) else { return }
            if let int = value as? Int { return set(int) }
            throw ConfigurationError(key: key(name), reason: "'\(value)' is not a whole number")
        }

        func bool(_ map: [String: Any], _ name: String, _ set: (Bool) -> Void) throws {
            guard let value = map[name], !(value is NSNull) else { return }
            if let bool = value as? Bool { return set(bool) }
            throw ConfigurationError(key: key(name), reason: "'\(value)' is not true or false")
        }

        func double(_ map: [String: Any], _ name: String, _ set: (Double) -> Void) throws {
            guard let value = map[name], !(value is NSNull) else { return }
            if let int = value as? Int { return set(Double(int)) }
            if let double = value as? Double { return set(double) }
            throw ConfigurationError(key: key(name), reason: "'\(value)' is not a number")
        }
    }
}
