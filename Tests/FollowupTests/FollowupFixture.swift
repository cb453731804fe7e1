import Foundation
@testable import Followup
@testable import PostPurchaseCore
import PostPurchaseTesting
import Synchronization

/// Builders for the follow-up tests: contract events as the runtime decodes them, and a planner
/// driven through an in-memory context with a clock the test moves.
enum FollowupFixture {
    static let templates = repositoryTemplatesDirectory

    static func composer() throws -> NotificationComposer {
        try NotificationComposer(directory: templates, required: FollowupMessages.templates)
    }

    static func date(_ text: String) -> Date { RFC3339.parse(text)! }

    /// RFC 3339 in UTC without the zero milliseconds, as the test tables write times.
    static func iso(_ date: Date) -> String { FollowupTimeline.format(date) }

    private static let offsets = Mutex<Int64>(0)

    /// A CloudEvent input, decoded as the runtime would decode it.
    static func event(_ type: String, _ data: any Encodable & Sendable, id: String, time: Date, topic: TopicName, key: String) throws -> WorkerInput {
        let outgoing = OutgoingEvent(topic: topic, key: key, id: id, type: type, source: "tests", time: time, data: data)
        let offset = offsets.withLock { $0 += 1; return $0 }
        return try .decoded(outgoing, offset: offset)
    }

    struct Line {
        var sku: String
        var category: String
        var quantity = 1
        var replenishAfterDays: Int?
    }

    static func paid(_ orderId: String = "ORD-1", customer: String = "CUS-1", lines: [Line], at: String, zone: String = "Asia/Riyadh",
                     locale: String = "en-US", consent: Bool = true, name: String? = "Noura") -> OrderPaid {
        OrderPaid(
            orderId: orderId,
            customer: .init(id: customer, email: "noura@example.com", name: name, locale: locale, timeZone: zone, marketingConsent: consent),
            items: lines.map {
                .init(sku: $0.sku, name: $0.sku.capitalized, category: $0.category, quantity: $0.quantity,
                      unitPrice: Money(amount: 1000, currency: "SAR"), replenishAfterDays: $0.replenishAfterDays)
            },
            total: Money(amount: 1000, currency: "SAR"), paidAt: date(at))
    }

    static func dispatched(_ orderId: String = "ORD-1", shipment: String = "SHP-1", items: [(String, Int)]) -> ShipmentDispatched {
        ShipmentDispatched(
            orderId: orderId, shipmentId: shipment, carrier: "smsa", trackingNumber: "TN-\(shipment)",
            items: items.map { ItemQuantity(sku: $0.0, quantity: $0.1) }, promisedBy: date("2025-03-07T20:00:00Z"))
    }

    static func parcel(_ orderId: String = "ORD-1", shipment: String = "SHP-1", at: String, status: ShipmentStatus = .delivered,
                       kind: ShipmentKind = .outbound, reason: DelayReason? = nil) -> ShipmentStatusChanged {
        ShipmentStatusChanged(
            orderId: orderId, shipmentId: shipment, trackingNumber: "TN-\(shipment)", carrier: "smsa", kind: kind, status: status,
            previousStatus: .outForDelivery, occurredAt: date(at), deliveredAt: status == .delivered ? date(at) : nil, reason: reason)
    }
}
