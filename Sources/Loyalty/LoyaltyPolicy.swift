import Foundation
import PostPurchaseCore

/// The loyalty programme's rules: how points are earned, confirmed, reversed, tiered and expired.
///
/// Read from the `loyalty:` section of `Config/postpurchase.yaml`
/// (`configuration.workerSettings(.loyalty, defaults: LoyaltyPolicy())`); every property has the
/// issue's default, so an empty section runs the standard programme. ``validate()`` checks ranges.
/// Points already in a ledger keep the ``ruleVersion`` they were earned under: a reversal takes back
/// what that version granted, never what today's rules would grant.
public struct LoyaltyPolicy: Codable, Sendable, Equatable {
    /// One tier's entry threshold and earn multiplier.
    public struct TierRule: Codable, Sendable, Equatable {
        /// Points earned in the tier window needed to reach the tier.
        public var minimumPoints: Int
        /// Purchase points are multiplied by this while the customer holds the tier.
        public var multiplier: Double

        /// Creates a tier rule.
        public init(minimumPoints: Int, multiplier: Double) {
            self.minimumPoints = minimumPoints
            self.multiplier = multiplier
        }
    }

    /// The three tiers' rules.
    public struct TierRules: Codable, Sendable, Equatable {
        /// Default: 0 points, ×1.0.
        public var bronze = TierRule(minimumPoints: 0, multiplier: 1.0)
        /// Default: 1000 points, ×1.25.
        public var silver = TierRule(minimumPoints: 1_000, multiplier: 1.25)
        /// Default: 5000 points, ×1.5.
        public var gold = TierRule(minimumPoints: 5_000, multiplier: 1.5)

        /// The defaults.
        public init() {}

        /// The rule of `tier`.
        public func rule(_ tier: LoyaltyTier) -> TierRule {
            switch tier {
            case .bronze: bronze
            case .silver: silver
            case .gold: gold
            }
        }
    }

    /// Names the rules points are earned under; stored on every ledger entry. Default: `2025.1`.
    public var ruleVersion = "2025.1"
    /// Points per whole currency unit of the items' total (shipping excluded), before the tier
    /// multiplier; the product is rounded down. Default: 1.
    public var pointsPerCurrencyUnit = 1.0
    /// Purchase points stay pending until this many days after `order.delivered`, and longer while
    /// a return is open. Default: 30.
    public var returnWindowDays = 30
    /// Points for the first review of an order. Default: 50.
    public var reviewBonusPoints = 50
    /// Points given, once per order, when its shipment is delayed. Default: 100.
    public var serviceRecoveryPoints = 100
    /// Tiers are based on points earned in this many months before now. Default: 12.
    public var tierWindowMonths = 12
    /// Tier thresholds and multipliers.
    public var tiers = TierRules()
    /// Available points expire this many months after they were earned. Default: 12.
    public var expiryMonths = 12
    /// The customer is told this many days before points expire. Default: 14.
    public var expiringNoticeDays = 14

    /// The defaults.
    public init() {}

    private static let calendar: Calendar = {
        var calendar = Calendar(identifier: .gregorian)
        calendar.timeZone = TimeZone(identifier: "UTC")!
        return calendar
    }()

    /// Checks ranges and ordering; throws ``ConfigurationError`` naming the key.
    public func validate() throws {
        func require(_ condition: Bool, _ key: String, _ reason: String) throws {
            if !condition { throw ConfigurationError(key: "loyalty.\(key)", reason: reason) }
        }
        try require(!ruleVersion.trimmingCharacters(in: .whitespaces).isEmpty, "ruleVersion", "must not be empty")
        try require(pointsPerCurrencyUnit.isFinite && pointsPerCurrencyUnit >= 0 && pointsPerCurrencyUnit <= 1_000, "pointsPerCurrencyUnit", "must be between 0 and 1000")
        try require((0...365).contains(returnWindowDays), "returnWindowDays", "must be between 0 and 365 days")
        try require((0...1_000_000).contains(reviewBonusPoints), "reviewBonusPoints", "must be between 0 and 1000000")
        try require((0...1_000_000).contains(serviceRecoveryPoints), "serviceRecoveryPoints", "must be between 0 and 1000000")
        try require((1...120).contains(tierWindowMonths), "tierWindowMonths", "must be between 1 and 120 months")
        try require((1...120).contains(expiryMonths), "expiryMonths", "must be between 1 and 120 months")
        try require((0...365).contains(expiringNoticeDays), "expiringNoticeDays", "must be between 0 and 365 days")
        try require(tiers.bronze.minimumPoints == 0, "tiers.bronze.minimumPoints", "must be 0 (every customer is at least bronze)")
        try require(tiers.silver.minimumPoints > tiers.bronze.minimumPoints, "tiers.silver.minimumPoints", "must be above bronze's")
        try require(tiers.gold.minimumPoints > tiers.silver.minimumPoints, "tiers.gold.minimumPoints", "must be above silver's")
        for tier in LoyaltyTier.allCases {
            let multiplier = tiers.rule(tier).multiplier
            try require(multiplier.isFinite && multiplier >= 0 && multiplier <= 100, "tiers.\(tier.rawValue).multiplier", "must be between 0 and 100")
        }
    }

    // MARK: - Derived rules

    /// The purchase points for `itemsTotal` at `tier`: whole currency units × rate × multiplier,
    /// rounded down. Computed in integers (thousandths) so 1.25 × 100 is exactly 125.
    public func purchasePoints(itemsTotal: Money, tier: LoyaltyTier) -> Int {
        let units = itemsTotal.amount / CurrencyExponent.minorUnitsPerUnit(itemsTotal.currency)
        let rate = Int((pointsPerCurrencyUnit * 1_000).rounded())
        let multiplier = Int((tiers.rule(tier).multiplier * 1_000).rounded())
        // units ≤ Int.max / 10^6 in practice (an order of 9 × 10^12 currency units); clamp rather than trap.
        let (product, overflow) = units.multipliedReportingOverflow(by: rate * multiplier)
        return overflow ? Int.max / 1_000_000 : product / 1_000_000
    }

    /// The tier reached with `points` earned in the tier window.
    public func tier(for points: Int) -> LoyaltyTier {
        if points >= tiers.gold.minimumPoints { return .gold }
        if points >= tiers.silver.minimumPoints { return .silver }
        return .bronze
    }

    /// When purchase points of an order delivered at `deliveredAt` may be confirmed.
    public func returnWindowEnd(deliveredAt: Date) -> Date {
        deliveredAt.addingTimeInterval(TimeInterval(returnWindowDays) * 86_400)
    }

    /// When points earned at `earnedAt` expire.
    public func expiry(earnedAt: Date) -> Date {
        Self.calendar.date(byAdding: .month, value: expiryMonths, to: earnedAt) ?? earnedAt
    }

    /// When the customer is told about points expiring at `expiresAt`.
    public func expiringNotice(expiresAt: Date) -> Date {
        expiresAt.addingTimeInterval(-TimeInterval(expiringNoticeDays) * 86_400)
    }

    /// The start of the tier window ending at `now`: earnings at or before it no longer count.
    public func tierWindowStart(now: Date) -> Date {
        Self.calendar.date(byAdding: .month, value: -tierWindowMonths, to: now) ?? now
    }

    /// When an earning made at `earnedAt` leaves the tier window.
    public func tierWindowExit(earnedAt: Date) -> Date {
        Self.calendar.date(byAdding: .month, value: tierWindowMonths, to: earnedAt) ?? earnedAt
    }
}
