import CRdKafka
import Logging

/// Topic administration for real clusters (`postpurchase topics create`) and metadata look-ups.
public final class KafkaAdmin {
    private let handle: OpaquePointer
    private let context: Unmanaged<ClientContext>

    /// What became of one topic in ``createTopics(_:partitions:replicationFactor:timeoutMilliseconds:)``.
    public enum CreationOutcome: Sendable, Equatable {
        case created
        case alreadyExisted
        case failed(String)
    }

    /// An admin client using these client properties (bootstrap servers, security).
    public init(properties: [String: String], logger: Logger) throws {
        let context = ClientContext(logger: logger, rebalanceListener: nil)
        let client = try RDKafkaClient.make(RD_KAFKA_PRODUCER, properties: properties, context: context, operation: "admin client")
        let handle = client.handle
        let unmanaged = client.context
        self.handle = handle
        self.context = unmanaged
    }

    deinit {
        rd_kafka_destroy(handle)
        context.release()
    }

    /// Creates topics; an existing topic is reported, not treated as a failure.
    public func createTopics(
        _ names: [String], partitions: Int32, replicationFactor: Int32, timeoutMilliseconds: Int32 = 30_000
    ) throws -> [String: CreationOutcome] {
        var errorBuffer = [CChar](repeating: 0, count: 512)
        var newTopics: [OpaquePointer?] = []
        defer { for topic in newTopics { rd_kafka_NewTopic_destroy(topic) } }
        for name in names {
            guard let topic = rd_kafka_NewTopic_new(name, partitions, replicationFactor, &errorBuffer, errorBuffer.count) else {
                throw KafkaError.client("topic \(name): \(RDKafkaConfig.message(errorBuffer))", operation: "create topics")
            }
            newTopics.append(topic)
        }
        let queue = rd_kafka_queue_new(handle)!
        defer { rd_kafka_queue_destroy(queue) }
        let options = rd_kafka_AdminOptions_new(handle, RD_KAFKA_ADMIN_OP_CREATETOPICS)
        defer { rd_kafka_AdminOptions_destroy(options) }
        _ = rd_kafka_AdminOptions_set_operation_timeout(options, timeoutMilliseconds, &errorBuffer, errorBuffer.count)
        newTopics.withUnsafeMutableBufferPointer { buffer in
            rd_kafka_CreateTopics(handle, buffer.baseAddress, buffer.count, options, queue)
        }
        guard let event = rd_kafka_queue_poll(queue, timeoutMilliseconds + 5_000) else {
            throw KafkaError(code: RD_KAFKA_RESP_ERR__TIMED_OUT, operation: "create topics")
        }
        defer { rd_kafka_event_destroy(event) }
        if rd_kafka_event_error(event) != RD_KAFKA_RESP_ERR_NO_ERROR {
            throw KafkaError(code: rd_kafka_event_error(event), operation: "create topics",
                             message: String(cString: rd_kafka_event_error_string(event)))
        }
        guard let result = rd_kafka_event_CreateTopics_result(event) else {
            throw KafkaError.client("no CreateTopics result", operation: "create topics")
        }
        var count = 0
        let topics = rd_kafka_CreateTopics_result_topics(result, &count)
        var outcomes: [String: CreationOutcome] = [:]
        for index in 0..<count {
            guard let topic = topics?[index] else { continue }
            let name = String(cString: rd_kafka_topic_result_name(topic))
            let error = rd_kafka_topic_result_error(topic)
            switch error {
            case RD_KAFKA_RESP_ERR_NO_ERROR: outcomes[name] = .created
            case RD_KAFKA_RESP_ERR_TOPIC_ALREADY_EXISTS: outcomes[name] = .alreadyExisted
            default:
                let message = rd_kafka_topic_result_error_string(topic).map { String(cString: $0) } ?? "error \(error.rawValue)"
                outcomes[name] = .failed(message)
            }
        }
        return outcomes
    }

    /// Every topic in the cluster with its partition count.
    public func topics(timeoutMilliseconds: Int32 = 10_000) throws -> [String: Int32] {
        try KafkaMetadata.topicPartitionCounts(handle: handle, only: nil, timeoutMilliseconds: timeoutMilliseconds)
    }
}
