import Foundation
import PostPurchaseCore

/// A Shippo webhook body `{event, test, data: Track}` (the fields the worker reads).
struct ShippoTrackUpdated: Decodable {
    var event: String?
    var data: Track?

    struct Track: Decodable {
        var carrier: String?
        var trackingNumber: String?
        var eta: String?
        var trackingStatus: TrackingStatus?
    }

    struct TrackingStatus: Decodable {
        var objectId: String?
        var status: String?
        var statusDetails: String?
        var statusDate: String?
        var substatus: Substatus?
        var location: Location?
    }

    struct Substatus: Decodable {
        var code: String?
        var text: String?
    }

    struct Location: Decodable {
        var city: String?
        var state: String?
        var country: String?
    }

    /// The canonical update, or `nil` for a Shippo event that is not `track_updated`.
    func update() throws(EventRejection) -> CarrierUpdate? {
        guard event == "track_updated" else { return nil }
        guard let track = data else { throw EventRejection(field: "data", reason: "required field is missing", code: .invalidData) }
        guard let trackingNumber = track.trackingNumber, !trackingNumber.isEmpty else {
            throw EventRejection(field: "data.tracking_number", reason: "required field is missing", code: .invalidData)
        }
        guard let latest = track.trackingStatus, let status = latest.status else {
            throw EventRejection(field: "data.tracking_status.status", reason: "required field is missing", code: .invalidData)
        }
        guard let occurredAt = ProviderTimestamp.parse(latest.statusDate) else {
            throw EventRejection(field: "data.tracking_status.status_date", reason: "missing or not a date-time", code: .invalidData)
        }
        let code = latest.substatus?.code
        let mapped = CarrierStatusMapping.shippo(status: status, substatus: code)
        let place = [latest.location?.city, latest.location?.state, latest.location?.country]
            .compactMap { $0 }.filter { !$0.isEmpty }
        return CarrierUpdate(
            format: .shippo, sourceId: latest.objectId, carrier: track.carrier ?? "", trackingNumber: trackingNumber,
            status: mapped ?? .unknown, providerStatus: [status, code].compactMap { $0 }.joined(separator: "/"),
            isMapped: mapped != nil, occurredAt: occurredAt, estimatedDelivery: ProviderTimestamp.parse(track.eta),
            location: place.isEmpty ? nil : place.joined(separator: ", "),
            message: latest.statusDetails.flatMap { $0.isEmpty ? nil : $0 })
    }
}
