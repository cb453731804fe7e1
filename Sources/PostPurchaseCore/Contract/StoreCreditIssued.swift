import Foundation

/// Store credit was issued for a return.
///
/// The CloudEvent `data` of ``EventType/storeCreditIssued`` (`storecredit.issued`).
public struct StoreCreditIssued: Codable, Sendable, Equatable {
    /// The store's order id; the Kafka key of order-scoped topics.
    public var orderId: String
    /// The return's id from the returns portal.
    public var returnId: String
    /// Who received the credit.
    public var customerId: String
    /// The credit for the returned items.
    public var amount: Money
    /// Extra credit granted for choosing store credit.
    public var bonus: Money
    /// Deterministic id; deduplicate on it.
    public var creditId: String

    /// Creates the payload field by field.
    public init(orderId: String, returnId: String, customerId: String, amount: Money, bonus: Money, creditId: String) {
        self.orderId = orderId
        self.returnId = returnId
        self.customerId = customerId
        self.amount = amount
        self.bonus = bonus
        self.creditId = creditId
    }
}
