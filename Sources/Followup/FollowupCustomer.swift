import Foundation
import PostPurchaseCore

/// What the follow-up worker knows about a customer (keyed by customerId, as
/// `customer.preferences.updated` is): how to reach them, their marketing consent and the
/// marketing messages already handed to the sender, for the per-customer cap.
///
/// Every preference remembers the time of the event that set it, so the latest one wins even
/// when an older event arrives later (`order.paid` and `customer.preferences.updated` travel on
/// different partitions).
public struct FollowupCustomer: StoredEntity, Equatable {
    public static let namespace = "followup.customer"

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
    /// Whether marketing messages may be sent; `nil` while unknown (treated as no).
    public var marketingConsent: Bool?
    /// The time of the event that set ``locale``.
    public var localeAt: Date?
    /// The time of the event that set ``timeZone``.
    public var timeZoneAt: Date?
    /// The time of the event that set ``marketingConsent``.
    public var consentAt: Date?
    /// `sendAt` of recent marketing messages (older than twice the cap are dropped).
    public var marketingSends: [Date]

    /// A customer not seen before.
    public init(customerId: String) {
        self.customerId = customerId
        self.marketingSends = []
    }

    /// Applies preferences that are not older than what is known.
    mutating func apply(locale: String?, timeZone: String?, marketingConsent: Bool?, at time: Date) {
        if let locale, !locale.isEmpty, time >= (localeAt ?? .distantPast) { self.locale = locale; localeAt = time }
        if let timeZone, TimeZone(identifier: timeZone) != nil, time >= (timeZoneAt ?? .distantPast) { self.timeZone = timeZone; timeZoneAt = time }
        if let marketingConsent, time >= (consentAt ?? .distantPast) { self.marketingConsent = marketingConsent; consentAt = time }
    }

    /// The recipient of a message: English and UTC when language or zone were never given.
    public var recipient: NotificationRecipient {
        NotificationRecipient(customerId: customerId, locale: locale ?? "en", timeZone: timeZone ?? "UTC", email: email, phone: phone, name: name)
    }

    /// The earliest time at or after `time` that is outside the quiet hours and at least `cap`
    /// away from every marketing message already handed over.
    func nextMarketingSlot(from time: Date, cap: TimeInterval, quiet: QuietWindow, calendar: Calendar) -> Date {
        var slot = quiet.sendTime(for: time, calendar: calendar)
        // Each pass moves past one conflicting send, so this ends after at most count + 1 passes.
        for _ in 0...marketingSends.count {
            guard let conflict = marketingSends.filter({ abs($0.timeIntervalSince(slot)) < cap }).max() else { return slot }
            slot = quiet.sendTime(for: conflict.addingTimeInterval(cap), calendar: calendar)
        }
        return slot
    }

    /// Records a marketing message sent at `sendAt`, forgetting those too old to matter.
    mutating func recordMarketing(at sendAt: Date, cap: TimeInterval) {
        marketingSends.removeAll { $0 < sendAt.addingTimeInterval(-2 * cap) }
        marketingSends.append(sendAt)
        marketingSends.sort()
    }
}
