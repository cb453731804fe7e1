import Foundation
import PostPurchaseCore

/// One record an upstream service of the demo store publishes at a simulated time.
public struct PlannedEvent: Sendable {
    /// When (simulated time) it is published; CloudEvents carry it as their `time`.
    public var at: Date
    /// Logical topic (`orders` or `carrier-events`).
    public var topic: TopicName
    public var key: String
    public var value: Data
    public var headers: [KafkaHeader]
    /// The order it belongs to, for the journeys.
    public var orderId: String?
    /// A short human description for the journeys ("paid GBP 59.99", "carrier: delivered (shippo)").
    public var label: String

    public init(at: Date, topic: TopicName, key: String, value: Data, headers: [KafkaHeader], orderId: String?, label: String) {
        self.at = at
        self.topic = topic
        self.key = key
        self.value = value
        self.headers = headers
        self.orderId = orderId
        self.label = label
    }

    /// A structured-mode CloudEvent.
    public static func cloudEvent(_ event: OutgoingEvent, orderId: String?, label: String) throws -> PlannedEvent {
        PlannedEvent(
            at: event.time, topic: event.topic, key: event.key, value: Data(try CloudEventCodec.encodeStructured(event)),
            headers: [KafkaHeader(name: "content-type", text: CloudEventCodec.structuredContentType)],
            orderId: orderId, label: label)
    }
}
