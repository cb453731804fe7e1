import PostPurchaseCore

/// The follow-ups of the template table; the raw value is the contract's template id.
public enum FollowupKind: String, Codable, Sendable, CaseIterable {
    /// "We're preparing your order", at payment.
    case orderPreparing = "order.preparing"
    /// Setup guides for electronics and appliances, per parcel.
    case setupHelp = "followup.setup_help"
    /// Care instructions for apparel, footwear and furniture, per parcel.
    case careInstructions = "followup.care_instructions"
    /// "How do you like it? Need help?", once per order.
    case delightCheck = "followup.delight_check"
    /// A review request at the golden time, per parcel, with the loyalty bonus as incentive.
    case reviewRequest = "followup.review_request"
    /// "Running low?", per item with `replenishAfterDays`.
    case replenishment = "followup.replenishment"
    /// "Since you bought this, you'll like that", per matching rule and order.
    case crossSell = "followup.cross_sell"

    /// The notification template it renders.
    public var template: NotificationTemplate { NotificationTemplate(rawValue: rawValue) }

    /// Its key under `followup.templates` in the configuration.
    public var settingsKey: String {
        switch self {
        case .orderPreparing: "orderPreparing"
        case .setupHelp: "setupHelp"
        case .careInstructions: "careInstructions"
        case .delightCheck: "delightCheck"
        case .reviewRequest: "reviewRequest"
        case .replenishment: "replenishment"
        case .crossSell: "crossSell"
        }
    }

    /// Whether a `return.requested` for the order cancels it.
    public var endsWithReturn: Bool { self == .reviewRequest || self == .crossSell || self == .replenishment }
}
