import Foundation
import PostPurchaseCore

/// A customer's loyalty state, stored under the customer id: the ledger, how to reach them and
/// the tier they were last told about. Balances are not stored: they are derived from the ledger.
public struct LoyaltyAccount: StoredEntity, Equatable {
    public static let namespace = "loyalty.account"

    /// The customer id.
    public var customerId: String
    /// The append-only ledger.
    public var ledger: LoyaltyLedger
    /// How to address the customer.
    public var contact: LoyaltyContact
    /// The tier last announced (`loyalty.tier_changed`), to notice a change.
    public var announcedTier: LoyaltyTier = .bronze
    /// How many tier changes were announced: numbers the next one's deterministic id.
    public var tierChanges = 0

    /// An empty account.
    public init(customerId: String) {
        self.customerId = customerId
        ledger = LoyaltyLedger(customerId: customerId)
        contact = LoyaltyContact()
    }
}

/// Contact, language and time zone of a customer (from `order.paid`, updated by
/// `customer.preferences.updated`).
public struct LoyaltyContact: Codable, Sendable, Equatable {
    /// BCP 47 language, e.g. `ar-SA`.
    public var locale: String?
    /// IANA time zone.
    public var timeZone: String?
    /// E-mail address.
    public var email: String?
    /// Phone number.
    public var phone: String?
    /// Display name.
    public var name: String?

    /// Nothing known yet.
    public init() {}

    /// The recipient of a message: English and UTC when language or zone were never given.
    public func recipient(customerId: String) -> NotificationRecipient {
        NotificationRecipient(customerId: customerId, locale: locale ?? "en", timeZone: timeZone ?? "UTC", email: email, phone: phone, name: name)
    }
}
