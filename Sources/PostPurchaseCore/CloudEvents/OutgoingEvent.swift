import Foundation

/// An event a worker emits: published in structured mode on `topic`, keyed by `key`.
///
/// `id` must be derived from the cause (e.g. `notification:<orderId>:shipment.delivered:<shipmentId>`)
/// so that reprocessing the same input emits the same id and consumers can deduplicate.
public struct OutgoingEvent: Sendable {
    public var topic: TopicName
    public var key: String
    public var id: String
    public var type: String
    public var source: String
    public var subject: String?
    public var time: Date
    public var data: any Encodable & Sendable

    public init(
        topic: TopicName, key: String, id: String, type: String, source: String,
        subject: String? = nil, time: Date, data: any Encodable & Sendable
    ) {
        self.topic = topic
        self.key = key
        self.id = id
        self.type = type
        self.source = source
        self.subject = subject
        self.time = time
        self.data = data
    }
}
