/// A notification template id; the ids are part of the contract.
///
/// Templates live in `Config/templates/<id>.<language>.mustache` (see ``NotificationComposer``).
public struct NotificationTemplate: RawRepresentable, Codable, Sendable, Hashable, CustomStringConvertible {
    public var rawValue: String
    /// A template id.
    public init(rawValue: String) { self.rawValue = rawValue }
    public var description: String { rawValue }

    public init(from decoder: any Decoder) throws {
        rawValue = try decoder.singleValueContainer().decode(String.self)
    }

    public func encode(to encoder: any Encoder) throws {
        var container = encoder.singleValueContainer()
        try container.encode(rawValue)
    }

    /// `order.preparing`.
    public static let orderPreparing = Self(rawValue: "order.preparing")
    /// `shipment.in_transit`.
    public static let shipmentInTransit = Self(rawValue: "shipment.in_transit")
    /// `shipment.out_for_delivery`.
    public static let shipmentOutForDelivery = Self(rawValue: "shipment.out_for_delivery")
    /// `shipment.available_for_pickup`.
    public static let shipmentAvailableForPickup = Self(rawValue: "shipment.available_for_pickup")
    /// `shipment.attempt_failed`.
    public static let shipmentAttemptFailed = Self(rawValue: "shipment.attempt_failed")
    /// `shipment.delayed`.
    public static let shipmentDelayed = Self(rawValue: "shipment.delayed")
    /// `shipment.delivered`.
    public static let shipmentDelivered = Self(rawValue: "shipment.delivered")
    /// `followup.delight_check`.
    public static let followupDelightCheck = Self(rawValue: "followup.delight_check")
    /// `followup.setup_help`.
    public static let followupSetupHelp = Self(rawValue: "followup.setup_help")
    /// `followup.care_instructions`.
    public static let followupCareInstructions = Self(rawValue: "followup.care_instructions")
    /// `followup.review_request`.
    public static let followupReviewRequest = Self(rawValue: "followup.review_request")
    /// `followup.replenishment`.
    public static let followupReplenishment = Self(rawValue: "followup.replenishment")
    /// `followup.cross_sell`.
    public static let followupCrossSell = Self(rawValue: "followup.cross_sell")
    /// `return.approved`.
    public static let returnApproved = Self(rawValue: "return.approved")
    /// `return.rejected`.
    public static let returnRejected = Self(rawValue: "return.rejected")
    /// `return.received`.
    public static let returnReceived = Self(rawValue: "return.received")
    /// `refund.issued`.
    public static let refundIssued = Self(rawValue: "refund.issued")
    /// `storecredit.issued`.
    public static let storeCreditIssued = Self(rawValue: "storecredit.issued")
    /// `loyalty.points_earned`.
    public static let loyaltyPointsEarned = Self(rawValue: "loyalty.points_earned")
    /// `loyalty.points_reversed`.
    public static let loyaltyPointsReversed = Self(rawValue: "loyalty.points_reversed")
    /// `loyalty.goodwill_granted`.
    public static let loyaltyGoodwillGranted = Self(rawValue: "loyalty.goodwill_granted")
    /// `loyalty.tier_changed`.
    public static let loyaltyTierChanged = Self(rawValue: "loyalty.tier_changed")
    /// `loyalty.points_expiring`.
    public static let loyaltyPointsExpiring = Self(rawValue: "loyalty.points_expiring")

    /// Every template id of contract v1.
    public static let all: [NotificationTemplate] = [
        .orderPreparing, .shipmentInTransit, .shipmentOutForDelivery, .shipmentAvailableForPickup, .shipmentAttemptFailed,
        .shipmentDelayed, .shipmentDelivered, .followupDelightCheck, .followupSetupHelp, .followupCareInstructions,
        .followupReviewRequest, .followupReplenishment, .followupCrossSell, .returnApproved, .returnRejected,
        .returnReceived, .refundIssued, .storeCreditIssued, .loyaltyPointsEarned, .loyaltyPointsReversed,
        .loyaltyGoodwillGranted, .loyaltyTierChanged, .loyaltyPointsExpiring,
    ]
}
