import Foundation

/// A rendered message a delivery service should send to a customer: the data of `notification.requested`.
public struct NotificationRequested: Codable, Sendable, Equatable {
    /// Deterministic id derived from the cause; a redelivered input yields the same id.
    public var notificationId: String
    /// The recipient; the Kafka key of `notifications`.
    public var customerId: String
    /// The order the message is about, if any.
    public var orderId: String?
    /// The template it was rendered from.
    public var template: NotificationTemplate
    /// Transactional or marketing.
    public var category: NotificationCategory
    /// Channels in preference order, e.g. `email`, `sms`, `push`.
    public var channels: [String]
    /// The locale subject and body are rendered in.
    public var locale: String
    /// Rendered subject or title.
    public var subject: String
    /// Rendered message text.
    public var body: String
    /// Earliest time to send.
    public var sendAt: Date
    /// The template variables, for channels that render themselves.
    public var data: [String: JSONValue]

    /// Creates the payload field by field.
    public init(
        notificationId: String, customerId: String, orderId: String? = nil, template: NotificationTemplate,
        category: NotificationCategory, channels: [String], locale: String, subject: String, body: String,
        sendAt: Date, data: [String: JSONValue]
    ) {
        self.notificationId = notificationId
        self.customerId = customerId
        self.orderId = orderId
        self.template = template
        self.category = category
        self.channels = channels
        self.locale = locale
        self.subject = subject
        self.body = body
        self.sendAt = sendAt
        self.data = data
    }
}
