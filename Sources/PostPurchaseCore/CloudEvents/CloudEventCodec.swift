import Foundation

/// Reads CloudEvents from Kafka records in both content modes and writes structured-mode events,
/// as the contract's Kafka protocol binding says.
public enum CloudEventCodec {
    /// The structured-mode content type.
    public static let structuredContentType = "application/cloudevents+json"

    /// The JSON decoder for event data and stored entities (RFC 3339 dates): ``FastJSONDecoder``,
    /// because decoding is on every event's path.
    public static let decoder = FastJSONDecoder()

    /// The JSON encoder for event data and stored entities (RFC 3339 dates, slashes unescaped):
    /// ``FastJSONEncoder``, because encoding is on every event's path.
    public static let encoder = FastJSONEncoder()

    /// Whether the record looks like a CloudEvent in either mode (used for topics that also carry raw payloads).
    public static func isCloudEvent(_ record: KafkaRecord) -> Bool {
        for header in record.headers {
            if header.name == "ce_specversion" { return true }
            if header.name.lowercased() == "content-type", let text = header.text,
               text.lowercased().hasPrefix("application/cloudevents") { return true }
        }
        return false
    }

    /// The CloudEvent in `record`, or a rejection naming the attribute and the reason.
    public static func decode(_ record: KafkaRecord) throws(EventRejection) -> CloudEvent {
        guard let value = record.value, !value.isEmpty else {
            throw EventRejection(field: nil, reason: "record value is empty or null (tombstone)", code: .emptyValue)
        }
        var binary = false
        var contentType: String?
        for header in record.headers {
            if header.name == "ce_specversion" { binary = true }
            if header.name.lowercased() == "content-type" { contentType = header.text }
        }
        if let contentType, contentType.lowercased().hasPrefix("application/cloudevents") { binary = false }
        return binary
            ? try decodeBinary(record, value: value, contentType: contentType)
            : try decodeStructured(value)
    }

    private static func decodeStructured(_ value: Data) throws(EventRejection) -> CloudEvent {
        let scanned = value.withUnsafeBytes { bytes in
            Result { () throws(JSONEnvelopeScanner.Failure) in try JSONEnvelopeScanner.scan(bytes) }
        }
        let envelope: JSONEnvelopeScanner.Envelope
        switch scanned {
        case .success(let found): envelope = found
        case .failure(.syntax): throw EventRejection(field: nil, reason: "value is not valid JSON", code: .notJSON)
        case .failure(.notAnObject): throw EventRejection(field: nil, reason: "value is JSON but not an object", code: .notCloudEvent)
        }
        if let field = envelope.nonString {
            throw EventRejection(field: field, reason: "expected a string", code: .invalidEnvelope)
        }
        let attributes = envelope.attributes
        if attributes["specversion"] == nil && attributes["type"] == nil && attributes["id"] == nil {
            throw EventRejection(
                field: nil,
                reason: "not a CloudEvent: no ce_specversion header and the JSON value has no specversion, id or type",
                code: .notCloudEvent)
        }
        let payload = envelope.dataRange.map { value[value.startIndex + $0.lowerBound ..< value.startIndex + $0.upperBound] }
        return try validated(
            specVersion: attributes["specversion"], id: attributes["id"], source: attributes["source"], type: attributes["type"],
            time: attributes["time"], subject: attributes["subject"], dataContentType: attributes["datacontenttype"],
            mode: .structured, payload: payload, prefix: "")
    }

    private static func decodeBinary(_ record: KafkaRecord, value: Data, contentType: String?) throws(EventRejection) -> CloudEvent {
        let headers = record.headers
        return try validated(
            specVersion: headers.text("ce_specversion"), id: headers.text("ce_id"), source: headers.text("ce_source"),
            type: headers.text("ce_type"), time: headers.text("ce_time"), subject: headers.text("ce_subject"),
            dataContentType: contentType, mode: .binary, payload: value, prefix: "ce_")
    }

    private static func validated(
        specVersion: String?, id: String?, source: String?, type: String?, time: String?, subject: String?,
        dataContentType: String?, mode: CloudEvent.ContentMode, payload: Data?, prefix: String
    ) throws(EventRejection) -> CloudEvent {
        func required(_ value: String?, _ name: String) throws(EventRejection) -> String {
            guard let value else { throw EventRejection(field: prefix + name, reason: "required attribute is missing", code: .invalidEnvelope) }
            guard !value.isEmpty else { throw EventRejection(field: prefix + name, reason: "must not be empty", code: .invalidEnvelope) }
            return value
        }
        let version = try required(specVersion, "specversion")
        guard version == "1.0" else {
            throw EventRejection(field: prefix + "specversion", reason: "'\(version.prefix(20))' is not supported (expected 1.0)", code: .invalidEnvelope)
        }
        let id = try required(id, "id")
        let source = try required(source, "source")
        let type = try required(type, "type")
        let timeText = try required(time, "time")
        guard let date = RFC3339.parse(timeText) else {
            throw EventRejection(field: prefix + "time", reason: "'\(timeText.prefix(40))' is not an RFC 3339 date-time with offset", code: .invalidEnvelope)
        }
        return CloudEvent(
            id: id, source: source, type: type, time: date, subject: subject, specVersion: version,
            dataContentType: dataContentType, mode: mode, payload: payload)
    }

    /// The structured-mode JSON of an outgoing event.
    public static func encodeStructured(_ event: OutgoingEvent) throws -> [UInt8] {
        try encoder.encodeBytes(StructuredOut(event: event))
    }

    /// Binary-mode value and headers of an event (for upstream publishers and tests; workers emit structured mode).
    public static func encodeBinary(_ event: OutgoingEvent) throws -> (value: [UInt8], headers: [KafkaHeader]) {
        var headers = [
            KafkaHeader(name: "ce_specversion", text: "1.0"),
            KafkaHeader(name: "ce_id", text: event.id),
            KafkaHeader(name: "ce_source", text: event.source),
            KafkaHeader(name: "ce_type", text: event.type),
            KafkaHeader(name: "ce_time", text: RFC3339.format(event.time)),
            KafkaHeader(name: "content-type", text: "application/json"),
        ]
        if let subject = event.subject { headers.append(KafkaHeader(name: "ce_subject", text: subject)) }
        return (try encoder.encodeBytes(AnyEncodable(event.data)), headers)
    }

    private struct StructuredOut: Encodable {
        let event: OutgoingEvent
        enum CodingKeys: String, CodingKey { case specversion, id, source, type, time, subject, datacontenttype, data }
        func encode(to encoder: any Encoder) throws {
            var container = encoder.container(keyedBy: CodingKeys.self)
            try container.encode("1.0", forKey: .specversion)
            try container.encode(event.id, forKey: .id)
            try container.encode(event.source, forKey: .source)
            try container.encode(event.type, forKey: .type)
            try container.encode(RFC3339.format(event.time), forKey: .time)
            try container.encodeIfPresent(event.subject, forKey: .subject)
            try container.encode("application/json", forKey: .datacontenttype)
            try container.encode(event.data, forKey: .data)
        }
    }

    private struct AnyEncodable: Encodable {
        let value: any Encodable
        init(_ value: any Encodable) { self.value = value }
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }
}
