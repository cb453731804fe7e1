import Foundation
import PostPurchaseCore

/// The audit trail of one carrier update applied to a shipment: what arrived (the raw payload),
/// how it was mapped (mapping version) and what it changed.
public struct CarrierUpdateAudit: StoredEntity, Equatable {
    public static let namespace = "tracking.audit"
    /// Written once per applied update and read only to investigate: one per carrier event would
    /// otherwise fill the runtime's entity cache (about 2 KB each) and push the shipments out.
    public static let keepsDecodedCopy = false

    /// The shipment's store key.
    public var shipmentKey: String
    /// The canonical update.
    public var update: CarrierUpdate
    /// The ``CarrierStatusMapping/version`` that mapped it.
    public var mappingVersion: String
    /// The shipment's status before the update.
    public var statusBefore: ShipmentStatus
    /// The shipment's status after it (equal to ``statusBefore`` when the update changed nothing).
    public var statusAfter: ShipmentStatus
    /// When it was applied.
    public var appliedAt: Date
    /// The record value exactly as received, when it is UTF-8 text.
    public var raw: String?
    /// The record value in base64, when it is not UTF-8 text.
    public var rawBase64: String?

    /// Creates an audit entry.
    public init(shipmentKey: String, update: CarrierUpdate, statusBefore: ShipmentStatus, statusAfter: ShipmentStatus, appliedAt: Date, raw: Data?) {
        self.shipmentKey = shipmentKey
        self.update = update
        self.mappingVersion = CarrierStatusMapping.version
        self.statusBefore = statusBefore
        self.statusAfter = statusAfter
        self.appliedAt = appliedAt
        if let raw {
            if let text = String(data: raw, encoding: .utf8) { self.raw = text } else { self.rawBase64 = raw.base64EncodedString() }
        }
    }

    /// The store key: `<shipment key>|<occurredAt ms>|<source id or record position>`, so a redelivered
    /// webhook overwrites its own entry.
    public static func key(shipmentKey: String, update: CarrierUpdate, position: String) -> String {
        let millis = Int64((update.occurredAt.timeIntervalSince1970 * 1000).rounded())
        // Zero-padded to 15 digits so keys sort by time (String(format:) cost more than the rest of the key).
        let digits = String(millis)
        let padded = millis >= 0 && digits.count < 15 ? String(repeating: "0", count: 15 - digits.count) + digits : digits
        return "\(shipmentKey)|\(padded)|\(update.sourceId ?? position)"
    }
}
