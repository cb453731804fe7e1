import Foundation
import PostPurchaseCore

extension WorkerInput {
    /// `event` as a worker receives it: encoded in structured mode into a record at `offset` of
    /// partition 0, then decoded by the runtime's codec, so a field that does not survive the
    /// wire fails in the test too.
    public static func decoded(_ event: OutgoingEvent, offset: Int64) throws -> WorkerInput {
        let record = KafkaRecord(
            topic: event.topic.rawValue, partition: 0, offset: offset, key: Array(event.key.utf8),
            value: Data(try CloudEventCodec.encodeStructured(event)),
            headers: [KafkaHeader(name: "content-type", text: CloudEventCodec.structuredContentType)])
        return WorkerInput(topic: event.topic, record: record, event: try CloudEventCodec.decode(record))
    }
}

/// This checkout's notification templates (`Config/templates`), for tests that render messages.
public let repositoryTemplatesDirectory = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    .deletingLastPathComponent().appendingPathComponent("Config/templates").path
