import Foundation

/// A customer moved to another loyalty tier.
///
/// The CloudEvent `data` of ``EventType/loyaltyTierChanged`` (`loyalty.tier_changed`).
public struct LoyaltyTierChanged: Codable, Sendable, Equatable {
    /// Whose tier.
    public var customerId: String
    /// The tier before.
    public var previousTier: LoyaltyTier
    /// The tier now.
    public var tier: LoyaltyTier
    /// Points earned over the last 12 months.
    public var pointsLast12Months: Int

    /// Creates the payload field by field.
    public init(customerId: String, previousTier: LoyaltyTier, tier: LoyaltyTier, pointsLast12Months: Int) {
        self.customerId = customerId
        self.previousTier = previousTier
        self.tier = tier
        self.pointsLast12Months = pointsLast12Months
    }
}
