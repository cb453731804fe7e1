/// A logical topic name from the contract (`orders`, `notifications`, …), before the configured
/// prefix and any per-topic renaming are applied (see ``TopicMap``).
public struct TopicName: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible, ExpressibleByStringLiteral {
    public var rawValue: String
    public init(rawValue: String) { self.rawValue = rawValue }
    public init(_ rawValue: String) { self.rawValue = rawValue }
    public init(stringLiteral value: String) { self.rawValue = value }
    public var description: String { rawValue }

    public static let orders: TopicName = "orders"
    public static let carrierEvents: TopicName = "carrier-events"
    public static let shipmentUpdates: TopicName = "shipment-updates"
    public static let notifications: TopicName = "notifications"
    public static let returnUpdates: TopicName = "return-updates"
    public static let loyaltyUpdates: TopicName = "loyalty-updates"
    public static let deadLetters: TopicName = "dead-letters"

    /// Every topic of the contract, inputs first.
    public static let contractTopics: [TopicName] = [
        .orders, .carrierEvents, .shipmentUpdates, .notifications, .returnUpdates, .loyaltyUpdates, .deadLetters,
    ]
}
