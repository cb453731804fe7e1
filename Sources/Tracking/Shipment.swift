import Foundation
import PostPurchaseCore

/// A parcel the worker tracks: outbound (from `shipment.dispatched`) or a return (from
/// `return.label_created`), with its canonical status and what was already announced.
public struct Shipment: StoredEntity, Equatable {
    public static let namespace = "tracking.shipment"

    /// The order it belongs to.
    public var orderId: String
    /// The shipment id; for a return, the returnId.
    public var shipmentId: String
    /// Outbound or return.
    public var kind: ShipmentKind
    /// Carrier code as the store named it.
    public var carrier: String
    /// The carrier's tracking number.
    public var trackingNumber: String
    /// When it was dispatched (the time of the dispatch or label event); starts the matching window.
    public var dispatchedAt: Date
    /// The delivery promise made to the customer (outbound only).
    public var promisedBy: Date?
    /// What is in the parcel.
    public var items: [ItemQuantity]
    /// The current canonical status.
    public var status: ShipmentStatus
    /// When the carrier event that set ``status`` happened.
    public var statusAt: Date?
    /// The latest carrier delivery estimate.
    public var estimatedDelivery: Date?
    /// Where the latest applied carrier event happened.
    public var location: String?
    /// The carrier's words for the latest applied event.
    public var message: String?
    /// When it was delivered.
    public var deliveredAt: Date?
    /// The delay reasons already announced (each once per shipment).
    public var delays: [DelayReason]
    /// Whether the first-scan "in transit" message was sent.
    public var announcedInTransit: Bool

    /// A freshly dispatched shipment, status ``ShipmentStatus/unknown``.
    public init(
        orderId: String, shipmentId: String, kind: ShipmentKind, carrier: String, trackingNumber: String,
        dispatchedAt: Date, promisedBy: Date? = nil, items: [ItemQuantity] = []
    ) {
        self.orderId = orderId
        self.shipmentId = shipmentId
        self.kind = kind
        self.carrier = carrier
        self.trackingNumber = trackingNumber
        self.dispatchedAt = dispatchedAt
        self.promisedBy = promisedBy
        self.items = items
        self.status = .unknown
        self.delays = []
        self.announcedInTransit = false
    }

    /// The store key: `<orderId>/<kind>/<shipmentId>`.
    public var key: String { Self.key(orderId: orderId, kind: kind, shipmentId: shipmentId) }

    /// The store key of a shipment.
    public static func key(orderId: String, kind: ShipmentKind, shipmentId: String) -> String {
        "\(orderId)/\(kind.rawValue)/\(shipmentId)"
    }

    /// The contract payload describing this shipment after a change from `previous`.
    public func statusChanged(previous: ShipmentStatus) -> ShipmentStatusChanged {
        ShipmentStatusChanged(
            orderId: orderId, shipmentId: shipmentId, trackingNumber: trackingNumber, carrier: carrier, kind: kind,
            status: status, previousStatus: previous, occurredAt: statusAt ?? dispatchedAt,
            estimatedDelivery: estimatedDelivery, location: location, message: message)
    }
}
