import Foundation
@testable import Loyalty
@testable import PostPurchaseCore
import PostPurchaseTesting
import Synchronization

/// Builders for the loyalty tests: contract events as the runtime decodes them, the composer, dates.
enum LoyaltyFixture {
    static let templates = repositoryTemplatesDirectory

    static func composer() throws -> NotificationComposer {
        try NotificationComposer(directory: templates, required: LoyaltyMessages.templates)
    }

    static func date(_ text: String) -> Date { RFC3339.parse(text)! }

    private static let offsets = Mutex<Int64>(0)

    /// A CloudEvent input, encoded and decoded as the runtime would (structured mode).
    static func event(_ type: String, _ data: any Encodable & Sendable, id: String = UUID().uuidString, time: Date,
                      topic: TopicName = .orders, key: String = "k") throws -> WorkerInput {
        let outgoing = OutgoingEvent(topic: topic, key: key, id: id, type: type, source: "tests", time: time, data: data)
        let offset = offsets.withLock { $0 += 1; return $0 }
        return try .decoded(outgoing, offset: offset)
    }

    static func paid(_ orderId: String, customer: String = "CUS-1", amount: Int = 12_999, quantity: Int = 1, currency: String = "SAR",
                     shipping: Int? = 2_500, locale: String = "en-US", zone: String = "Asia/Riyadh", name: String? = "Noura") -> OrderPaid {
        OrderPaid(
            orderId: orderId,
            customer: .init(id: customer, email: "noura@example.com", name: name, locale: locale, timeZone: zone, marketingConsent: false),
            items: [.init(sku: "LAMP", name: "Lamp", category: "home", quantity: quantity, unitPrice: Money(amount: amount, currency: currency))],
            shipping: shipping.map { Money(amount: $0, currency: currency) },
            total: Money(amount: amount * quantity + (shipping ?? 0), currency: currency), paidAt: date("2025-03-03T08:00:00Z"))
    }

    static func delivered(_ orderId: String, at: Date) -> OrderDelivered {
        OrderDelivered(orderId: orderId, deliveredAt: at, shipmentIds: ["SHP-\(orderId)"])
    }

    static func delayed(_ orderId: String, kind: ShipmentKind = .outbound) -> ShipmentStatusChanged {
        ShipmentStatusChanged(
            orderId: orderId, shipmentId: "SHP-\(orderId)", trackingNumber: "TN-\(orderId)", carrier: "aramex", kind: kind,
            status: .inTransit, previousStatus: .inTransit, occurredAt: date("2025-03-06T00:00:00Z"), reason: .promiseMissed,
            promisedBy: date("2025-03-06T00:00:00Z"))
    }

    static func returnRequested(_ orderId: String, returnId: String, resolution: ReturnResolution = .refund) -> ReturnRequested {
        ReturnRequested(orderId: orderId, returnId: returnId, items: [.init(sku: "LAMP", quantity: 1, reason: .changedMind)], resolution: resolution)
    }
}
