import Foundation
import PostPurchaseCore

/// One carrier update in canonical form, whatever format it arrived in.
public struct CarrierUpdate: Codable, Sendable, Equatable {
    /// The format it was parsed from.
    public var format: CarrierFormat
    /// The provider's id of the webhook or scan (EasyPost `evt_…`, Shippo `object_id`, AfterShip
    /// `event_id`, the CloudEvent id), when it has one.
    public var sourceId: String?
    /// Carrier name as the provider spells it (`USPS`, `usps`, `smsa`).
    public var carrier: String
    /// The carrier's tracking number.
    public var trackingNumber: String
    /// The canonical status the provider's status maps to.
    public var status: ShipmentStatus
    /// The provider's own status, e.g. `TRANSIT/out_for_delivery`, kept for audit.
    public var providerStatus: String
    /// Whether the mapping table knew the provider's status (an unmapped one becomes ``ShipmentStatus/unknown``).
    public var isMapped: Bool
    /// When the carrier event happened.
    public var occurredAt: Date
    /// The carrier's delivery estimate, if known.
    public var estimatedDelivery: Date?
    /// Where it happened, e.g. "DALLAS, TX, US".
    public var location: String?
    /// The carrier's own words.
    public var message: String?

    /// Creates an update.
    public init(
        format: CarrierFormat, sourceId: String? = nil, carrier: String, trackingNumber: String, status: ShipmentStatus,
        providerStatus: String, isMapped: Bool = true, occurredAt: Date, estimatedDelivery: Date? = nil,
        location: String? = nil, message: String? = nil
    ) {
        self.format = format
        self.sourceId = sourceId
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.status = status
        self.providerStatus = providerStatus
        self.isMapped = isMapped
        self.occurredAt = occurredAt
        self.estimatedDelivery = estimatedDelivery
        self.location = location
        self.message = message
    }
}
