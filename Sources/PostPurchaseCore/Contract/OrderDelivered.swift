import Foundation

/// Every outbound shipment of an order was delivered (emitted once per order).
///
/// The CloudEvent `data` of ``EventType/orderDelivered`` (`order.delivered`).
public struct OrderDelivered: Codable, Sendable, Equatable {
    /// The store's order id; the Kafka key of order-scoped topics.
    public var orderId: String
    /// When the last outbound shipment was delivered.
    public var deliveredAt: Date
    /// All outbound shipments of the order.
    public var shipmentIds: [String]

    /// Creates the payload field by field.
    public init(orderId: String, deliveredAt: Date, shipmentIds: [String]) {
        self.orderId = orderId
        self.deliveredAt = deliveredAt
        self.shipmentIds = shipmentIds
    }
}
