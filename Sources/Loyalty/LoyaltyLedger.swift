import Foundation
import PostPurchaseCore

/// A customer's append-only points ledger and the pure rules that book into it.
///
/// Balances, lots (points that expire together) and tier points are all derived from ``entries``;
/// nothing else is stored. Every booking is named by its cause (`purchase:ORD-1`,
/// `refund_reversal:ORD-1:RF-9`, …) and a cause already in the ledger books nothing, so a
/// redelivered event (even with a new CloudEvent id) cannot grant or take twice.
///
/// Balances never go negative. A reversal takes, in this order: the pending points of its own
/// order (they are the very points being reversed), the available balance (oldest-expiring points
/// first), the pending points of the customer's other orders (oldest first), and books what is
/// still missing as **debt**. Debt is paid off first by any points that later arrive in the
/// available balance (confirmations and bonuses), booked as `refund_reversal` entries on the debt.
public struct LoyaltyLedger: Codable, Sendable, Equatable {
    /// Whose ledger.
    public let customerId: String
    /// Every entry, in booking order.
    public private(set) var entries: [LedgerEntry] = []

    /// An empty ledger.
    public init(customerId: String) {
        self.customerId = customerId
    }

    /// Points that arrived available together and expire together.
    public struct Lot: Sendable, Equatable {
        /// The available entry that created it.
        public var id: String
        /// Its cause.
        public var cause: String
        /// The order it came from, if any.
        public var orderId: String?
        /// Points left (after reversals and expiry took from it).
        public var remaining: Int
        /// When what is left expires.
        public var expiresAt: Date
    }

    // MARK: - Derived state

    /// The balances: each the sum of its entries.
    public var balance: LedgerBalance {
        var balance = LedgerBalance()
        for entry in entries {
            switch entry.state {
            case .pending: balance.pending += entry.delta
            case .available: balance.available += entry.delta
            case .debt: balance.debt -= entry.delta
            }
        }
        return balance
    }

    /// Whether anything was booked for `cause`.
    public func contains(cause: String) -> Bool {
        entries.contains { $0.cause == cause }
    }

    /// The pending points of `orderId`.
    public func pending(orderId: String) -> Int {
        entries.reduce(0) { $1.state == .pending && $1.pendingOwner == orderId ? $0 + $1.delta : $0 }
    }

    /// The lots with points left, by replaying the available entries: an expiry takes its own lot,
    /// any other debit takes the earliest-expiring points first.
    public var lots: [Lot] {
        var lots: [Lot] = []
        for entry in entries where entry.state == .available {
            if entry.delta > 0 {
                lots.append(Lot(id: entry.entryId, cause: entry.cause, orderId: entry.orderId, remaining: entry.delta, expiresAt: entry.expiresAt ?? .distantFuture))
            } else if let lotId = entry.lotId, let index = lots.firstIndex(where: { $0.id == lotId }) {
                lots[index].remaining += entry.delta
            } else {
                var owed = -entry.delta
                for index in lots.indices.sorted(by: { (lots[$0].expiresAt, $0) < (lots[$1].expiresAt, $1) }) where owed > 0 {
                    let taken = min(owed, lots[index].remaining)
                    lots[index].remaining -= taken
                    owed -= taken
                }
            }
        }
        return lots.filter { $0.remaining > 0 }
    }

    /// Points earned (net of cancellations and reversals) whose earning falls in the tier window ending at `now`.
    public func tierPoints(at now: Date, policy: LoyaltyPolicy) -> Int {
        let start = policy.tierWindowStart(now: now)
        let sum = entries.reduce(0) { total, entry in
            let earnedAt = entry.earnedAt ?? entry.createdAt
            return earnedAt > start && earnedAt <= now ? total + entry.tierPoints : total
        }
        return max(0, sum)
    }

    /// The tier at `now`.
    public func tier(at now: Date, policy: LoyaltyPolicy) -> LoyaltyTier {
        policy.tier(for: tierPoints(at: now, policy: policy))
    }

    /// The next moment an earning still in the window leaves it (when the tier may fall), if any;
    /// always after `now`.
    public func nextTierWindowExit(after now: Date, policy: LoyaltyPolicy) -> Date? {
        let start = policy.tierWindowStart(now: now)
        // Adding months keeps order, so the earliest earning leaves first: one calendar step, not one per entry.
        return entries.lazy.filter { $0.tierPoints > 0 }
            .map { $0.earnedAt ?? $0.createdAt }
            .filter { $0 > start }
            .min()
            .map { earnedAt in
                // Month arithmetic does not invert at month ends: 29 Feb + 12 months is 28 Feb, yet
                // 28 Feb − 12 months is 28 Feb, so the earning still counts then. A timer at that
                // moment would find the tier unchanged and wake up at the same moment again, for
                // ever. Step to the first day on which the earning really is out of the window.
                var exit = policy.tierWindowExit(earnedAt: earnedAt)
                while policy.tierWindowStart(now: exit) < earnedAt { exit = exit.addingTimeInterval(86_400) }
                return exit
            }
    }

    // MARK: - Bookings

    /// What every entry of one booking shares.
    public struct Booking: Sendable {
        /// The cause (`purchase:ORD-1`).
        public var cause: String
        /// Why.
        public var reason: LoyaltyReason
        /// The order, if any.
        public var orderId: String?
        /// The rule version the points belong to.
        public var ruleVersion: String
        /// Now.
        public var at: Date

        /// Creates a booking.
        public init(cause: String, reason: LoyaltyReason, orderId: String?, ruleVersion: String, at: Date) {
            self.cause = cause
            self.reason = reason
            self.orderId = orderId
            self.ruleVersion = ruleVersion
            self.at = at
        }
    }

