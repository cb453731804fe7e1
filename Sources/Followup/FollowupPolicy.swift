import Foundation
import PostPurchaseCore

/// The follow-up worker's settings: which follow-ups, when, in which category, and the rules that
/// keep them from being annoying. The `followup:` section of `Config/postpurchase.yaml` is merged
/// over these defaults (see ``validate()`` for the ranges).
public struct FollowupPolicy: Codable, Sendable, Equatable {
    /// When one kind of follow-up is sent, and whether it is transactional or marketing.
    public struct Step: Codable, Sendable, Equatable {
        /// Whether this follow-up is planned at all. Default: true.
        public var enabled: Bool
        /// Days after its trigger (payment or delivery). For `replenishment` it is added to the
        /// item's `replenishAfterDays` (default −5: five days before the item runs out).
        public var delayDays: Double
        /// `transactional` (always sent) or `marketing` (needs consent, at most one per cap window).
        public var category: NotificationCategory
        /// Item categories that trigger it; empty: any item.
        public var itemCategories: [String]

        /// A step.
        public init(enabled: Bool = true, delayDays: Double, category: NotificationCategory, itemCategories: [String] = []) {
            self.enabled = enabled
            self.delayDays = delayDays
            self.category = category
            self.itemCategories = itemCategories
        }
    }

    /// The template table (issue 4 defaults).
    public struct Steps: Codable, Sendable, Equatable {
        /// `order.preparing`, at `order.paid`. Default: at once, transactional.
        public var orderPreparing = Step(delayDays: 0, category: .transactional)
        /// `followup.setup_help`, per parcel. Default: delivery + 1 day, electronics and appliances.
        public var setupHelp = Step(delayDays: 1, category: .transactional, itemCategories: ["electronics", "appliances"])
        /// `followup.care_instructions`, per parcel. Default: delivery + 1 day, apparel, footwear, furniture.
        public var careInstructions = Step(delayDays: 1, category: .transactional, itemCategories: ["apparel", "footwear", "furniture"])
        /// `followup.delight_check`, once per order. Default: (last) delivery + 2 days.
        public var delightCheck = Step(delayDays: 2, category: .transactional)
        /// `followup.review_request`, per parcel. Default: delivery + 4 days, marketing.
        public var reviewRequest = Step(delayDays: 4, category: .marketing)
        /// `followup.replenishment`, per item with `replenishAfterDays`. Default: delivery + replenishAfterDays − 5 days.
        public var replenishment = Step(delayDays: -5, category: .marketing)
        /// `followup.cross_sell`, per matching rule and order. Default: delivery + 7 days, marketing.
        public var crossSell = Step(delayDays: 7, category: .marketing)

        /// The defaults.
        public init() {}

        /// The step of `kind`.
        public subscript(kind: FollowupKind) -> Step {
            switch kind {
            case .orderPreparing: orderPreparing
            case .setupHelp: setupHelp
            case .careInstructions: careInstructions
            case .delightCheck: delightCheck
            case .reviewRequest: reviewRequest
            case .replenishment: replenishment
            case .crossSell: crossSell
            }
        }
    }

    /// Local hours in which no message is sent; a message due inside them gets `sendAt` = the end.
    public struct QuietHours: Codable, Sendable, Equatable {
        /// `HH:mm`, local. Default: `21:00`.
        public var start = "21:00"
        /// `HH:mm`, local. Default: `08:00`.
        public var end = "08:00"

        /// The defaults.
        public init() {}
    }

    /// Links handed to the sender in a notification's `data`. `{orderId}`, `{sku}` (comma-separated
    /// SKUs when there are several) and `{customerId}` are replaced, percent-encoded.
    public struct Links: Codable, Sendable, Equatable {
        /// Where the customer writes a review. Default: `https://shop.example.com/orders/{orderId}/review?sku={sku}`.
        public var review = "https://shop.example.com/orders/{orderId}/review?sku={sku}"
        /// A product page (replenishment, cross-sell). Default: `https://shop.example.com/products/{sku}`.
        public var product = "https://shop.example.com/products/{sku}"
        /// Setup guides. Default: `https://shop.example.com/help/setup?sku={sku}`.
        public var setupGuide = "https://shop.example.com/help/setup?sku={sku}"
        /// Care guides. Default: `https://shop.example.com/help/care?sku={sku}`.
        public var careGuide = "https://shop.example.com/help/care?sku={sku}"
        /// Customer support for the order. Default: `https://shop.example.com/help/contact?order={orderId}`.
        public var support = "https://shop.example.com/help/contact?order={orderId}"

        /// The defaults.
        public init() {}
    }

