import Foundation
import PostPurchaseCore

/// What the tracking worker knows about an order: who to tell, what was bought, which parcels
/// carry it and whether its delivery was announced.
public struct OrderProgress: StoredEntity, Equatable {
    public static let namespace = "tracking.order"

    /// The order id.
    public var orderId: String
    /// The customer, once `order.paid` was seen.
    public var customerId: String?
    /// Units bought per SKU, once `order.paid` was seen.
    public var orderedItems: [String: Int]?
    /// Whether the order was cancelled.
    public var cancelled: Bool
    /// Outbound shipment ids in dispatch order (parcel 1, 2, …).
    public var outboundShipmentIds: [String]
    /// Units dispatched per SKU over all outbound shipments.
    public var dispatchedItems: [String: Int]
    /// Whether `order.delivered` was emitted.
    public var deliveryAnnounced: Bool

    /// An order not seen before.
    public init(orderId: String) {
        self.orderId = orderId
        self.cancelled = false
        self.outboundShipmentIds = []
        self.dispatchedItems = [:]
        self.deliveryAnnounced = false
    }

    /// Whether every unit bought is in some dispatched parcel; `nil` while `order.paid` is unknown.
    public var isFullyDispatched: Bool? {
        guard let orderedItems else { return nil }
        return orderedItems.allSatisfy { sku, quantity in (dispatchedItems[sku] ?? 0) >= quantity }
    }

    /// "Parcel n of m" for a shipment: `nil` for an order shipped in one parcel; the count is
    /// `nil` while more parcels may follow.
    public func parcel(of shipmentId: String) -> (number: Int, count: Int?)? {
        guard let index = outboundShipmentIds.firstIndex(of: shipmentId) else { return nil }
        let complete = isFullyDispatched ?? true
        if outboundShipmentIds.count == 1 && complete { return nil }
        return (index + 1, complete ? outboundShipmentIds.count : nil)
    }
}
