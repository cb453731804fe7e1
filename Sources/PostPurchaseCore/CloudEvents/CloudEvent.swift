import Foundation

/// A CloudEvents 1.0 event as read from Kafka, in either content mode.
///
/// The `data` stays as JSON bytes until a worker asks for it as a concrete type with
/// ``decodeData(_:)``, so events a worker skips are never fully decoded.
public struct CloudEvent: Sendable {
    /// How the event was carried on Kafka.
    public enum ContentMode: String, Sendable {
        /// The whole event is the JSON record value (`content-type: application/cloudevents+json`).
        case structured
        /// Attributes are `ce_*` headers and the value is the data.
        case binary
    }

    /// The idempotency key: the same id twice has no second effect.
    public var id: String
    public var source: String
    public var type: String
    public var time: Date
    public var subject: String?
    public var specVersion: String
    public var dataContentType: String?
    public var mode: ContentMode
    /// The JSON bytes of the data: the `data` member in structured mode, the value in binary mode
    /// (`nil` when a structured event has no data).
    let payload: Data?

    init(id: String, source: String, type: String, time: Date, subject: String?, specVersion: String,
         dataContentType: String?, mode: ContentMode, payload: Data?) {
        self.id = id
        self.source = source
        self.type = type
        self.time = time
        self.subject = subject
        self.specVersion = specVersion
        self.dataContentType = dataContentType
        self.mode = mode
        self.payload = payload
    }

    /// The event's data as `T`; a mismatch throws an ``EventRejection`` naming the field and why.
    public func decodeData<T: Decodable>(_ type: T.Type) throws -> T {
        guard let payload else {
            throw EventRejection(field: "data", reason: "is missing", code: .invalidData)
        }
        do {
            return try CloudEventCodec.decoder.decode(T.self, from: payload)
        } catch let error as DecodingError {
            throw EventRejection(decoding: error, prefix: "data", code: .invalidData)
        }
    }

    /// The raw JSON bytes of the data, when there is any (for audit copies).
    public var dataBytes: Data? { payload }
}
