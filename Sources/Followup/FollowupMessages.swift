import Foundation
import PostPurchaseCore

/// The template variables of the follow-up messages.
///
/// Every template may use `customerName`, `orderId`, `items` (the item names as one phrase, e.g.
/// "Kettle and Grinder"), `itemCount` and the flag `manyItems`. Besides:
/// - `followup.setup_help` / `followup.care_instructions`: `guideUrl`, `sku`, `skus`;
/// - `followup.delight_check`: `supportUrl`;
/// - `followup.review_request`: `reviewUrl`, `sku`, `skus`, `bonusPoints` with the flag `hasBonus`;
/// - `followup.replenishment`: `productUrl`, `sku`;
/// - `followup.cross_sell`: `sku` (bought), `crossSellSku`, `crossSellName`, `crossSellUrl`;
/// - `order.preparing`: `paidAt` (a date).
///
/// The same values are in the notification's `data`, for senders that render their own.
public enum FollowupMessages {
    /// The templates the worker renders; start-up fails if one is missing.
    public static let templates: [NotificationTemplate] = FollowupKind.allCases.map(\.template)

    /// The draft of `followup` for `customer`, to be sent at `sendAt`.
    public static func draft(
        _ followup: Followup, order: FollowupOrder, customer: FollowupCustomer, policy: FollowupPolicy, sendAt: Date
    ) -> NotificationDraft {
        let recipient = customer.recipient
        let arabic = recipient.locale.lowercased().hasPrefix("ar")
        let names = order.names(followup.skus)
        var values: [String: NotificationValue] = [
            "orderId": .text(followup.orderId),
            "itemCount": .number(max(names.count, 1)),
            "manyItems": .flag(names.count > 1),
        ]
        if !names.isEmpty { values["items"] = .text(phrase(names, arabic: arabic)) }
        let skuList = followup.skus.joined(separator: ",")
        if let first = followup.skus.first {
            values["sku"] = .text(first)
            values["skus"] = .text(skuList)
        }
        func link(_ template: String, sku: String) -> NotificationValue {
            .text(fill(template, orderId: followup.orderId, sku: sku, customerId: followup.customerId))
        }
        switch followup.kind {
        case .orderPreparing:
            if let paidAt = order.paidAt { values["paidAt"] = .date(paidAt) }
        case .setupHelp:
            values["guideUrl"] = link(policy.links.setupGuide, sku: skuList)
        case .careInstructions:
            values["guideUrl"] = link(policy.links.careGuide, sku: skuList)
        case .delightCheck:
            values["supportUrl"] = link(policy.links.support, sku: skuList)
        case .reviewRequest:
            values["reviewUrl"] = link(policy.links.review, sku: skuList)
            values["hasBonus"] = .flag(policy.reviewBonusPoints > 0)
            if policy.reviewBonusPoints > 0 { values["bonusPoints"] = .number(policy.reviewBonusPoints) }
        case .replenishment:
            values["productUrl"] = link(policy.links.product, sku: skuList)
        case .crossSell:
            if let suggested = followup.suggestSku {
                values["crossSellSku"] = .text(suggested)
                values["crossSellUrl"] = link(policy.links.product, sku: suggested)
                if let rule = policy.crossSell.first(where: { $0.suggestSku == suggested }) {
                    let language = recipient.locale.split(separator: "-").first.map(String.init) ?? "en"
                    values["crossSellName"] = .text(rule.suggestName[recipient.locale] ?? rule.suggestName[language] ?? rule.suggestName["en"] ?? suggested)
                }
            }
        }
        return NotificationDraft(
            template: followup.kind.template, recipient: recipient, orderId: followup.orderId, cause: followup.cause,
            category: policy.templates[followup.kind].category, sendAt: sendAt, values: values)
    }

    /// "A", "A and B", "A, B and C" (Arabic: "A وB", "A، B وC").
    static func phrase(_ names: [String], arabic: Bool) -> String {
        guard names.count > 1 else { return names.first ?? "" }
        let head = names.dropLast().joined(separator: arabic ? "، " : ", ")
        return arabic ? "\(head) و\(names.last!)" : "\(head) and \(names.last!)"
    }

    /// A link template with `{orderId}`, `{sku}` and `{customerId}` replaced, percent-encoded.
    static func fill(_ template: String, orderId: String, sku: String, customerId: String) -> String {
        var allowed = CharacterSet.urlQueryAllowed
        allowed.remove(charactersIn: "&=?#+/")
        allowed.insert(",")
        func encoded(_ text: String) -> String { text.addingPercentEncoding(withAllowedCharacters: allowed) ?? text }
        return template
            .replacingOccurrences(of: "{orderId}", with: encoded(orderId))
            .replacingOccurrences(of: "{sku}", with: encoded(sku))
            .replacingOccurrences(of: "{customerId}", with: encoded(customerId))
    }
}
