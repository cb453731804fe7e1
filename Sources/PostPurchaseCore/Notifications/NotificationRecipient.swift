/// Who a notification goes to, and how they want to be addressed.
public struct NotificationRecipient: Codable, Sendable, Equatable {
    /// The customer id; the Kafka key of `notifications`.
    public var customerId: String
    /// BCP 47 language tag, e.g. `ar-SA`.
    public var locale: String
    /// IANA time zone dates and times are shown in, e.g. `Asia/Riyadh`.
    public var timeZone: String
    /// E-mail address, if known.
    public var email: String?
    /// Phone number, if known.
    public var phone: String?
    /// Display name, if known.
    public var name: String?

    /// Creates a recipient.
    public init(customerId: String, locale: String, timeZone: String, email: String? = nil, phone: String? = nil, name: String? = nil) {
        self.customerId = customerId
        self.locale = locale
        self.timeZone = timeZone
        self.email = email
        self.phone = phone
        self.name = name
    }

    /// Channels to send on, in preference order: e-mail and SMS when known, otherwise push.
    public var channels: [String] {
        var channels: [String] = []
        if email?.isEmpty == false { channels.append("email") }
        if phone?.isEmpty == false { channels.append("sms") }
        return channels.isEmpty ? ["push"] : channels
    }
}
