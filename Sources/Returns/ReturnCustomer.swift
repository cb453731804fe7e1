import PostPurchaseCore

/// How to address a customer in returns messages: contact, language and time zone from
/// `order.paid`, updated by `customer.preferences.updated`.
public struct ReturnCustomer: StoredEntity, Equatable {
    public static let namespace = "returns.customer"

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

    /// The recipient of a message: English and UTC when language or zone were never given.
    public var recipient: NotificationRecipient {
        NotificationRecipient(
            customerId: customerId, locale: locale ?? "en", timeZone: timeZone ?? "UTC", email: email, phone: phone, name: name)
    }
}
