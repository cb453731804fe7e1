/// What a customer wants in exchange for returned items.
public enum ReturnResolution: String, Codable, Sendable, CaseIterable {
    /// Money back to the original payment.
    case refund
    /// Store credit (possibly with a bonus).
    case storeCredit = "store-credit"
    /// Another item instead.
    case exchange
}
