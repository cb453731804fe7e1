import Foundation

/// An order was cancelled before delivery.
///
/// The CloudEvent `data` of ``EventType/orderCancelled`` (`order.cancelled`).
public struct OrderCancelled: Codable, Sendable, Equatable {
    /// The store's order id; the Kafka key of order-scoped topics.
    public var orderId: String
    /// Free-text reason, for logs and support.
    public var reason: String?

    /// Creates the payload field by field.
    public init(orderId: String, reason: String? = nil) {
        self.orderId = orderId
        self.reason = reason
    }
}
