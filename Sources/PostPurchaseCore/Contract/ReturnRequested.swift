import Foundation

/// A customer asked to return items of an order.
///
/// The CloudEvent `data` of ``EventType/returnRequested`` (`return.requested`).
public struct ReturnRequested: Codable, Sendable, Equatable {
    /// One returned item and the customer's reason.
    public struct Item: Codable, Sendable, Equatable {
        /// Stock keeping unit, as in `order.paid`.
        public var sku: String
        /// Units returned.
        public var quantity: Int
        /// The customer's reason.
        public var reason: ReturnReason

        /// Creates an item field by field.
        public init(sku: String, quantity: Int, reason: ReturnReason) {
            self.sku = sku
            self.quantity = quantity
            self.reason = reason
        }
    }

    /// The store's order id; the Kafka key of order-scoped topics.
    public var orderId: String
    /// The return's id from the returns portal.
    public var returnId: String
    /// What the customer wants to return, and why.
    public var items: [Item]
    /// What the customer wants instead.
    public var resolution: ReturnResolution
    /// The SKU wanted in exchange (for `exchange`).
    public var exchangeSku: String?

    /// Creates the payload field by field.
    public init(orderId: String, returnId: String, items: [Item], resolution: ReturnResolution, exchangeSku: String? = nil) {
        self.orderId = orderId
        self.returnId = returnId
        self.items = items
        self.resolution = resolution
        self.exchangeSku = exchangeSku
    }
}
