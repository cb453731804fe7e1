import Foundation

/// A customer's points balance changed by one ledger entry.
///
/// The CloudEvent `data` of ``EventType/loyaltyPointsChanged`` (`loyalty.points_changed`).
public struct LoyaltyPointsChanged: Codable, Sendable, Equatable {
    /// Deterministic ledger entry id; deduplicate on it.
    public var entryId: String
    /// Whose points.
    public var customerId: String
    /// The order the entry is about, if any.
    public var orderId: String?
    /// Points added (positive) or removed (negative).
    public var delta: Int
    /// Why the balance changed.
    public var reason: LoyaltyReason
    /// Points not yet confirmed after this entry.
    public var pendingBalance: Int
    /// Points the customer can spend after this entry.
    public var availableBalance: Int
    /// The customer's tier after this entry.
    public var tier: LoyaltyTier

    /// Creates the payload field by field.
    public init(entryId: String, customerId: String, orderId: String? = nil, delta: Int, reason: LoyaltyReason, pendingBalance: Int, availableBalance: Int, tier: LoyaltyTier) {
        self.entryId = entryId
        self.customerId = customerId
        self.orderId = orderId
        self.delta = delta
        self.reason = reason
        self.pendingBalance = pendingBalance
        self.availableBalance = availableBalance
        self.tier = tier
    }
}
