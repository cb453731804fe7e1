/// How to address a customer, as a worker stores it: contact, language and time zone from
/// `order.paid`, updated by `customer.preferences.updated`. Keyed by customer id.
public struct CustomerContact: StoredEntity, Equatable {
    public static let namespace = "customer.contact"

    /// The customer id.
    public var customerId: String
    /// BCP 47 language, e.g. `ar-SA`.
    public var locale: String?
    /// IANA time zone, e.g. `Asia/Riyadh`.
    public var timeZone: String?
    /// E-mail address.
    public var email: String?
    /// Phone number.
    public var phone: String?
    /// Display name.
    public var name: String?

    /// A customer known only by id.
    public init(customerId: String) {
        self.customerId = customerId
    }

    /// Takes language and zone from an order, and the contact details it carries.
    public mutating func apply(_ customer: OrderPaid.Customer) {
        locale = customer.locale
        timeZone = customer.timeZone
        email = customer.email ?? email
        phone = customer.phone ?? phone
        name = customer.name ?? name
    }

    /// Takes the language and zone a preferences update names.
    public mutating func apply(_ update: CustomerPreferencesUpdated) {
        locale = update.locale ?? locale
        timeZone = update.timeZone ?? timeZone
    }

    /// The recipient of a message: English and UTC when language or zone were never given.
    public var recipient: NotificationRecipient {
        NotificationRecipient(
            customerId: customerId, locale: locale ?? "en", timeZone: timeZone ?? "UTC", email: email, phone: phone, name: name)
    }
}
