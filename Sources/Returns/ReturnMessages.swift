import Foundation
import PostPurchaseCore

/// The returns worker's customer messages and their template variables.
///
/// Every template may use `customerName`, `orderId`, `returnId` and `items` (the items concerned,
/// `name × quantity`, joined for the customer's language). Besides:
/// - `return.approved`: `refundEstimate`; one of the flags `refund`, `storeCredit` (with
///   `bonusPercent`), `exchange` (with `exchangeSku`); `keepItem` (no label: the customer keeps the
///   item), `labelPending` (a label is on its way), `hasLabel` with `labelUrl`, `carrier`,
///   `trackingNumber` (the second message, when the label exists); `refundOnScan`,
///   `refundOnDelivery`, `refundAfterInspection` (when the money follows); `partial` (other items
///   were rejected, see `return.rejected`).
/// - `return.rejected`: one group per reason, each with its `items`: `windowClosed` (with
///   `closedOn`), `finalSale`, `notReturnable`, `quantityExceeded`, `unknownItem`, `orderCancelled`;
///   `partial` (other items were approved).
/// - `return.received`: `refundAfterInspection` (the refund follows the inspection), `refundUnderway`
///   (already requested), `storeCredit`, `exchange` (already issued).
/// - `refund.issued`: `amount`.
/// - `storecredit.issued`: `amount`, `bonus`, `total`.
public enum ReturnMessages {
    /// The templates the returns worker renders; start-up fails if one is missing.
    public static let templates: [NotificationTemplate] = [
        .returnApproved, .returnRejected, .returnReceived, .refundIssued, .storeCreditIssued,
    ]

    /// The approval (`label` given: the second message, with the label link).
    public static func approved(
        _ item: ReturnCase, decision: ReturnCase.Decision, order: ReturnOrder, policy: ReturnPolicy,
        label: ReturnLabelCreated?, recipient: NotificationRecipient, now: Date
    ) -> NotificationDraft {
        var values = base(item, recipient: recipient)
        values["items"] = .text(list(decision.approved.map { ($0.sku, $0.quantity) }, order: order, locale: recipient.locale))
        values["refundEstimate"] = .text(MoneyText.format(decision.estimate, currency: order.currency))
        let resolution = item.request?.resolution ?? .refund
        values["refund"] = .flag(resolution == .refund)
        values["storeCredit"] = .flag(resolution == .storeCredit)
        values["exchange"] = .flag(resolution == .exchange)
        if resolution == .storeCredit { values["bonusPercent"] = .number(policy.storeCreditBonusPercent) }
        if let sku = item.request?.exchangeSku { values["exchangeSku"] = .text(sku) }
        values["keepItem"] = .flag(!decision.labelRequired)
        values["labelPending"] = .flag(decision.labelRequired && label == nil)
        values["hasLabel"] = .flag(label != nil)
        if let label {
            values["labelUrl"] = .text(label.labelUrl)
            values["carrier"] = .text(label.carrier)
            values["trackingNumber"] = .text(label.trackingNumber)
        }
        let refund = resolution == .refund && decision.labelRequired
        values["refundOnScan"] = .flag(refund && policy.refundTrigger == .firstScan)
        values["refundOnDelivery"] = .flag(refund && policy.refundTrigger == .delivered)
        values["refundAfterInspection"] = .flag(refund && policy.refundTrigger == .inspected)
        values["partial"] = .flag(!decision.rejected.isEmpty)
        let cause = label == nil ? "return.approved:\(item.orderId):\(item.returnId)" : "return.approved.label:\(item.orderId):\(item.returnId)"
        return draft(.returnApproved, cause: cause, item: item, recipient: recipient, now: now, values: values)
    }

