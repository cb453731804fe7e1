import Foundation

/// An order was paid: the start of the post-purchase journey.
///
/// The CloudEvent `data` of ``EventType/orderPaid`` (`order.paid`).
public struct OrderPaid: Codable, Sendable, Equatable {
    /// The paying customer and their messaging preferences.
    public struct Customer: Codable, Sendable, Equatable {
        /// Customer id; the Kafka key of customer-scoped topics.
        public var id: String
        /// E-mail address for the email channel.
        public var email: String?
        /// Phone number for SMS and WhatsApp, preferably E.164.
        public var phone: String?
        /// Display name used in messages.
        public var name: String?
        /// BCP 47 language messages are rendered in, e.g. `ar-SA`.
        public var locale: String
        /// IANA time zone, e.g. `Asia/Riyadh`.
        public var timeZone: String
        /// Whether marketing messages may be sent.
        public var marketingConsent: Bool

        /// Creates a customer field by field.
        public init(id: String, email: String? = nil, phone: String? = nil, name: String? = nil, locale: String, timeZone: String, marketingConsent: Bool) {
            self.id = id
            self.email = email
            self.phone = phone
            self.name = name
            self.locale = locale
            self.timeZone = timeZone
            self.marketingConsent = marketingConsent
        }
    }

    /// One line of the order.
    public struct Item: Codable, Sendable, Equatable {
        /// Stock keeping unit.
        public var sku: String
        /// Item name as shown to the customer.
        public var name: String
        /// Store category; selects follow-up content.
        public var category: String
        /// Units bought.
        public var quantity: Int
        /// Price of one unit as paid.
        public var unitPrice: Money
        /// Free-form tags, e.g. `fragile`, `needs-setup`.
        public var tags: [String]?
        /// Days after delivery when a replenishment reminder makes sense.
        public var replenishAfterDays: Int?

        /// Creates an item field by field.
        public init(sku: String, name: String, category: String, quantity: Int, unitPrice: Money, tags: [String]? = nil, replenishAfterDays: Int? = nil) {
            self.sku = sku
            self.name = name
            self.category = category
            self.quantity = quantity
            self.unitPrice = unitPrice
            self.tags = tags
            self.replenishAfterDays = replenishAfterDays
        }
    }

    /// The store's order id; the Kafka key of order-scoped topics.
    public var orderId: String
    /// Who paid, and how to reach them.
    public var customer: Customer
    /// What was bought.
    public var items: [Item]
    /// Shipping charged, if any.
    public var shipping: Money?
    /// The amount paid.
    public var total: Money
    /// When the payment was captured.
    public var paidAt: Date

    /// Creates the payload field by field.
    public init(orderId: String, customer: Customer, items: [Item], shipping: Money? = nil, total: Money, paidAt: Date) {
        self.orderId = orderId
        self.customer = customer
        self.items = items
        self.shipping = shipping
        self.total = total
        self.paidAt = paidAt
    }
}
