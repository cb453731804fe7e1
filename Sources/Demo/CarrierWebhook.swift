import Foundation
import PostPurchaseCore

/// Carrier updates as the aggregators post them (EasyPost `Event`, Shippo `track_updated`) or as
/// the contract's `tracking.updated` CloudEvent, so the demo exercises every ingest path.
enum CarrierWebhook {
    static func event(
        feed: DemoCatalog.CarrierFeed, carrier: String, trackingNumber: String, status: ShipmentStatus, at time: Date,
        estimatedDelivery: Date?, city: String, sequence: Int, orderId: String
    ) throws -> PlannedEvent {
        let stamp = RFC3339.format(time)
        let label = "carrier \(carrier.uppercased()): \(status.rawValue)"
        switch feed {
        case .tracking:
            let update = TrackingUpdated(
                trackingNumber: trackingNumber, carrier: carrier, status: status, occurredAt: time,
                estimatedDelivery: estimatedDelivery, location: city, message: status.rawValue.replacingOccurrences(of: "_", with: " "))
            let event = OutgoingEvent(
                topic: .carrierEvents, key: trackingNumber, id: "trk-\(trackingNumber)-\(sequence)", type: EventType.trackingUpdated,
                source: "demo/carrier/\(carrier)", time: time, data: update)
            return try PlannedEvent.cloudEvent(event, orderId: orderId, label: label + " (tracking.updated)")
        case .easyPost:
            let (code, detail): (String, String) = switch status {
            case .labelCreated: ("pre_transit", "label_created")
            case .outForDelivery: ("out_for_delivery", "out_for_delivery")
            case .availableForPickup: ("available_for_pickup", "arrived_at_pickup_location")
            case .attemptFailed: ("failure", "delivery_exception")
            case .exception: ("in_transit", "weather_delay")
            case .delivered: ("delivered", "arrived_at_destination")
            default: ("in_transit", "arrived_at_facility")
            }
            var tracker: [String: Any] = [
                "object": "Tracker", "tracking_code": trackingNumber, "status": code, "status_detail": detail,
                "carrier": carrier.uppercased(), "updated_at": stamp,
                "tracking_details": [["object": "TrackingDetail", "status": code, "status_detail": detail, "datetime": stamp,
                                      "message": detail.replacingOccurrences(of: "_", with: " "),
                                      "tracking_location": ["object": "TrackingLocation", "city": city]]],
            ]
            if let estimatedDelivery { tracker["est_delivery_date"] = RFC3339.format(estimatedDelivery) }
            let body: [String: Any] = [
                "object": "Event", "id": "evt_\(trackingNumber)_\(sequence)", "description": "tracker.updated",
                "created_at": stamp, "result": tracker,
            ]
            return PlannedEvent(
                at: time, topic: .carrierEvents, key: trackingNumber, value: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]),
                headers: [KafkaHeader(name: "carrier-source", text: "easypost")], orderId: orderId, label: label + " (EasyPost)")
        case .shippo:
            let (code, substatus): (String, String?) = switch status {
            case .labelCreated: ("PRE_TRANSIT", nil)
            case .outForDelivery: ("TRANSIT", "out_for_delivery")
            case .availableForPickup: ("TRANSIT", "pickup_available")
            case .attemptFailed: ("TRANSIT", "delivery_attempted")
            case .exception: ("TRANSIT", "delayed")
            case .delivered: ("DELIVERED", "delivered")
            default: ("TRANSIT", "package_departed")
            }
            var trackingStatus: [String: Any] = [
                "object_id": "ts_\(trackingNumber)_\(sequence)", "status": code, "status_details": status.rawValue,
                "status_date": stamp, "location": ["city": city],
            ]
            if let substatus { trackingStatus["substatus"] = ["code": substatus, "text": substatus, "action_required": false] }
            var data: [String: Any] = ["carrier": carrier, "tracking_number": trackingNumber, "tracking_status": trackingStatus]
            if let estimatedDelivery { data["eta"] = RFC3339.format(estimatedDelivery) }
            let body: [String: Any] = ["event": "track_updated", "test": false, "data": data]
            // Shippo's format is recognised from the body: no header.
            return PlannedEvent(
                at: time, topic: .carrierEvents, key: trackingNumber, value: try JSONSerialization.data(withJSONObject: body, options: [.sortedKeys]),
                headers: [], orderId: orderId, label: label + " (Shippo)")
        }
    }
}
