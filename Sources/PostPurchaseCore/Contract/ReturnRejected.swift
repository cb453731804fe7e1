import Foundation

/// The returns worker rejected (part of) a return.
///
/// The CloudEvent `data` of ``EventType/returnRejected`` (`return.rejected`).
public struct ReturnRejected: Codable, Sendable, Equatable {
    /// One rejected item.
    public struct Item: Codable, Sendable, Equatable {
        /// Stock keeping unit.
        public var sku: String
        /// Units rejected, if given.
        public var quantity: Int?
        /// Why it was rejected.
        public var reason: String

        /// Creates an item field by field.
        public init(sku: String, quantity: Int? = nil, reason: String) {
            self.sku = sku
            self.quantity = quantity
            self.reason = reason
        }
    }

    /// The order the return belongs to.
    public var orderId: String?
    /// The return's id from the returns portal.
    public var returnId: String
    /// The rejected items and why.
    public var items: [Item]

    /// Creates the payload field by field.
    public init(orderId: String? = nil, returnId: String, items: [Item]) {
        self.orderId = orderId
        self.returnId = returnId
        self.items = items
    }
}
