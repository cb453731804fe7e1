import Foundation

/// A customer changed messaging preferences; absent fields stay unchanged.
///
/// The CloudEvent `data` of ``EventType/customerPreferencesUpdated`` (`customer.preferences.updated`).
public struct CustomerPreferencesUpdated: Codable, Sendable, Equatable {
    /// The customer; the Kafka key of this event.
    public var customerId: String
    /// New BCP 47 language for messages, e.g. `en-US`.
    public var locale: String?
    /// New IANA time zone, e.g. `Asia/Riyadh`.
    public var timeZone: String?
    /// New marketing consent.
    public var marketingConsent: Bool?

    /// Creates the payload field by field.
    public init(customerId: String, locale: String? = nil, timeZone: String? = nil, marketingConsent: Bool? = nil) {
        self.customerId = customerId
        self.locale = locale
        self.timeZone = timeZone
        self.marketingConsent = marketingConsent
    }
}