    /// "Since you bought X, you'll like Y": a bought category or SKU suggests another SKU.
    public struct CrossSellRule: Codable, Sendable, Equatable {
        /// Matches an item of this category.
        public var ifCategory: String?
        /// Matches this SKU.
        public var ifSku: String?
        /// The SKU suggested.
        public var suggestSku: String
        /// Its name per language (`en` at least), e.g. `{en: "Paper filters", ar: "فلاتر ورقية"}`.
        public var suggestName: [String: String]

        /// A rule.
        public init(ifCategory: String? = nil, ifSku: String? = nil, suggestSku: String, suggestName: [String: String]) {
            self.ifCategory = ifCategory
            self.ifSku = ifSku
            self.suggestSku = suggestSku
            self.suggestName = suggestName
        }

        /// Whether `item` triggers the rule.
        public func matches(sku: String, category: String) -> Bool {
            (ifCategory.map { $0.caseInsensitiveCompare(category) == .orderedSame } ?? false) || ifSku == sku
        }
    }

    /// The template table. See ``Steps``.
    public var templates = Steps()
    /// Default: 21:00–08:00 in the customer's IANA zone.
    public var quietHours = QuietHours()
    /// A follow-up overdue by more than this (after an outage or a replay) is skipped. Default: 3 days.
    public var staleAfterDays: Double = 3
    /// At most one marketing message per customer within this many hours. Default: 24.
    public var marketingCapHours: Double = 24
    /// The loyalty review bonus shown as the review request's incentive (0: no incentive). Default: 50.
    public var reviewBonusPoints = 50
    /// Links for the sender. See ``Links``.
    public var links = Links()
    /// Cross-sell rules. Default: coffee → paper filters.
    public var crossSell: [CrossSellRule] = [
        CrossSellRule(ifCategory: "coffee", suggestSku: "FILTER-PAPER-100", suggestName: ["en": "paper coffee filters", "ar": "فلاتر القهوة الورقية"]),
    ]

    /// The defaults.
    public init() {}

    /// `staleAfterDays` in seconds.
    public var staleAfter: TimeInterval { staleAfterDays * 86_400 }
    /// `marketingCapHours` in seconds.
    public var marketingCap: TimeInterval { marketingCapHours * 3_600 }

    /// Checks ranges and formats; throws ``ConfigurationError`` naming the key (`followup.quietHours.start`).
    public func validate() throws {
        _ = try QuietWindow(self)
        for kind in FollowupKind.allCases {
            let step = templates[kind]
            let key = "followup.templates.\(kind.settingsKey).delayDays"
            guard step.delayDays.isFinite, abs(step.delayDays) <= 366 else {
                throw ConfigurationError(key: key, reason: "\(step.delayDays) must be a number of days between -366 and 366")
            }
            if kind != .replenishment && step.delayDays < 0 {
                throw ConfigurationError(key: key, reason: "\(step.delayDays) must not be negative")
            }
        }
        guard staleAfterDays.isFinite, staleAfterDays > 0 else {
            throw ConfigurationError(key: "followup.staleAfterDays", reason: "\(staleAfterDays) must be greater than 0")
        }
        guard marketingCapHours.isFinite, marketingCapHours >= 0, marketingCapHours <= 24 * 31 else {
            throw ConfigurationError(key: "followup.marketingCapHours", reason: "\(marketingCapHours) must be between 0 and 744")
        }
        guard reviewBonusPoints >= 0 else {
            throw ConfigurationError(key: "followup.reviewBonusPoints", reason: "\(reviewBonusPoints) must not be negative")
        }
        for (name, template) in [("review", links.review), ("product", links.product), ("setupGuide", links.setupGuide),
                                 ("careGuide", links.careGuide), ("support", links.support)] where !template.isEmpty {
            guard let url = URL(string: template.replacingOccurrences(of: "{", with: "").replacingOccurrences(of: "}", with: "")),
                  url.scheme != nil
            else { throw ConfigurationError(key: "followup.links.\(name)", reason: "'\(template)' is not an absolute URL") }
        }
        for (index, rule) in crossSell.enumerated() {
            let key = "followup.crossSell[\(index)]"
            if rule.ifCategory == nil && rule.ifSku == nil {
                throw ConfigurationError(key: key, reason: "needs ifCategory or ifSku")
            }
            if rule.suggestSku.isEmpty { throw ConfigurationError(key: key + ".suggestSku", reason: "must not be empty") }
            if rule.suggestName["en"]?.isEmpty ?? true {
                throw ConfigurationError(key: key + ".suggestName.en", reason: "an English name is required")
            }
        }
    }
}
