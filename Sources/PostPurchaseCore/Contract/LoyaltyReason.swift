/// Why a loyalty points balance changed.
public enum LoyaltyReason: String, Codable, Sendable, CaseIterable {
    /// Points earned by an order (pending).
    case purchase
    /// Pending points became available.
    case confirmed
    /// Points taken back for a refund.
    case refundReversal = "refund_reversal"
    /// Points for a review.
    case reviewBonus = "review_bonus"
    /// Goodwill points after a problem.
    case serviceRecovery = "service_recovery"
    /// Points expired.
    case expiry
    /// Points taken back for a cancelled order.
    case cancellation
}
