/// Loyalty tier, lowest to highest.
public enum LoyaltyTier: String, Codable, Sendable, CaseIterable, Comparable {
    /// The entry tier.
    case bronze
    /// The middle tier.
    case silver
    /// The top tier.
    case gold

    /// Orders bronze < silver < gold.
    public static func < (lhs: LoyaltyTier, rhs: LoyaltyTier) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