    /// The rejection of some or all items, with the reason and what the customer can do instead.
    public static func rejected(
        _ item: ReturnCase, decision: ReturnCase.Decision, order: ReturnOrder, policy: ReturnPolicy, recipient: NotificationRecipient, now: Date
    ) -> NotificationDraft {
        var values = base(item, recipient: recipient)
        values["items"] = .text(list(decision.rejected.map { ($0.sku, $0.quantity ?? 1) }, order: order, locale: recipient.locale))
        let groups: [(String, String)] = [
            (RefundCalculator.RejectionReason.windowClosed, "windowClosed"), (RefundCalculator.RejectionReason.finalSale, "finalSale"),
            (RefundCalculator.RejectionReason.notReturnable, "notReturnable"),
            (RefundCalculator.RejectionReason.quantityExceeded, "quantityExceeded"),
            (RefundCalculator.RejectionReason.unknownItem, "unknownItem"), (RefundCalculator.RejectionReason.orderCancelled, "orderCancelled"),
        ]
        for (reason, name) in groups {
            let lines = decision.rejected.filter { $0.reason == reason }
            guard !lines.isEmpty else { continue }
            var group: [String: NotificationValue] = [
                "items": .text(list(lines.map { ($0.sku, $0.quantity ?? 1) }, order: order, locale: recipient.locale)),
            ]
            if reason == RefundCalculator.RejectionReason.windowClosed, let closesAt = order.windowClosesAt(policy) {
                group["closedOn"] = .date(closesAt)
                group["windowDays"] = .number(policy.windowDays)
            }
            values[name] = .group(group)
        }
        values["partial"] = .flag(decision.isApproved)
        return draft(.returnRejected, cause: "return.rejected:\(item.orderId):\(item.returnId)", item: item, recipient: recipient, now: now, values: values)
    }

    /// The parcel is back at the store.
    public static func received(
        _ item: ReturnCase, decision: ReturnCase.Decision, order: ReturnOrder, policy: ReturnPolicy, recipient: NotificationRecipient, now: Date
    ) -> NotificationDraft {
        var values = base(item, recipient: recipient)
        values["items"] = .text(list(decision.approved.map { ($0.sku, $0.quantity) }, order: order, locale: recipient.locale))
        let resolution = item.request?.resolution ?? .refund
        values["refundAfterInspection"] = .flag(resolution == .refund && policy.refundTrigger == .inspected && item.settlement == nil)
        values["refundUnderway"] = .flag(resolution == .refund && item.settlement?.status == .requested)
        values["storeCredit"] = .flag(resolution == .storeCredit && item.settlement != nil)
        values["exchange"] = .flag(resolution == .exchange && item.settlement != nil)
        return draft(.returnReceived, cause: "return.received:\(item.orderId):\(item.returnId)", item: item, recipient: recipient, now: now, values: values)
    }

    /// The payment service paid the refund.
    public static func refundIssued(
        _ item: ReturnCase, amount: Money, order: ReturnOrder, recipient: NotificationRecipient, now: Date
    ) -> NotificationDraft {
        var values = base(item, recipient: recipient)
        values["amount"] = .text(MoneyText.format(amount))
        if let decision = item.decision {
            values["items"] = .text(list(decision.approved.map { ($0.sku, $0.quantity) }, order: order, locale: recipient.locale))
        }
        return draft(.refundIssued, cause: "refund.issued:\(item.orderId):\(item.returnId)", item: item, recipient: recipient, now: now, values: values)
    }

    /// Store credit was issued.
    public static func storeCreditIssued(
        _ item: ReturnCase, credit: StoreCreditIssued, order: ReturnOrder, recipient: NotificationRecipient, now: Date
    ) -> NotificationDraft {
        var values = base(item, recipient: recipient)
        values["amount"] = .text(MoneyText.format(credit.amount))
        values["bonus"] = .text(MoneyText.format(credit.bonus))
        values["hasBonus"] = .flag(credit.bonus.amount > 0)
        values["total"] = .text(MoneyText.format(credit.amount.amount + credit.bonus.amount, currency: credit.amount.currency))
        if let decision = item.decision {
            values["items"] = .text(list(decision.approved.map { ($0.sku, $0.quantity) }, order: order, locale: recipient.locale))
        }
        return draft(
            .storeCreditIssued, cause: "storecredit.issued:\(item.orderId):\(item.returnId)", item: item, recipient: recipient, now: now, values: values)
    }

    private static func base(_ item: ReturnCase, recipient: NotificationRecipient) -> [String: NotificationValue] {
        ["orderId": .text(item.orderId), "returnId": .text(item.returnId)]
    }

    private static func draft(
        _ template: NotificationTemplate, cause: String, item: ReturnCase, recipient: NotificationRecipient, now: Date,
        values: [String: NotificationValue]
    ) -> NotificationDraft {
        NotificationDraft(
            template: template, recipient: recipient, orderId: item.orderId, cause: cause, category: .transactional, sendAt: now, values: values)
    }

    /// `Lamp × 2, Mug` (with the Arabic comma for Arabic), item names from the order.
    static func list(_ items: [(sku: String, quantity: Int)], order: ReturnOrder, locale: String) -> String {
        let separator = locale.lowercased().hasPrefix("ar") ? "، " : ", "
        return items.map { sku, quantity in
            let name = order.line(sku)?.name ?? sku
            return quantity > 1 ? "\(name) × \(quantity)" : name
        }.joined(separator: separator)
    }
}
