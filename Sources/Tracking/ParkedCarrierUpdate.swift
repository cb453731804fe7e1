import Foundation
import PostPurchaseCore

/// A carrier update that arrived before its shipment was dispatched, kept with its raw record
/// until the dispatch arrives or the wait runs out (then the raw record is dead-lettered).
public struct ParkedCarrierUpdate: StoredEntity, Equatable {
    public static let namespace = "tracking.parked"

    /// The parsed update.
    public var update: CarrierUpdate
    /// The record as it was read, to dead-letter unchanged.
    public var record: StoredRecord
    /// When it was parked.
    public var parkedAt: Date

    /// The record fields a dead letter needs.
    public struct StoredRecord: Codable, Sendable, Equatable {
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

    /// Parks `update` read from `record`.
    public init(update: CarrierUpdate, record: KafkaRecord, parkedAt: Date) {
        self.update = update
        self.record = StoredRecord(record)
        self.parkedAt = parkedAt
    }

    /// The store key: `<tracking number key>|<topic>:<partition>:<offset>` (unique per record).
    public var key: String {
        "\(TrackingNumberIndex.key(update.trackingNumber))|\(record.topic):\(record.partition):\(record.offset)"
    }
}
