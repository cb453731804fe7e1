import Foundation

/// A record to publish, with its partition already chosen.
///
/// The partition is chosen by us (``Murmur2Partitioner``) rather than by librdkafka so that after a
/// crash we know exactly which partition to read back when checking what was already published.
public struct KafkaOutboundRecord: Sendable {
    public var topic: String
    public var partition: Int32
    public var key: [UInt8]?
    /// `nil` publishes a null value (a tombstone).
    public var value: Data?
    public var headers: [KafkaHeader]

    public init(topic: String, partition: Int32, key: [UInt8]?, value: Data?, headers: [KafkaHeader]) {
        self.topic = topic
        self.partition = partition
        self.key = key
        self.value = value
        self.headers = headers
    }
}
