import Foundation
import PostPurchaseCore

/// The store's returns policy: the `returns:` section of `Config/postpurchase.yaml`.
///
/// Every property has the default, so an empty section means the default policy. Money
/// settings are integer minor units per ISO 4217 currency (`SAR: 1500` is SAR 15.00), because one
/// store may sell in several currencies and a fee in one currency means nothing in another.
public struct ReturnPolicy: Codable, Sendable, Equatable {
    /// When the money (refund) is requested from the payment service.
    public enum RefundTrigger: String, Codable, Sendable, CaseIterable {
        /// At the return parcel's first carrier scan (fastest, most trust).
        case firstScan = "first_scan"
        /// When the return parcel is delivered back to the store.
        case delivered
        /// When the warehouse has inspected the items (`return.inspected`); the amount follows the
        /// ``InspectionRule``.
        case inspected
    }

    /// How much of an item's paid amount is refunded, by the condition the inspection found.
    public struct InspectionRule: Codable, Sendable, Equatable {
        /// Percent refunded for a unit found `resellable`. Default: 100.
        public var resellablePercent = 100
        /// Percent refunded for a unit found `damaged` (by the customer) when the customer's reason
        /// was not a store fault (`changed-mind`, `doesnt-fit`, `other`). Default: 50.
        public var damagedCustomerChoicePercent = 50
        /// Percent refunded for a unit found `damaged` when the reason was a store fault
        /// (`damaged`, `wrong-item`, `not-as-described`): it arrived that way. Default: 100.
        public var damagedStoreFaultPercent = 100
        /// Percent refunded for a unit that was `missing` from the parcel (also for approved units
        /// the inspection does not mention). Default: 0.
        public var missingPercent = 0

        /// The defaults.
        public init() {}
    }

    /// Days after the delivery of the order's **last** parcel (`order.delivered`) during which a
    /// return may be requested. Default: 30.
    public var windowDays = 30
    /// Items with one of these tags cannot be returned. Default: `final-sale`.
    public var nonReturnableTags = ["final-sale"]
    /// Items of these categories cannot be returned. Default: `hygiene`, `gift-card`.
    public var nonReturnableCategories = ["hygiene", "gift-card"]
    /// Reasons that are the store's fault: free return, full price, and the order's shipping in
    /// proportion once every item of the order comes back. Every other reason is the customer's
    /// choice and pays ``returnShippingFee`` and ``restockingPercent``.
    /// Default: `damaged`, `wrong-item`, `not-as-described`.
    public var freeReturnReasons: [ReturnReason] = [.damaged, .wrongItem, .notAsDescribed]
    /// Deducted once per return that holds a customer-choice item, in minor units by currency.
    /// Default: none (free).
    public var returnShippingFee: [String: Int] = [:]
    /// Percent of a customer-choice item's refund kept as a restocking fee. Default: 0.
    public var restockingPercent = 0
    /// When a refund is requested. Default: `inspected`.
    public var refundTrigger = RefundTrigger.inspected
    /// What an inspected item in each condition refunds (with the `inspected` trigger).
    public var inspection = InspectionRule()
    /// Extra store credit, in percent of the credit, for choosing `store-credit`. Default: 10.
    public var storeCreditBonusPercent = 10
    /// Returns whose refund estimate is below this amount (minor units by currency) are approved
    /// without a label: the customer keeps the item and the refund is requested at once.
    /// Default: none (every return needs a label).
    public var keepItemBelow: [String: Int] = [:]
    /// How long a return (or a later event of it) waits for its order's `order.paid` or its
    /// `return.requested` before it is dead-lettered (`unknown-order` / `unknown-return`). Default: 24.
    public var parkingHours = 24.0
    /// At most this many records are parked for one return; more are dead-lettered at once. Default: 16.
    public var maxParkedPerReturn = 16

    /// The default policy.
    public init() {}

    /// How long the return window stays open after the last delivery.
    public var window: TimeInterval { TimeInterval(windowDays) * 86_400 }
    /// How long a record is parked.
    public var parkingTimeout: TimeInterval { parkingHours * 3_600 }

    /// Whether `reason` is the store's fault (free return).
    public func isFreeReturn(_ reason: ReturnReason) -> Bool { freeReturnReasons.contains(reason) }

    /// Checks the ranges a YAML type check cannot: throws naming the key, e.g. `returns.restockingPercent`.
    public func validate(section: String = "returns") throws {
        func percent(_ value: Int, _ key: String) throws {
            guard (0...100).contains(value) else {
                throw ConfigurationError(key: "\(section).\(key)", reason: "\(value) is not a percentage between 0 and 100")
            }
        }
        guard (1...3_650).contains(windowDays) else {
            throw ConfigurationError(key: "\(section).windowDays", reason: "\(windowDays) is not between 1 and 3650 days")
        }
        try percent(restockingPercent, "restockingPercent")
        try percent(inspection.resellablePercent, "inspection.resellablePercent")
        try percent(inspection.damagedCustomerChoicePercent, "inspection.damagedCustomerChoicePercent")
        try percent(inspection.damagedStoreFaultPercent, "inspection.damagedStoreFaultPercent")
        try percent(inspection.missingPercent, "inspection.missingPercent")
        guard (0...1_000).contains(storeCreditBonusPercent) else {
            throw ConfigurationError(key: "\(section).storeCreditBonusPercent", reason: "\(storeCreditBonusPercent) is not between 0 and 1000")
        }
        for (name, amounts) in [("returnShippingFee", returnShippingFee), ("keepItemBelow", keepItemBelow)] {
            for (currency, amount) in amounts.sorted(by: { $0.key < $1.key }) {
                guard currency.utf8.count == 3, currency.utf8.allSatisfy({ (65...90).contains($0) }) else {
                    throw ConfigurationError(key: "\(section).\(name).\(currency)", reason: "'\(currency)' is not an upper-case ISO 4217 code")
                }
                guard amount >= 0 else {
                    throw ConfigurationError(key: "\(section).\(name).\(currency)", reason: "\(amount) is negative (amounts are minor units)")
                }
            }
        }
        guard parkingHours > 0, parkingHours.isFinite, parkingHours <= 24 * 90 else {
            throw ConfigurationError(key: "\(section).parkingHours", reason: "\(parkingHours) is not between 0 and 2160 hours")
        }
        guard (1...1_000).contains(maxParkedPerReturn) else {
            throw ConfigurationError(key: "\(section).maxParkedPerReturn", reason: "\(maxParkedPerReturn) is not between 1 and 1000")
        }
    }
}
