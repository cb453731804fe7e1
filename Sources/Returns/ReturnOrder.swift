import Foundation
import PostPurchaseCore

/// What the returns worker knows about one order: what was bought and paid (from `order.paid`),
/// when its last parcel arrived (`order.delivered`), and the money ledger across all its returns.
///
/// The ledger is what keeps the money invariants: ``coveredUnits`` bounds the quantities every
/// later return may take, ``shippingGranted`` hands the shipping out at most once, and
/// ``committed`` (refunds and store credit requested so far) never exceeds ``paidTotal``.
public struct ReturnOrder: StoredEntity, Equatable {
    public static let namespace = "returns.order"

    /// One SKU of the order, with what was paid for it.
    public struct Line: Codable, Sendable, Equatable {
        /// Stock keeping unit (lines of the same SKU are merged).
        public var sku: String
        /// Item name as shown to the customer.
        public var name: String
        /// Store category.
        public var category: String
        /// Tags, e.g. `final-sale`.
        public var tags: [String]
        /// Units bought.
        public var quantity: Int
        /// The share of the order's `total` paid for all units of this SKU (minor units): the total
        /// apportioned over lines and shipping by list value, largest remainder first.
        public var paid: Int

        /// What unit `index` (0-based) of this line cost: the line's amount split into `quantity`
        /// parts that differ by at most one minor unit and sum exactly to ``paid``; the first
        /// `paid % quantity` units carry the extra unit.
        public func unitAmount(_ index: Int) -> Int {
            paid / quantity + (index < paid % quantity ? 1 : 0)
        }

        /// The sum of units `range` (0-based, within `0..<quantity`).
        public func amount(ofUnits range: Range<Int>) -> Int {
            guard !range.isEmpty else { return 0 }
            let extra = paid % quantity
            let withExtra = max(0, min(range.upperBound, extra) - min(range.lowerBound, extra))
            return range.count * (paid / quantity) + withExtra
        }
    }

    /// The store's order id.
    public var orderId: String
    /// When `order.paid` was seen; `nil` while only later facts (e.g. `order.delivered`) are known.
    public var paidAt: Date?
    /// Who paid.
    public var customerId: String?
    /// ISO 4217 currency of every amount of the order.
    public var currency: String
    /// What was bought, one entry per SKU, in the order of `order.paid`.
    public var lines: [Line]
    /// The part of the total paid for shipping (minor units).
    public var shippingPaid: Int
    /// The order's `total` (minor units): the ceiling of all refunds and credit.
    public var paidTotal: Int
    /// When the order's last parcel was delivered (`order.delivered`): the window starts here.
    public var deliveredAt: Date?
    /// `order.cancelled` was seen: checkout refunds it, so returns are refused and nothing more is refunded.
    public var cancelled: Bool
    /// Units of each SKU taken by approved returns.
    public var coveredUnits: [String: Int]
    /// The paid amount of units approved for a free (store-fault) reason, across all returns.
    public var freeValue: Int
    /// Shipping already handed to a return's refund.
    public var shippingGranted: Int
    /// Refunds and store credit (without bonus) requested so far; never above ``paidTotal``.
    public var committed: Int
    /// The order's returns known so far, in arrival order (so no key scan is needed to find them).
    public var returnIds: [String]

    /// An order known only by id.
    public init(orderId: String) {
        self.orderId = orderId
        currency = ""
        lines = []
        shippingPaid = 0
        paidTotal = 0
        cancelled = false
        coveredUnits = [:]
        freeValue = 0
        shippingGranted = 0
        committed = 0
        returnIds = []
    }

    /// What is still refundable: the total paid minus refunds and credit already requested.
    public var refundable: Int { max(0, paidTotal - committed) }

    /// Whether `order.paid` was seen.
    public var isPaid: Bool { paidAt != nil }

    /// The line of `sku`.
    public func line(_ sku: String) -> Line? { lines.first { $0.sku == sku } }

    /// Sum of what was paid for the items (without shipping).
    public var itemsPaid: Int { lines.reduce(0) { $0 + $1.paid } }

    /// Whether approved returns cover every unit of the order.
    public var everyUnitCovered: Bool { lines.allSatisfy { coveredUnits[$0.sku, default: 0] >= $0.quantity } }

    /// When the return window closes, once the last parcel's delivery is known.
    public func windowClosesAt(_ policy: ReturnPolicy) -> Date? { deliveredAt.map { $0.addingTimeInterval(policy.window) } }

    /// Records `order.paid`: lines merged by SKU and the total apportioned over them and the shipping.
    /// Throws for an order whose amounts are not all in the total's currency.
    public mutating func record(_ paid: OrderPaid) throws {
        let currency = paid.total.currency
        var merged: [Line] = []
        var values: [Int] = []
        for (index, item) in paid.items.enumerated() {
            guard item.unitPrice.currency == currency else {
                throw EventRejection(
                    field: "data.items[\(index)].unitPrice.currency",
                    reason: "'\(item.unitPrice.currency)' differs from the total's currency '\(currency)'", code: .invalidData)
            }
            guard item.quantity > 0 else {
                throw EventRejection(field: "data.items[\(index)].quantity", reason: "must be at least 1", code: .invalidData)
            }
            let (value, overflow) = item.unitPrice.amount.multipliedReportingOverflow(by: item.quantity)
            guard !overflow else {
                throw EventRejection(field: "data.items[\(index)].unitPrice.amount", reason: "quantity × unit price overflows", code: .invalidData)
            }
            if let existing = merged.firstIndex(where: { $0.sku == item.sku }) {
                merged[existing].quantity += item.quantity
                merged[existing].tags = Array(Set(merged[existing].tags + (item.tags ?? []))).sorted()
                values[existing] += value
            } else {
                merged.append(Line(sku: item.sku, name: item.name, category: item.category, tags: item.tags ?? [], quantity: item.quantity, paid: 0))
                values.append(value)
            }
        }
        if let shipping = paid.shipping, shipping.currency != currency {
            throw EventRejection(
                field: "data.shipping.currency", reason: "'\(shipping.currency)' differs from the total's currency '\(currency)'", code: .invalidData)
        }
        let (_, overflow) = values.reduce((0, false)) { sum, value in
            let (next, overflow) = sum.0.addingReportingOverflow(value)
            return (next, sum.1 || overflow)
        }
        if overflow || values.reduce(0, { $0 &+ $1 }).addingReportingOverflow(paid.shipping?.amount ?? 0).overflow {
            throw EventRejection(field: "data.items", reason: "the order's amounts overflow", code: .invalidData)
        }
        let shares = MoneyMath.apportion(paid.total.amount, weights: values + [paid.shipping?.amount ?? 0])
        for index in merged.indices { merged[index].paid = shares[index] }
        self.currency = currency
        lines = merged
        shippingPaid = shares[merged.count]
        paidTotal = paid.total.amount
        customerId = paid.customer.id
        paidAt = paid.paidAt
    }
}
