import Foundation

/// The payment service could not pay a refund.
///
/// The CloudEvent `data` of ``EventType/refundFailed`` (`refund.failed`).
public struct RefundFailed: Codable, Sendable, Equatable {
    /// The store's order id; the Kafka key of order-scoped topics.
    public var orderId: String
    /// The id of the `refund.requested` that failed.
    public var refundId: String
    /// Why it failed.
    public var reason: String

    /// Creates the payload field by field.
    public init(orderId: String, refundId: String, reason: String) {
        self.orderId = orderId
        self.refundId = refundId
        self.reason = reason
    }
}
