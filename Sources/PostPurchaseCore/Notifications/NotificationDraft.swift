import Foundation

/// What a worker wants to tell a customer, before rendering.
public struct NotificationDraft: Sendable, Equatable {
    /// The template to render.
    public var template: NotificationTemplate
    /// Who it goes to.
    public var recipient: NotificationRecipient
    /// The order it is about, if any.
    public var orderId: String?
    /// What caused it, unique per message (e.g. `shipment.delivered:ORD-1:SHP-1`); the
    /// `notificationId` is derived from it, so the same cause always yields the same id.
    public var cause: String
    /// Transactional or marketing.
    public var category: NotificationCategory
    /// Earliest time to send.
    public var sendAt: Date
    /// Template variables. `customerName` is added from the recipient when not given.
    public var values: [String: NotificationValue]

    /// Creates a draft.
    public init(
        template: NotificationTemplate, recipient: NotificationRecipient, orderId: String?, cause: String,
        category: NotificationCategory = .transactional, sendAt: Date, values: [String: NotificationValue]
    ) {
        self.template = template
        self.recipient = recipient
        self.orderId = orderId
        self.cause = cause
        self.category = category
        self.sendAt = sendAt
        self.values = values
    }
}
