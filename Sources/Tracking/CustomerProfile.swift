import PostPurchaseCore

/// How to address a customer: contact, language and time zone from `order.paid`, updated by
/// `customer.preferences.updated`.
public struct CustomerProfile: StoredEntity, Equatable {
    public static let namespace = "tracking.customer"

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

    /// A profile with what is known.
    public init(customerId: String, locale: String? = nil, timeZone: String? = nil, email: String? = nil, phone: String? = nil, name: String? = nil) {
        self.customerId = customerId
        self.locale = locale
        self.timeZone = timeZone
        self.email = email
        self.phone = phone
        self.name = name
    }

    /// The recipient of a message: English and UTC when language or zone were never given.
    public var recipient: NotificationRecipient {
        NotificationRecipient(
            customerId: customerId, locale: locale ?? "en", timeZone: timeZone ?? "UTC", email: email, phone: phone, name: name)
    }
}
