import Foundation
import PostPurchaseCore

/// One order's story, decided up front: who buys what, how the parcels travel, and what the
/// customer does afterwards. The demo draws journeys at random; the end-to-end tests script them.
public struct Journey: Sendable {
    /// How a parcel travels.
    public enum Parcel: String, Sendable, CaseIterable {
        case onTime = "on time"
        case late = "late: promise missed"
        case exception = "hit a carrier exception"
        case attemptFailed = "first delivery attempt failed"
        case pickup = "collected from a pickup point"
    }

    /// A return the customer asks for.
    public struct Return: Sendable {
        /// Indexes into the order's items, with the reason.
        public var items: [(index: Int, reason: ReturnReason)]
        public var resolution: ReturnResolution
        /// Days after the last delivery.
        public var afterDays: Double
        /// What the warehouse finds, per returned item (default: resellable).
        public var conditions: [ItemCondition]

        public init(items: [(index: Int, reason: ReturnReason)], resolution: ReturnResolution, afterDays: Double = 3, conditions: [ItemCondition] = []) {
            self.items = items
            self.resolution = resolution
            self.afterDays = afterDays
            self.conditions = conditions
        }
    }

    public var orderNumber: Int
    public var customer: DemoCatalog.Customer
    public var customerId: String
    public var marketingConsent: Bool
    /// Products and quantities.
    public var items: [(product: DemoCatalog.Product, quantity: Int)]
    /// Item indexes per parcel, with how each parcel travels; empty when cancelled before shipping.
    public var parcels: [(items: [Int], travel: Parcel)]
    /// Hours after midnight UTC of day one when the order is paid.
    public var paidAtHour: Double
    public var cancelledBeforeShipping = false
    /// Days after the last delivery when a review of the first item arrives.
    public var reviewAfterDays: Double?
    public var returnRequest: Return?
    /// Days after payment when the customer flips their marketing consent.
    public var consentChangeAfterDays: Double?

    public init(
        orderNumber: Int, customer: DemoCatalog.Customer, customerId: String, marketingConsent: Bool,
        items: [(product: DemoCatalog.Product, quantity: Int)], parcels: [(items: [Int], travel: Parcel)], paidAtHour: Double
    ) {
        self.orderNumber = orderNumber
        self.customer = customer
        self.customerId = customerId
        self.marketingConsent = marketingConsent
        self.items = items
        self.parcels = parcels
        self.paidAtHour = paidAtHour
    }

    public var orderId: String { String(format: "ORD-%05d", orderNumber) }
}
