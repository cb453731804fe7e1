import Foundation
import PostPurchaseCore

/// One record a worker published, as the demo read it back.
public struct ObservedOutput: Sendable {
    /// Logical output topic (`notifications`, `shipment-updates`, …, `dead-letters`).
    public var topic: String
    public var key: String
    /// CloudEvent id; for dead letters `topic/partition/offset`.
    public var id: String
    /// CloudEvent type; `dead-letter` for dead letters.
    public var type: String
    /// CloudEvent time (simulated).
    public var time: Date
    /// The event's `data` object; for dead letters `{"error", "worker", "topic"}` from the `dlq-*` headers.
    public var data: [String: JSONValue]

    public init(topic: String, key: String, id: String, type: String, time: Date, data: [String: JSONValue]) {
        self.topic = topic
        self.key = key
        self.id = id
        self.type = type
        self.time = time
        self.data = data
    }

    /// Decodes a record of `topic`; nil when it is not a CloudEvent with an object as data.
    public static func decode(_ record: KafkaRecord, logicalTopic: String) -> ObservedOutput? {
        if logicalTopic == TopicName.deadLetters.rawValue {
            let headers = record.headers
            func header(_ name: String) -> JSONValue { headers.first { $0.name == name }?.text.map(JSONValue.string) ?? .null }
            return ObservedOutput(
                topic: logicalTopic, key: record.keyText ?? "", id: "\(record.topic)/\(record.partition)/\(record.offset)",
                type: "dead-letter", time: Date(timeIntervalSince1970: Double(record.timestampMilliseconds ?? 0) / 1000),
                data: ["error": header("dlq-error"), "worker": header("dlq-worker"), "topic": header("dlq-topic")])
        }
        guard let event = try? CloudEventCodec.decode(record), let data = try? event.decodeData([String: JSONValue].self) else { return nil }
        return ObservedOutput(topic: logicalTopic, key: record.keyText ?? "", id: event.id, type: event.type, time: event.time, data: data)
    }
}
