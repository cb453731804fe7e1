/// A configuration value that stops start-up: which key (file path or environment variable) and why.
public struct ConfigurationError: Error, Sendable, CustomStringConvertible, Equatable {
    /// The key, as written in the file (`kafka.securityProtocol`) or the environment (`KAFKA_SECURITY_PROTOCOL`).
    public var key: String
    public var reason: String

    public init(key: String, reason: String) {
        self.key = key
        self.reason = reason
    }

    public var description: String { "invalid configuration: \(key): \(reason)" }
}