    private mutating func book(
        _ booking: Booking, _ state: LedgerEntry.State, _ delta: Int, suffix: String = "", reason: LoyaltyReason? = nil,
        expiresAt: Date? = nil, pendingOrderId: String? = nil, lotId: String? = nil, tierPoints: Int = 0, earnedAt: Date? = nil
    ) -> LedgerEntry {
        let entry = LedgerEntry(
            entryId: "\(booking.cause)/\(state.rawValue)\(suffix)", customerId: customerId, orderId: booking.orderId, delta: delta,
            reason: reason ?? booking.reason, state: state, ruleVersion: booking.ruleVersion, createdAt: booking.at,
            expiresAt: expiresAt, cause: booking.cause, pendingOrderId: pendingOrderId, lotId: lotId, tierPoints: tierPoints,
            earnedAt: earnedAt)
        entries.append(entry)
        return entry
    }

    /// Books `points` as pending purchase points of `booking.orderId` (reason `purchase`).
    public mutating func earnPending(_ booking: Booking, points: Int) -> [LedgerEntry] {
        guard points > 0, !contains(cause: booking.cause) else { return [] }
        return [book(booking, .pending, points, tierPoints: points, earnedAt: booking.at)]
    }

    /// Books `points` arriving in the available balance (a bonus, reason of the booking): debt
    /// first, the rest as a lot expiring at `expiresAt`. `tierPoints` counts towards the tier.
    public mutating func grant(_ booking: Booking, points: Int, expiresAt: Date, tierPoints: Int) -> [LedgerEntry] {
        guard points > 0, !contains(cause: booking.cause) else { return [] }
        return credit(booking, points: points, expiresAt: expiresAt, tierPoints: tierPoints, earnedAt: booking.at)
    }

    /// Moves the order's pending points to the available balance (reason `confirmed`), paying debt
    /// first; the lot expires at `expiresAt`. Returns the entries and the points that were pending.
    public mutating func confirm(_ booking: Booking, expiresAt: Date) -> (entries: [LedgerEntry], points: Int) {
        guard let orderId = booking.orderId, !contains(cause: booking.cause) else { return ([], 0) }
        let points = pending(orderId: orderId)
        guard points > 0 else { return ([], 0) }
        var booked = [book(booking, .pending, -points)]
        booked += credit(booking, points: points, expiresAt: expiresAt, tierPoints: 0, earnedAt: nil)
        return (booked, points)
    }

    private mutating func credit(_ booking: Booking, points: Int, expiresAt: Date, tierPoints: Int, earnedAt: Date?) -> [LedgerEntry] {
        var booked: [LedgerEntry] = []
        var tier = tierPoints
        let repaid = min(points, balance.debt)
        if repaid > 0 {
            // Paying off a reversal that could not be taken when it happened.
            booked.append(book(booking, .debt, repaid, reason: .refundReversal, tierPoints: tier, earnedAt: earnedAt))
            tier = 0
        }
        if points - repaid > 0 {
            booked.append(book(booking, .available, points - repaid, expiresAt: expiresAt, tierPoints: tier, earnedAt: earnedAt))
        }
        return booked
    }

    /// Takes `points` back for a refund of `booking.orderId` (reason `refund_reversal`): its own
    /// pending points, then available, then other orders' pending, then debt. `earnedAt` is the
    /// purchase's time (the tier points leave the window with it).
    public mutating func reverse(_ booking: Booking, points: Int, earnedAt: Date?) -> [LedgerEntry] {
        guard points > 0, !contains(cause: booking.cause) else { return [] }
        var owed = points
        var booked: [LedgerEntry] = []
        var tier = -points
        func take(_ state: LedgerEntry.State, _ amount: Int, suffix: String = "", pendingOrderId: String? = nil) {
            guard amount > 0 else { return }
            booked.append(book(booking, state, -amount, suffix: suffix, pendingOrderId: pendingOrderId, tierPoints: tier, earnedAt: earnedAt))
            tier = 0
            owed -= amount
        }
        if let orderId = booking.orderId { take(.pending, min(owed, pending(orderId: orderId))) }
        take(.available, min(owed, balance.available))
        if owed > 0 {
            // Other orders' pending points, oldest order first.
            var others: [String] = []
            for entry in entries where entry.state == .pending {
                if let owner = entry.pendingOwner, owner != booking.orderId, !others.contains(owner) { others.append(owner) }
            }
            for other in others where owed > 0 {
                take(.pending, min(owed, pending(orderId: other)), suffix: ":\(other)", pendingOrderId: other)
            }
        }
        take(.debt, owed)
        return booked
    }

    /// Removes the still-pending points of a cancelled order (reason `cancellation`); `tierPoints`
    /// (negative or zero) is what the order still counted towards the tier.
    public mutating func cancel(_ booking: Booking, tierPoints: Int, earnedAt: Date?) -> [LedgerEntry] {
        guard let orderId = booking.orderId, !contains(cause: booking.cause) else { return [] }
        let points = pending(orderId: orderId)
        guard points > 0 || tierPoints != 0 else { return [] }
        return [book(booking, .pending, -points, tierPoints: tierPoints, earnedAt: earnedAt)]
    }

    /// Expires what is left of lot `lotId` (reason `expiry`). Returns the entries.
    public mutating func expire(lotId: String, at: Date) -> [LedgerEntry] {
        guard let lot = lots.first(where: { $0.id == lotId }) else { return [] }
        let booking = Booking(
            cause: "expiry:\(lot.cause)", reason: .expiry, orderId: lot.orderId,
            ruleVersion: entries.first { $0.entryId == lotId }?.ruleVersion ?? "", at: at)
        guard !contains(cause: booking.cause) else { return [] }
        return [book(booking, .available, -lot.remaining, lotId: lotId)]
    }
}
