import Foundation
import PostPurchaseCore

/// The policy's money rules, pure: which lines of a request are approved, and what a return refunds.
///
/// Amounts come from ``ReturnOrder/Line/paid`` (the order's total apportioned over its lines), unit
/// by unit, so the units of all returns of an order can never refund more than was paid for them:
/// each unit is approved for at most one return, and the order's shipping is handed out at most once.
public enum RefundCalculator {
    /// Rejection reasons of `return.rejected` (`items[].reason`).
    public enum RejectionReason {
        /// Requested after the window (30 days from the last delivery by default).
        public static let windowClosed = "window-closed"
        /// The item is tagged `final-sale`.
        public static let finalSale = "final-sale"
        /// Another non-returnable tag, or a non-returnable category (`hygiene`, `gift-card`).
        public static let notReturnable = "not-returnable"
        /// More units than bought minus those earlier returns already cover.
        public static let quantityExceeded = "quantity-exceeded"
        /// The SKU is not in the order.
        public static let unknownItem = "unknown-item"
        /// The order was cancelled (checkout refunds it).
        public static let orderCancelled = "order-cancelled"
    }

    /// What a return refunds, part by part (minor units).
    public struct Breakdown: Sendable, Equatable {
        /// The items' paid amounts after the inspection rule.
        public var items = 0
        /// The restocking fee kept on customer-choice items.
        public var restocking = 0
        /// The return-shipping fee (once per return with a customer-choice item).
        public var fee = 0
        /// The order's shipping handed to this return.
        public var shipping = 0

        /// The refund: items − restocking − fee + shipping, never below zero.
        public var total: Int { max(0, items - restocking - fee + shipping) }
    }

    /// Decides `request` (asked at `requestedAt`) against `order` and takes the approved units and
    /// any shipping share from the order's ledger.
    public static func decide(
        _ request: ReturnRequested, requestedAt: Date, order: inout ReturnOrder, policy: ReturnPolicy, now: Date
    ) -> ReturnCase.Decision {
        var approved: [ReturnCase.ApprovedLine] = []
        var rejected: [ReturnRejected.Item] = []
        let closesAt = order.windowClosesAt(policy)
        for item in request.items {
            func reject(_ reason: String, _ quantity: Int) { rejected.append(.init(sku: item.sku, quantity: quantity, reason: reason)) }
            if order.cancelled { reject(RejectionReason.orderCancelled, item.quantity); continue }
            if let closesAt, requestedAt > closesAt { reject(RejectionReason.windowClosed, item.quantity); continue }
            guard let line = order.line(item.sku) else { reject(RejectionReason.unknownItem, item.quantity); continue }
            if line.tags.contains("final-sale") && policy.nonReturnableTags.contains("final-sale") {
                reject(RejectionReason.finalSale, item.quantity); continue
            }
            if line.tags.contains(where: policy.nonReturnableTags.contains) || policy.nonReturnableCategories.contains(line.category) {
                reject(RejectionReason.notReturnable, item.quantity); continue
            }
            let taken = order.coveredUnits[item.sku, default: 0]
            let quantity = min(item.quantity, line.quantity - taken)
            if quantity > 0 {
                approved.append(.init(sku: item.sku, quantity: quantity, reason: item.reason, firstUnit: taken))
                order.coveredUnits[item.sku] = taken + quantity
                if policy.isFreeReturn(item.reason) { order.freeValue += line.amount(ofUnits: taken..<taken + quantity) }
            }
            if item.quantity > quantity { reject(RejectionReason.quantityExceeded, item.quantity - max(0, quantity)) }
        }
        var shippingShare = 0
        if !approved.isEmpty, order.everyUnitCovered, order.shippingPaid > 0, order.itemsPaid > 0 {
            // The shipping in proportion to the value that came back for a store-fault reason.
            let due = MoneyMath.fraction(order.shippingPaid, times: min(order.freeValue, order.itemsPaid), over: order.itemsPaid).quotient
            shippingShare = max(0, due - order.shippingGranted)
            order.shippingGranted += shippingShare
        }
        let estimate = amount(approved, shippingShare: shippingShare, order: order, policy: policy, inspection: nil).total
        let keepBelow = policy.keepItemBelow[order.currency]
        return ReturnCase.Decision(
            approved: approved, rejected: rejected, shippingShare: shippingShare, estimate: estimate,
            labelRequired: keepBelow.map { estimate >= $0 } ?? true, decidedAt: now)
    }

    /// What the approved `lines` refund: their paid amounts, after the inspection rule when an
    /// `inspection` is given (units it does not mention count as missing), minus restocking and the
    /// return-shipping fee for customer-choice reasons, plus the shipping share unless a unit is missing.
    public static func amount(
        _ lines: [ReturnCase.ApprovedLine], shippingShare: Int, order: ReturnOrder, policy: ReturnPolicy, inspection: ReturnInspected?
    ) -> Breakdown {
        var breakdown = Breakdown()
        var found: [String: [(condition: ItemCondition, count: Int)]] = [:]
        for item in inspection?.items ?? [] where item.quantity > 0 {
            found[item.sku, default: []].append((item.condition, item.quantity))
        }
        var customerChoice = false
        var anyMissing = false
        for line in lines {
            guard let orderLine = order.line(line.sku), line.quantity > 0 else { continue }
            let free = policy.isFreeReturn(line.reason)
            customerChoice = customerChoice || !free
            var payout = 0
            if inspection == nil {
                payout = orderLine.amount(ofUnits: line.firstUnit..<line.firstUnit + line.quantity)
            } else {
                var next = line.firstUnit
                var left = line.quantity
                while left > 0 {
                    var condition = ItemCondition.missing
                    var count = left
                    if var queue = found[line.sku], !queue.isEmpty {
                        condition = queue[0].condition
                        count = min(left, queue[0].count)
                        queue[0].count -= count
                        if queue[0].count == 0 { queue.removeFirst() }
                        found[line.sku] = queue
                    }
                    let units = orderLine.amount(ofUnits: next..<next + count)
                    let percent = refundPercent(condition, free: free, policy: policy)
                    if condition == .missing { anyMissing = true }
                    payout += units - MoneyMath.percent(100 - percent, of: units)
                    next += count
                    left -= count
                }
            }
            breakdown.items += payout
            if !free { breakdown.restocking += MoneyMath.percent(policy.restockingPercent, of: payout) }
        }
        if customerChoice { breakdown.fee = policy.returnShippingFee[order.currency] ?? 0 }
        breakdown.shipping = anyMissing ? 0 : shippingShare
        return breakdown
    }

    /// The inspection rule: percent refunded for a unit in `condition`.
    public static func refundPercent(_ condition: ItemCondition, free: Bool, policy: ReturnPolicy) -> Int {
        switch condition {
        case .resellable: policy.inspection.resellablePercent
        case .damaged: free ? policy.inspection.damagedStoreFaultPercent : policy.inspection.damagedCustomerChoicePercent
        case .missing: policy.inspection.missingPercent
        }
    }
}
