import Foundation

/// The returns worker asks the payment service to refund.
///
/// The CloudEvent `data` of ``EventType/refundRequested`` (`refund.requested`).
public struct RefundRequested: Codable, Sendable, Equatable {
    /// Deterministic id derived from the return; deduplicate on it.
    public var refundId: String
    /// The store's order id; the Kafka key of order-scoped topics.
    public var orderId: String
    /// The return's id from the returns portal.
    public var returnId: String
    /// How much to refund.
    public var amount: Money
    /// Why, for the payment service and support.
    public var reason: String

    /// Creates the payload field by field.
    public init(refundId: String, orderId: String, returnId: String, amount: Money, reason: String) {
        self.refundId = refundId
        self.orderId = orderId
        self.returnId = returnId
        self.amount = amount
        self.reason = reason
    }
}
