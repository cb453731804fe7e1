import Foundation

/// A canonical carrier update from a directly connected carrier (on `carrier-events`).
///
/// The CloudEvent `data` of ``EventType/trackingUpdated`` (`tracking.updated`).
public struct TrackingUpdated: Codable, Sendable, Equatable {
    /// The carrier's tracking number.
    public var trackingNumber: String
    /// Carrier code.
    public var carrier: String
    /// The canonical status.
    public var status: ShipmentStatus
    /// When the carrier event happened.
    public var occurredAt: Date
    /// The carrier's delivery estimate, if known.
    public var estimatedDelivery: Date?
    /// Where it happened, e.g. "Riyadh, SA".
    public var location: String?
    /// The carrier's own words.
    public var message: String?

    /// Creates the payload field by field.
    public init(trackingNumber: String, carrier: String, status: ShipmentStatus, occurredAt: Date, estimatedDelivery: Date? = nil, location: String? = nil, message: String? = nil) {
        self.trackingNumber = trackingNumber
        self.carrier = carrier
        self.status = status
        self.occurredAt = occurredAt
        self.estimatedDelivery = estimatedDelivery
        self.location = location
        self.message = message
    }
}
