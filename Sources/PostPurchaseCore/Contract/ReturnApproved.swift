import Foundation

/// The returns worker approved a return.
///
/// The CloudEvent `data` of ``EventType/returnApproved`` (`return.approved`).
public struct ReturnApproved: Codable, Sendable, Equatable {
    /// One approved item.
    public struct Item: Codable, Sendable, Equatable {
        /// Stock keeping unit.
        public var sku: String
        /// Units approved.
        public var quantity: Int
        /// The customer's reason, if given.
        public var reason: ReturnReason?

        /// Creates an item field by field.
        public init(sku: String, quantity: Int, reason: ReturnReason? = nil) {
            self.sku = sku
            self.quantity = quantity
            self.reason = reason
        }
    }

    /// The order the return belongs to.
    public var orderId: String?
    /// The return's id from the returns portal.
    public var returnId: String
    /// The approved items.
    public var items: [Item]
    /// What the customer can expect back.
    public var refundEstimate: Money
    /// Whether the customer needs a return label.
    public var labelRequired: Bool

    /// Creates the payload field by field.
    public init(orderId: String? = nil, returnId: String, items: [Item], refundEstimate: Money, labelRequired: Bool) {
        self.orderId = orderId
        self.returnId = returnId
        self.items = items
        self.refundEstimate = refundEstimate
        self.labelRequired = labelRequired
    }
}
