import Foundation

/// The payment service paid a refund it was asked for.
///
/// The CloudEvent `data` of ``EventType/refundCompleted`` (`refund.completed`).
public struct RefundCompleted: Codable, Sendable, Equatable {
    /// The store's order id; the Kafka key of order-scoped topics.
    public var orderId: String
    /// The id of the `refund.requested` it confirms.
    public var refundId: String
    /// The return the refund is for, if any.
    public var returnId: String?
    /// The amount refunded.
    public var amount: Money

    /// Creates the payload field by field.
    public init(orderId: String, refundId: String, returnId: String? = nil, amount: Money) {
        self.orderId = orderId
        self.refundId = refundId
        self.returnId = returnId
        self.amount = amount
    }
}
