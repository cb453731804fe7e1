import Foundation
import PostPurchaseCore

/// A Kafka record kept in the store as read, so an input that waited (a refund before its
/// `order.paid`) can still be dead-lettered unchanged if it turns out to be invalid.
public struct ParkedRecord: Codable, Sendable, Equatable {
    /// Physical topic.
    public var topic: String
    /// Partition.
    public var partition: Int32
    /// Offset.
    public var offset: Int64
    /// Key bytes, `nil` for a null key.
    public var key: [UInt8]?
    /// Value bytes.
    public var value: Data?
    /// Headers, unchanged.
    public var headers: [KafkaHeader]

    /// Keeps `record`.
    public init(_ record: KafkaRecord) {
        topic = record.topic
        partition = record.partition
        offset = record.offset
        key = record.key
        value = record.value
        headers = record.headers
    }

    /// The record again.
    public var kafkaRecord: KafkaRecord {
        KafkaRecord(topic: topic, partition: partition, offset: offset, key: key, value: value, headers: headers)
    }
}
