import Foundation
import PostPurchaseCore

/// A carrier update that arrived before its shipment was dispatched, kept with its raw record
/// until the dispatch arrives or the wait runs out (then the raw record is dead-lettered).
public struct ParkedCarrierUpdate: StoredEntity, Equatable {
    public static let namespace = "tracking.parked"

    /// The parsed update.
    public var update: CarrierUpdate
    /// The record as it was read, to dead-letter unchanged.
    public var record: KafkaRecord
    /// When it was parked.
    public var parkedAt: Date

    /// Parks `update` read from `record`.
    public init(update: CarrierUpdate, record: KafkaRecord, parkedAt: Date) {
        self.update = update
        self.record = record
        self.parkedAt = parkedAt
    }

    /// The store key: `<tracking number key>|<topic>:<partition>:<offset>` (unique per record).
    public var key: String {
        "\(TrackingNumberIndex.key(update.trackingNumber))|\(record.position)"
    }
}
