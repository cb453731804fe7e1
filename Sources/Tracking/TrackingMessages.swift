import Foundation
import PostPurchaseCore

/// The template variables of the tracking worker's customer messages.
///
/// Every template may use: `customerName`, `orderId`, `shipmentId`, `trackingNumber`, `carrier`,
/// `location`, `estimatedDelivery` (a date in the customer's zone) with `hasEstimatedDelivery`,
/// `promisedBy` with `hasPromisedBy`, `parcel` (`{{#parcel}}{{number}}{{#count}} of {{count}}{{/count}}{{/parcel}}`,
/// absent for an order shipped in one parcel), and for `shipment.delayed` one of the flags
/// `promiseMissed`, `carrierException`.
public enum TrackingMessages {
    /// The templates the tracking worker renders; start-up fails if one is missing.
    public static let templates: [NotificationTemplate] = [
        .shipmentInTransit, .shipmentOutForDelivery, .shipmentAvailableForPickup, .shipmentAttemptFailed,
        .shipmentDelayed, .shipmentDelivered,
    ]

    /// The draft of `message` about `shipment`.
    public static func draft(
        _ message: ShipmentTimeline.Message, shipment: Shipment, order: OrderProgress, recipient: NotificationRecipient, now: Date
    ) -> NotificationDraft {
        var values: [String: NotificationValue] = [
            "orderId": .text(shipment.orderId),
            "shipmentId": .text(shipment.shipmentId),
            "trackingNumber": .text(shipment.trackingNumber),
            "carrier": .text(shipment.carrier),
            "hasEstimatedDelivery": .flag(shipment.estimatedDelivery != nil),
            "hasPromisedBy": .flag(shipment.promisedBy != nil),
        ]
        if let location = shipment.location { values["location"] = .text(location) }
        if let estimate = shipment.estimatedDelivery { values["estimatedDelivery"] = .date(estimate) }
        if let promisedBy = shipment.promisedBy { values["promisedBy"] = .date(promisedBy) }
        if let parcel = order.parcel(of: shipment.shipmentId) {
            var group: [String: NotificationValue] = ["number": .number(parcel.number)]
            if let count = parcel.count { group["count"] = .number(count) }
            values["parcel"] = .group(group)
        }
        if let reason = message.reason {
            values["reason"] = .text(reason.rawValue)
            values["promiseMissed"] = .flag(reason == .promiseMissed)
            values["carrierException"] = .flag(reason == .carrierException)
        }
        return NotificationDraft(
            template: message.template, recipient: recipient, orderId: shipment.orderId, cause: message.cause,
            category: .transactional, sendAt: now, values: values)
    }
}
