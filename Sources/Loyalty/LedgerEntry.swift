import Foundation
import PostPurchaseCore

/// One line of a customer's points ledger. Entries are only ever appended; balances are sums of them.
///
/// Each entry moves points in exactly one balance (its ``state``), so the pending, available and
/// debt balances are each the sum of their entries' ``delta``s, and the sum of all deltas is
/// `pending + available − debt`. A confirmation is therefore two entries (the points leave
/// pending, the same points arrive available). ``entryId`` is `<cause>/<balance>`, derived from what
/// caused it (`purchase:ORD-1/pending`, `refund_reversal:ORD-1:RF-9/available`), so the same cause
/// can never be booked twice.
public struct LedgerEntry: Codable, Sendable, Equatable {
    /// Which balance an entry moves.
    public enum State: String, Codable, Sendable, CaseIterable {
        /// Earned but not yet confirmed (the order's return window is open).
        case pending
        /// The customer's to spend.
        case available
        /// Points a reversal could not take back yet; later earnings pay it off. Its balance is
        /// minus the sum of its entries (a reversal books a negative delta here, a repayment a positive one).
        case debt
    }

    /// Deterministic id `<cause>/<balance>[:<order>]`.
    public var entryId: String
    /// Whose points.
    public var customerId: String
    /// The order that caused the entry, if any.
    public var orderId: String?
    /// Points added to (positive) or removed from (negative) ``state``'s balance.
    public var delta: Int
    /// Why, in the contract's words.
    public var reason: LoyaltyReason
    /// The balance moved.
    public var state: State
    /// The rule version the points were earned under (reversals carry the earning's version).
    public var ruleVersion: String
    /// When it was booked (the worker's clock).
    public var createdAt: Date
    /// For points arriving in the available balance: when they expire.
    public var expiresAt: Date?
    /// The cause shared by every entry booked for one event or timer (`refund_reversal:ORD-1:RF-9`).
    public var cause: String
    /// A pending entry that moves another order's pending points (a reversal larger than its own
    /// order's pending and the available balance): that order.
    public var pendingOrderId: String?
    /// An expiry entry: the available entry (lot) whose remaining points expire.
    public var lotId: String?
    /// The change to "points earned", which tiers are based on (purchases and bonuses add,
    /// cancellations and reversals subtract; moves between balances and expiry change nothing).
    public var tierPoints: Int
    /// When the earning that ``tierPoints`` belongs to was made (a reversal counts against its
    /// purchase's date, so both leave the tier window together).
    public var earnedAt: Date?

    /// Creates an entry field by field.
    public init(
        entryId: String, customerId: String, orderId: String?, delta: Int, reason: LoyaltyReason, state: State,
        ruleVersion: String, createdAt: Date, expiresAt: Date? = nil, cause: String, pendingOrderId: String? = nil,
        lotId: String? = nil, tierPoints: Int = 0, earnedAt: Date? = nil
    ) {
        self.entryId = entryId
        self.customerId = customerId
        self.orderId = orderId
        self.delta = delta
        self.reason = reason
        self.state = state
        self.ruleVersion = ruleVersion
        self.createdAt = createdAt
        self.expiresAt = expiresAt
        self.cause = cause
        self.pendingOrderId = pendingOrderId
        self.lotId = lotId
        self.tierPoints = tierPoints
        self.earnedAt = earnedAt
    }

    /// The order whose pending points a pending entry moves.
    public var pendingOwner: String? { pendingOrderId ?? orderId }
}
