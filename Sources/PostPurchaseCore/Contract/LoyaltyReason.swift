/// Why a loyalty points balance changed.
public enum LoyaltyReason: String, Codable, Sendable, CaseIterable {
    case purchase
    case confirmed
    case refundReversal = "refund_reversal"
    case reviewBonus = "review_bonus"
    case serviceRecovery = "service_recovery"
    case expiry
    case cancellation
}
