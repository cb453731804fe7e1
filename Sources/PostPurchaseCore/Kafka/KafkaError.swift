import CRdKafka

/// An error reported by librdkafka or by our wrapper around it.
///
/// A struct with a code rather than an enum, so new librdkafka codes never break callers.
/// `description` stays short; the operation and any detail go to `debugDescription`.
public struct KafkaError: Error, Sendable, CustomStringConvertible, CustomDebugStringConvertible {
    /// The librdkafka response code (`rd_kafka_resp_err_t` raw value).
    public let code: Int32
    /// librdkafka's own explanation, or ours.
    public let message: String
    /// What we were doing when it failed, e.g. `produce` or `subscribe`.
    public let operation: String
    /// Whether retrying the same call later may succeed (broker down, timeouts, leader changes).
    public let isRetriable: Bool
    /// Whether the client instance is unusable and must be recreated.
    public let isFatal: Bool

    init(code: rd_kafka_resp_err_t, operation: String, message: String? = nil, isFatal: Bool = false) {
        self.code = code.rawValue
        self.operation = operation
        self.message = message ?? String(cString: rd_kafka_err2str(code))
        self.isFatal = isFatal
        self.isRetriable = !isFatal && KafkaError.retriableCodes.contains(code.rawValue)
    }

    init(error: OpaquePointer, operation: String) {
        self.code = rd_kafka_error_code(error).rawValue
        self.operation = operation
        self.message = String(cString: rd_kafka_error_string(error))
        self.isFatal = rd_kafka_error_is_fatal(error) != 0
        self.isRetriable = rd_kafka_error_is_retriable(error) != 0
            || KafkaError.retriableCodes.contains(self.code)
        rd_kafka_error_destroy(error)
    }

    /// A failure of our own wrapper, not of librdkafka (bad argument, client closed).
    static func client(_ message: String, operation: String) -> KafkaError {
        KafkaError(code: RD_KAFKA_RESP_ERR__INVALID_ARG, operation: operation, message: message)
    }

    /// Codes that describe a passing condition of the cluster or network.
    private static let retriableCodes: Set<Int32> = [
        RD_KAFKA_RESP_ERR__TRANSPORT.rawValue,
        RD_KAFKA_RESP_ERR__ALL_BROKERS_DOWN.rawValue,
        RD_KAFKA_RESP_ERR__TIMED_OUT.rawValue,
        RD_KAFKA_RESP_ERR__MSG_TIMED_OUT.rawValue,
        RD_KAFKA_RESP_ERR__QUEUE_FULL.rawValue,
        RD_KAFKA_RESP_ERR_REQUEST_TIMED_OUT.rawValue,
        RD_KAFKA_RESP_ERR_NOT_LEADER_FOR_PARTITION.rawValue,
        RD_KAFKA_RESP_ERR_LEADER_NOT_AVAILABLE.rawValue,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS.rawValue,
        RD_KAFKA_RESP_ERR_NOT_ENOUGH_REPLICAS_AFTER_APPEND.rawValue,
        RD_KAFKA_RESP_ERR_COORDINATOR_NOT_AVAILABLE.rawValue,
        RD_KAFKA_RESP_ERR_NOT_COORDINATOR.rawValue,
        RD_KAFKA_RESP_ERR_REBALANCE_IN_PROGRESS.rawValue,
        RD_KAFKA_RESP_ERR__UNKNOWN_PARTITION.rawValue,
        RD_KAFKA_RESP_ERR_UNKNOWN_TOPIC_OR_PART.rawValue,
    ]

    public var description: String { "Kafka \(operation) failed: \(message)" }
    public var debugDescription: String {
        "KafkaError(code: \(code), operation: \(operation), message: \(message), retriable: \(isRetriable), fatal: \(isFatal))"
    }
}
