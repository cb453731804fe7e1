import Foundation
import PostPurchaseCore

/// A Kafka record kept while its return waits for the order or the request, so it can be
/// dead-lettered unchanged (value, key and headers) if the wait runs out.
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
    /// The event type, for the dead-letter reason.
    public var type: String

    /// Keeps `record` of an event of `type`.
    public init(_ record: KafkaRecord, type: String) {
        topic = record.topic
        partition = record.partition
        offset = record.offset
        key = record.key
        value = record.value
        headers = record.headers
        self.type = type
    }

    /// The record again.
    public var kafkaRecord: KafkaRecord {
        KafkaRecord(topic: topic, partition: partition, offset: offset, key: key, value: value, headers: headers)
    }

    /// Where it was read: the same record parked twice is kept once.
    public var position: String { "\(topic):\(partition):\(offset)" }
}
