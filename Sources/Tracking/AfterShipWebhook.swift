import Foundation
import PostPurchaseCore

/// An AfterShip tracking webhook `{event, event_id, msg: Tracking, ts}` (the fields the worker reads).
struct AfterShipWebhook: Decodable {
    var event: String?
    var eventId: String?
    var msg: Tracking?
    var ts: Double?

    struct Tracking: Decodable {
        var trackingNumber: String?
        var slug: String?
        var tag: String?
        var subtag: String?
        var subtagMessage: String?
        var expectedDelivery: String?
        var updatedAt: String?
        var lastUpdatedAt: String?
        var checkpoints: [Checkpoint]?
        var aftershipEstimatedDeliveryDate: EstimatedDate?
        var latestEstimatedDelivery: LatestEstimate?
    }

    struct Checkpoint: Decodable {
        var checkpointTime: String?
        var createdAt: String?
        var message: String?
        var location: String?
        var city: String?
        var state: String?
        var countryIso3: String?
    }

    struct EstimatedDate: Decodable {
        var estimatedDeliveryDate: String?
    }

    struct LatestEstimate: Decodable {
        var datetime: String?
    }

    /// The canonical update, or `nil` for an AfterShip event that carries no tracking.
    ///
    /// The time is the latest checkpoint's `checkpoint_time` when it names its offset; AfterShip
    /// usually sends it in carrier-local time without one, and then the checkpoint's `created_at`
    /// (when AfterShip recorded it, with an offset) is used, so times stay comparable.
    func update() throws(EventRejection) -> CarrierUpdate? {
        guard let tracking = msg else {
            if event == "tracking_update" { throw EventRejection(field: "msg", reason: "required field is missing", code: .invalidData) }
            return nil
        }
        guard let trackingNumber = tracking.trackingNumber, !trackingNumber.isEmpty else {
            throw EventRejection(field: "msg.tracking_number", reason: "required field is missing", code: .invalidData)
        }
        guard let tag = tracking.tag else {
            throw EventRejection(field: "msg.tag", reason: "required field is missing", code: .invalidData)
        }
        let latest = tracking.checkpoints?.last
        let checkpointTime = latest?.checkpointTime
        let occurredAt = (ProviderTimestamp.hasOffset(checkpointTime) ? ProviderTimestamp.parse(checkpointTime) : nil)
            ?? ProviderTimestamp.parse(latest?.createdAt)
            ?? ProviderTimestamp.parse(checkpointTime)
            ?? ProviderTimestamp.parse(tracking.lastUpdatedAt)
            ?? ProviderTimestamp.parse(tracking.updatedAt)
            ?? ts.map { Date(timeIntervalSince1970: $0) }
        guard let occurredAt else {
            throw EventRejection(field: "msg.checkpoints", reason: "no checkpoint time and no updated_at", code: .invalidData)
        }
        let estimate = ProviderTimestamp.parse(tracking.latestEstimatedDelivery?.datetime)
            ?? ProviderTimestamp.parse(tracking.aftershipEstimatedDeliveryDate?.estimatedDeliveryDate)
            ?? ProviderTimestamp.parse(tracking.expectedDelivery)
        let mapped = CarrierStatusMapping.afterShip(tag: tag, subtag: tracking.subtag)
        var location = latest?.location
        if location?.isEmpty ?? true {
            let parts = [latest?.city, latest?.state, latest?.countryIso3].compactMap { $0 }.filter { !$0.isEmpty }
            location = parts.isEmpty ? nil : parts.joined(separator: ", ")
        }
        return CarrierUpdate(
            format: .afterShip, sourceId: eventId, carrier: tracking.slug ?? "", trackingNumber: trackingNumber,
            status: mapped ?? .unknown, providerStatus: [tag, tracking.subtag].compactMap { $0 }.joined(separator: "/"),
            isMapped: mapped != nil, occurredAt: occurredAt, estimatedDelivery: estimate, location: location,
            message: (latest?.message ?? tracking.subtagMessage).flatMap { $0.isEmpty ? nil : $0 })
    }
}
