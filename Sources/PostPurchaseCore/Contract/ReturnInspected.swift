import Foundation

/// The warehouse inspected returned items.
///
/// The CloudEvent `data` of ``EventType/returnInspected`` (`return.inspected`).
public struct ReturnInspected: Codable, Sendable, Equatable {
    /// One inspected item.
    public struct Item: Codable, Sendable, Equatable {
        /// Stock keeping unit.
        public var sku: String
        /// Units inspected.
        public var quantity: Int
        /// What the inspection found.
        public var condition: ItemCondition

        /// Creates an item field by field.
        public init(sku: String, quantity: Int, condition: ItemCondition) {
            self.sku = sku
            self.quantity = quantity
            self.condition = condition
        }
    }

    /// The store's order id; the Kafka key of order-scoped topics.
    public var orderId: String
    /// The return's id from the returns portal.
    public var returnId: String
    /// What was found, item by item.
    public var items: [Item]

    /// Creates the payload field by field.
    public init(orderId: String, returnId: String, items: [Item]) {
        self.orderId = orderId
        self.returnId = returnId
        self.items = items
    }
}
