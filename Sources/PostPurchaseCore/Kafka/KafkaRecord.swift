import Foundation

/// A record read from Kafka, copied out of librdkafka's buffers.
///
/// Codable, so a worker can keep an input it parks in its store and still dead-letter it
/// unchanged (value, key and headers) when the wait runs out.
public struct KafkaRecord: Codable, Sendable, Equatable {
    /// Physical topic name (with any configured prefix).
    public var topic: String
    public var partition: Int32
    public var offset: Int64
    /// The record key; `nil` for a null key.
    public var key: [UInt8]?
    /// The record value; `nil` for a tombstone.
    public var value: Data?
    public var headers: [KafkaHeader]
    /// Broker or producer timestamp in milliseconds since 1970, when the record has one.
    public var timestampMilliseconds: Int64?

    public init(
        topic: String, partition: Int32, offset: Int64, key: [UInt8]?, value: Data?,
        headers: [KafkaHeader], timestampMilliseconds: Int64? = nil
    ) {
        self.topic = topic
        self.partition = partition
        self.offset = offset
        self.key = key
        self.value = value
        self.headers = headers
        self.timestampMilliseconds = timestampMilliseconds
    }

    /// The key as UTF-8 text (keys are order, customer or tracking ids in the contract).
    public var keyText: String? { key.map { String(decoding: $0, as: UTF8.self) } }

    /// Where this record sits.
    public var topicPartition: TopicPartition { TopicPartition(topic: topic, partition: partition) }

    /// `topic:partition:offset`, unique per record: keys what was derived from this very record.
    public var position: String { "\(topic):\(partition):\(offset)" }
}
