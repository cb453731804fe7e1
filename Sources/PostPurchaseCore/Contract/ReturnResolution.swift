/// What a customer wants in exchange for returned items.
public enum ReturnResolution: String, Codable, Sendable, CaseIterable {
    case refund
    case storeCredit = "store-credit"
    case exchange
}
