import Foundation
import PostPurchaseCore

/// The loyalty worker's customer messages and their template variables.
///
/// Every template may use `customerName`, `points` (the points of this message),
/// `availableBalance`, `pendingBalance` with `hasPending`, `debt` with `hasDebt`, and `orderId`
/// with `hasOrder`. Besides:
/// - `loyalty.points_earned`: `expiresAt` (date).
/// - `loyalty.goodwill_granted`: flags `reviewBonus`, `serviceRecovery`.
/// - `loyalty.points_reversed`: `refundId` (refund or store-credit id), flags `refund`,
///   `storeCredit`, `cancellation`.
/// - `loyalty.tier_changed`: flags `bronze`, `silver`, `gold` (the new tier), `upgraded`,
///   `multiplier` (e.g. `1.25`), `tierPoints` (points earned in the window), `tierWindowMonths`.
/// - `loyalty.points_expiring`: `expiresAt` (date).
public enum LoyaltyMessages {
    /// The templates the loyalty worker renders; start-up fails if one is missing.
    public static let templates: [NotificationTemplate] = [
        .loyaltyPointsEarned, .loyaltyGoodwillGranted, .loyaltyPointsReversed, .loyaltyTierChanged, .loyaltyPointsExpiring,
    ]

    /// Why points were given as goodwill.
    public enum Goodwill: Sendable {
        /// Thanks for a review.
        case reviewBonus
        /// An apology for a delayed shipment.
        case serviceRecovery
    }

    /// What took points back.
    public enum Reversal: Sendable, Equatable {
        /// A `refund.completed`, by refund id.
        case refund(String)
        /// A `storecredit.issued`, by credit id.
        case storeCredit(String)
        /// An `order.cancelled` before confirmation.
        case cancellation
    }

    /// One message, before rendering.
    public enum Message: Sendable {
        /// Purchase points confirmed.
        case pointsEarned(orderId: String, points: Int, expiresAt: Date)
        /// Bonus points.
        case goodwill(Goodwill, orderId: String, points: Int)
        /// Points taken back.
        case reversed(Reversal, orderId: String, points: Int)
        /// A new tier.
        case tierChanged(from: LoyaltyTier, to: LoyaltyTier, tierPoints: Int, multiplier: Double, windowMonths: Int, sequence: Int)
        /// A lot about to expire.
        case expiring(lotId: String, points: Int, expiresAt: Date)
    }

    /// The draft of `message` to the account's customer, with the balances after it.
    public static func draft(_ message: Message, account: LoyaltyAccount, now: Date) -> NotificationDraft {
        let balance = account.ledger.balance
        var values: [String: NotificationValue] = [
            "availableBalance": .number(balance.available),
            "pendingBalance": .number(balance.pending),
            "hasPending": .flag(balance.pending > 0),
            "debt": .number(balance.debt),
            "hasDebt": .flag(balance.debt > 0),
        ]
        let template: NotificationTemplate
        let cause: String
        var orderId: String?
        switch message {
        case .pointsEarned(let order, let points, let expiresAt):
            template = .loyaltyPointsEarned
            cause = "loyalty.points_earned:\(order)"
            orderId = order
            values["points"] = .number(points)
            values["expiresAt"] = .date(expiresAt)
        case .goodwill(let kind, let order, let points):
            template = .loyaltyGoodwillGranted
            cause = "loyalty.goodwill_granted:\(kind == .reviewBonus ? "review" : "service"):\(order)"
            orderId = order
            values["points"] = .number(points)
            values["reviewBonus"] = .flag(kind == .reviewBonus)
            values["serviceRecovery"] = .flag(kind == .serviceRecovery)
        case .reversed(let kind, let order, let points):
            template = .loyaltyPointsReversed
            orderId = order
            values["points"] = .number(points)
            switch kind {
            case .refund(let id):
                cause = "loyalty.points_reversed:\(order):refund:\(id)"
                values["refundId"] = .text(id)
            case .storeCredit(let id):
                cause = "loyalty.points_reversed:\(order):credit:\(id)"
                values["refundId"] = .text(id)
            case .cancellation:
                cause = "loyalty.points_reversed:\(order):cancellation"
            }
            values["refund"] = .flag({ if case .refund = kind { true } else { false } }())
            values["storeCredit"] = .flag({ if case .storeCredit = kind { true } else { false } }())
            values["cancellation"] = .flag(kind == .cancellation)
        case .tierChanged(let from, let to, let tierPoints, let multiplier, let windowMonths, let sequence):
            template = .loyaltyTierChanged
            cause = "loyalty.tier_changed:\(account.customerId):\(sequence)"
            for tier in LoyaltyTier.allCases { values[tier.rawValue] = .flag(tier == to) }
            values["upgraded"] = .flag(to > from)
            values["tierPoints"] = .number(tierPoints)
            values["tierWindowMonths"] = .number(windowMonths)
            // In the customer's digits (١٫٥ in Arabic); tier changes are rare, so the formatter per message is fine.
            let locale = Locale(identifier: account.contact.locale ?? "en")
            values["multiplier"] = .text(multiplier.formatted(.number.precision(.fractionLength(0...2)).locale(locale)))
        case .expiring(let lotId, let points, let expiresAt):
            template = .loyaltyPointsExpiring
            cause = "loyalty.points_expiring:\(account.customerId):\(lotId)"
            values["points"] = .number(points)
            values["expiresAt"] = .date(expiresAt)
        }
        values["hasOrder"] = .flag(orderId != nil)
        if let orderId { values["orderId"] = .text(orderId) }
        return NotificationDraft(
            template: template, recipient: account.contact.recipient(customerId: account.customerId), orderId: orderId, cause: cause,
            category: .transactional, sendAt: now, values: values)
    }
}
