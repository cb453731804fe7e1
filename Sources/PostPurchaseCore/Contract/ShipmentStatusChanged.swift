import Foundation

/// A shipment's canonical status changed: the data of `shipment.status_changed`, and with its
/// extra fields also of `shipment.delivered` (``deliveredAt``) and `shipment.delayed`
/// (``reason``, ``promisedBy``).
public struct ShipmentStatusChanged: Codable, Sendable, Equatable {
    /// The order the shipment belongs to; the Kafka key.
    public var orderId: String
    /// The shipment id from `shipment.dispatched`; for a return shipment, the returnId.
    public var shipmentId: String
    /// The carrier's tracking number.
    public var trackingNumber: String
    /// Carrier code.
    public var carrier: String
    /// Outbound or return.
    public var kind: ShipmentKind
    /// The status after the change.
    public var status: ShipmentStatus
    /// The status before the change; ``ShipmentStatus/unknown`` if none was known.
    public var previousStatus: ShipmentStatus
    /// When the carrier event causing the change happened.
    public var occurredAt: Date
    /// The latest carrier delivery estimate, if known.
    public var estimatedDelivery: Date?
    /// Where the carrier event happened, e.g. "Riyadh, SA".
    public var location: String?
    /// The carrier's own words.
    public var message: String?
    /// `shipment.delivered` only: when the carrier reported the delivery.
    public var deliveredAt: Date?
    /// `shipment.delayed` only: why the shipment is considered delayed.
    public var reason: DelayReason?
    /// `shipment.delayed` only: the delivery promise, when known.
    public var promisedBy: Date?

    /// Creates the payload field by field.
    public init(
        orderId: String, shipmentId: String, trackingNumber: String, carrier: String, kind: ShipmentKind,
        status: ShipmentStatus, previousStatus: ShipmentStatus, occurredAt: Date, estimatedDelivery: Date? = nil,
        location: String? = nil, message: String? = nil, deliveredAt: Date? = nil, reason: DelayReason? = nil,
        promisedBy: Date? = nil
    ) {
        self.orderId = orderId
        self.shipmentId = shipmentId
        self.trackingNumber = trackingNumber
        self.carrier = carrier
        self.kind = kind
        self.status = status
        self.previousStatus = previousStatus
        self.occurredAt = occurredAt
        self.estimatedDelivery = estimatedDelivery
        self.location = location
        self.message = message
        self.deliveredAt = deliveredAt
        self.reason = reason
        self.promisedBy = promisedBy
    }
}
