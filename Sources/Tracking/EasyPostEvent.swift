import Foundation
import PostPurchaseCore

/// An EasyPost webhook body: an `Event` whose `result` is a `Tracker` (the fields the worker reads).
struct EasyPostEvent: Decodable {
    var id: String?
    var object: String?
    /// The event type: `tracker.created` or `tracker.updated`.
    var description: String?
    var createdAt: String?
    var result: Tracker?

    struct Tracker: Decodable {
        var object: String?
        var trackingCode: String?
        var status: String?
        var statusDetail: String?
        var updatedAt: String?
        var estDeliveryDate: String?
        var carrier: String?
        var isReturn: Bool?
        var trackingDetails: [TrackingDetail]?
    }

    struct TrackingDetail: Decodable {
        var message: String?
        var status: String?
        var statusDetail: String?
        var datetime: String?
        var trackingLocation: Location?
    }

    struct Location: Decodable {
        var city: String?
        var state: String?
        var country: String?
        var zip: String?
    }

    /// The canonical update, or `nil` for an event that is not about a tracker.
    func update() throws(EventRejection) -> CarrierUpdate? {
        guard description?.hasPrefix("tracker.") ?? false || result?.object == "Tracker" else { return nil }
        guard let tracker = result else {
            throw EventRejection(field: "result", reason: "required field is missing", code: .invalidData)
        }
        guard let trackingCode = tracker.trackingCode, !trackingCode.isEmpty else {
            throw EventRejection(field: "result.tracking_code", reason: "required field is missing", code: .invalidData)
        }
        guard let status = tracker.status else {
            throw EventRejection(field: "result.status", reason: "required field is missing", code: .invalidData)
        }
        // The latest scan: details are oldest first, but sort by time to be safe.
        let latest = (tracker.trackingDetails ?? [])
            .compactMap { detail in ProviderTimestamp.parse(detail.datetime).map { (detail, $0) } }
            .max { $0.1 < $1.1 }
        guard let occurredAt = latest?.1 ?? ProviderTimestamp.parse(tracker.updatedAt) ?? ProviderTimestamp.parse(createdAt) else {
            throw EventRejection(field: "result.updated_at", reason: "no scan time in tracking_details and no updated_at", code: .invalidData)
        }
        let mapped = CarrierStatusMapping.easyPost(status: status, detail: tracker.statusDetail)
        let place = latest?.0.trackingLocation
        return CarrierUpdate(
            format: .easyPost, sourceId: id, carrier: tracker.carrier ?? "", trackingNumber: trackingCode,
            status: mapped ?? .unknown, providerStatus: [status, tracker.statusDetail].compactMap { $0 }.joined(separator: "/"),
            isMapped: mapped != nil, occurredAt: occurredAt, estimatedDelivery: ProviderTimestamp.parse(tracker.estDeliveryDate),
            location: Self.describe(place), message: latest?.0.message.flatMap { $0.isEmpty ? nil : $0 })
    }

    private static func describe(_ location: Location?) -> String? {
        guard let location else { return nil }
        let parts = [location.city, location.state, location.country].compactMap { $0 }.filter { !$0.isEmpty }
        return parts.isEmpty ? nil : parts.joined(separator: ", ")
    }
}
