import Foundation
import PostPurchaseCore

/// What the loyalty worker knows about one order, stored under the order id: what it earned and
/// under which rules, its delivery, returns, refunds and the grants already made for it.
///
/// Inputs about an order may arrive in any order (the worker reads three topics), so facts are
/// recorded as they come and the points are booked once enough is known (a refund that arrives
/// before `order.paid` waits here, then is applied).
public struct LoyaltyOrder: StoredEntity, Equatable {
    public static let namespace = "loyalty.order"

    /// What is known about one return of the order.
    public struct ReturnProgress: Codable, Sendable, Equatable {
        /// The returns worker approved (part of) it.
        public var approved = false
        /// The returns worker rejected (part of) it.
        public var rejected = false
        /// Settled: refunded (`refund.completed`), credited (`storecredit.issued`) or exchanged.
        public var settled = false

        /// A return is open until it is settled, or rejected with nothing approved.
        public var isOpen: Bool { !settled && !(rejected && !approved) }
    }

    /// A refund or store credit waiting for `order.paid`.
    public struct ParkedRefund: Codable, Sendable, Equatable {
        /// `refund:<refundId>` or `credit:<creditId>`.
        public var id: String
        /// The amount refunded or credited for the items.
        public var amount: Money
        /// Whether it was store credit.
        public var storeCredit: Bool
        /// The input as read, to dead-letter if it proves invalid once the order is known.
        public var record: KafkaRecord?
    }

    /// The order id.
    public var orderId: String
    /// The buyer, once `order.paid` (or a review or credit naming them) arrived.
    public var customerId: String?
    /// Whether `order.paid` was booked.
    public var paid = false
    /// The items' total (shipping excluded) the points were earned on.
    public var itemsTotal: Money?
    /// The purchase points earned.
    public var points = 0
    /// The rules they were earned under.
    public var ruleVersion: String?
    /// When they were booked.
    public var earnedAt: Date?
    /// When `order.delivered` said the last parcel arrived.
    public var deliveredAt: Date?
    /// Cancelled (`order.cancelled`).
    public var cancelled = false
    /// The purchase points were confirmed.
    public var confirmed = false
    /// Returns by returnId.
    public var returns: [String: ReturnProgress] = [:]
    /// Refunds and credits already reversed (`refund:<id>`, `credit:<id>`).
    public var reversals: [String] = []
    /// The sum refunded or credited so far (minor units), to reverse proportionally and cumulatively.
    public var refunded = 0
    /// Purchase points taken back so far (reversals and cancellation).
    public var reversedPoints = 0
    /// Refunds that arrived before `order.paid`.
    public var parkedRefunds: [ParkedRefund] = []
    /// The review bonus was granted.
    public var reviewBonusGranted = false
    /// The service-recovery bonus was granted.
    public var serviceRecoveryGranted = false
    /// A delay arrived before `order.paid`: grant it once the customer is known.
    public var delayAwaitingPayment = false

    /// Nothing known yet.
    public init(orderId: String) {
        self.orderId = orderId
    }

    /// Whether any return of the order is still open.
    public var hasOpenReturn: Bool { returns.values.contains { $0.isOpen } }
}
