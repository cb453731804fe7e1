/// Loyalty tier, lowest to highest.
public enum LoyaltyTier: String, Codable, Sendable, CaseIterable, Comparable {
    case bronze
    case silver
    case gold

    /// Orders bronze < silver < gold.
    public static func < (lhs: LoyaltyTier, rhs: LoyaltyTier) -> Bool {
        allCases.firstIndex(of: lhs)! < allCases.firstIndex(of: rhs)!
    }
}
