import Foundation
import PostPurchaseCore

/// Reads one `carrier-events` record into a ``CarrierUpdate``.
///
/// The format comes from the `carrier-source` header when present, else it is recognised from the
/// body: an EasyPost `Event` has `"object": "Event"` and a `result`; a Shippo webhook has an `event`
/// and a `data` object with a `tracking_number` or `tracking_status`; an AfterShip webhook has a
/// `msg` object and an `event_id` or `ts`. A record in none of these formats is rejected
/// (dead-lettered); a recognised webhook that is not about tracking (e.g. Shippo
/// `transaction_created`) yields `nil` and is skipped.
public enum CarrierWebhookParser {
    /// The update in `input`, or `nil` for an input that carries no tracking update.
    public static func update(from input: WorkerInput) throws(EventRejection) -> CarrierUpdate? {
        if let event = input.event {
            guard event.type == EventType.trackingUpdated else { return nil }
            return try trackingUpdated(event)
        }
        guard let body = input.record.value, !body.isEmpty else {
            throw EventRejection(field: nil, reason: "record value is empty or null (tombstone)", code: .emptyValue)
        }
        return try update(body: body, sourceHeader: input.record.headers.text(CarrierFormat.header))
    }

    /// The update in a raw webhook body, with the optional `carrier-source` header value.
    public static func update(body: Data, sourceHeader: String?) throws(EventRejection) -> CarrierUpdate? {
        var named: CarrierFormat?
        if let sourceHeader, !sourceHeader.isEmpty {
            guard let format = CarrierFormat(rawValue: sourceHeader.lowercased()), format != .trackingUpdated else {
                throw EventRejection(
                    field: "header \(CarrierFormat.header)", reason: "'\(sourceHeader.prefix(40))' is not one of easypost, shippo, aftership",
                    code: .rejected)
            }
            named = format
        }
        // Parsed once: recognising the format and decoding it read the same nodes.
        let parsed: ParsedJSON
        do {
            parsed = try decoder.parse(body)
        } catch {
            throw EventRejection(field: nil, reason: "value is not valid JSON", code: .notJSON)
        }
        let format: CarrierFormat
        if let named { format = named } else { format = try recognise(parsed) }
        switch format {
        case .easyPost: return try decode(EasyPostEvent.self, parsed, format).update()
        case .shippo: return try decode(ShippoTrackUpdated.self, parsed, format).update()
        case .afterShip: return try decode(AfterShipWebhook.self, parsed, format).update()
        case .trackingUpdated: return nil
        }
    }

    /// The members that tell the formats apart.
    private struct Probe: Decodable {
        var object: String?
        var result: Nested?
        var event: String?
        var data: Nested?
        var msg: Nested?
        var eventId: String?
        var ts: Double?

        struct Nested: Decodable {
            var trackingNumber: String?
            var trackingStatus: Ignored?
        }

        struct Ignored: Decodable {}
    }

    private static func recognise(_ parsed: ParsedJSON) throws(EventRejection) -> CarrierFormat {
        let probe: Probe
        do {
            probe = try decoder.decode(Probe.self, from: parsed)
        } catch DecodingError.typeMismatch(_, let context) where context.codingPath.isEmpty {
            throw EventRejection(field: nil, reason: "value is JSON but not an object", code: .rejected)
        } catch {
            throw EventRejection(field: nil, reason: "unknown carrier format: \(error)", code: .rejected)
        }
        if probe.object == "Event", probe.result != nil { return .easyPost }
        if probe.msg != nil, probe.eventId != nil || probe.ts != nil { return .afterShip }
        if probe.event != nil, let data = probe.data, data.trackingNumber != nil || data.trackingStatus != nil { return .shippo }
        throw EventRejection(
            field: nil,
            reason: "unknown carrier format: not an EasyPost Event, a Shippo track_updated or an AfterShip webhook, and no carrier-source header",
            code: .rejected)
    }

    private static let decoder = FastJSONDecoder(keyDecodingStrategy: .convertFromSnakeCase)

    private static func decode<T: Decodable>(_ type: T.Type, _ parsed: ParsedJSON, _ format: CarrierFormat) throws(EventRejection) -> T {
        do {
            return try decoder.decode(T.self, from: parsed)
        } catch let error as DecodingError {
            switch error {
            case .dataCorrupted(let context) where context.codingPath.isEmpty:
                throw EventRejection(field: nil, reason: "value is not valid JSON", code: .notJSON)
            case .typeMismatch(_, let context), .valueNotFound(_, let context), .dataCorrupted(let context):
                let path = context.codingPath.map { $0.intValue.map { "[\($0)]" } ?? ".\(snakeCase($0.stringValue))" }.joined()
                throw EventRejection(
                    field: path.hasPrefix(".") ? String(path.dropFirst()) : path,
                    reason: "has the wrong type for a \(format.rawValue) webhook", code: .invalidData)
            default:
                throw EventRejection(field: nil, reason: "not a \(format.rawValue) webhook: \(error)", code: .invalidData)
            }
        } catch {
            throw EventRejection(field: nil, reason: "not a \(format.rawValue) webhook: \(error)", code: .invalidData)
        }
    }

    private static func snakeCase(_ name: String) -> String {
        var result = ""
        for character in name {
            if character.isUppercase { result += "_" + character.lowercased() } else { result.append(character) }
        }
        return result
    }

    /// The contract's `tracking.updated` event; an unknown status maps to ``ShipmentStatus/unknown`` and is counted.
    private struct TrackingUpdatedData: Decodable {
        var trackingNumber: String
        var carrier: String
        var status: String
        var occurredAt: Date
        var estimatedDelivery: Date?
        var location: String?
        var message: String?
    }

    private static func trackingUpdated(_ event: CloudEvent) throws(EventRejection) -> CarrierUpdate {
        let data: TrackingUpdatedData
        do {
            data = try event.decodeData(TrackingUpdatedData.self)
        } catch let rejection as EventRejection {
            throw rejection
        } catch {
            throw EventRejection(field: "data", reason: "\(error)", code: .invalidData)
        }
        guard !data.trackingNumber.isEmpty else {
            throw EventRejection(field: "data.trackingNumber", reason: "must not be empty", code: .invalidData)
        }
        let status = ShipmentStatus(rawValue: data.status)
        return CarrierUpdate(
            format: .trackingUpdated, sourceId: event.id, carrier: data.carrier, trackingNumber: data.trackingNumber,
            status: status ?? .unknown, providerStatus: data.status, isMapped: status != nil, occurredAt: data.occurredAt,
            estimatedDelivery: data.estimatedDelivery, location: data.location, message: data.message)
    }
}
