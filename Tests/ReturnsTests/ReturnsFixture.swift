import Foundation
@testable import PostPurchaseCore
import PostPurchaseTesting
@testable import Returns
import Synchronization

/// Builders for the returns tests: contract events as the runtime would hand them to the desk.
enum ReturnsFixture {
    static let templates = repositoryTemplatesDirectory

    /// The templates, loaded once for all tests (parsing them per test would dominate the property tests).
    static let composer: NotificationComposer = try! NotificationComposer(directory: templates, required: ReturnMessages.templates)

    static func date(_ text: String) -> Date { RFC3339.parse(text)! }

    /// A CloudEvent input on `topic`, encoded and decoded as the runtime would.
    static func input(_ type: String, _ data: any Encodable & Sendable, id: String = UUID().uuidString, time: Date,
                      topic: TopicName = .orders, key: String = "k", offset: Int64? = nil) throws -> WorkerInput {
        let outgoing = OutgoingEvent(topic: topic, key: key, id: id, type: type, source: "tests", time: time, data: data)
        return try .decoded(outgoing, offset: offset ?? nextOffset())
    }

    /// A raw record (not a CloudEvent) as an input; the runtime dead-letters these before a handler sees them.
    static func rawInput(_ body: String, topic: TopicName = .orders) -> WorkerInput {
        WorkerInput(
            topic: topic, record: KafkaRecord(topic: topic.rawValue, partition: 0, offset: nextOffset(), key: nil, value: Data(body.utf8), headers: []),
            event: nil)
    }

    private static let offsets = Mutex<Int64>(0)

    /// A fresh offset for each record a test builds, as Kafka would assign.
    static func nextOffset() -> Int64 { offsets.withLock { $0 += 1; return $0 } }

    /// An `order.paid` of `items` (sku, quantity, unit price, category, tags), SAR.
    static func paid(
        _ orderId: String = "ORD-1", items: [(sku: String, quantity: Int, price: Int)] = [("LAMP", 1, 12_999)],
        categories: [String: String] = [:], tags: [String: [String]] = [:], shipping: Int? = nil, total: Int? = nil,
        locale: String = "en-US", zone: String = "Asia/Riyadh", customerId: String = "CUS-1"
    ) -> OrderPaid {
        let itemsValue = items.reduce(0) { $0 + $1.quantity * $1.price }
        return OrderPaid(
            orderId: orderId,
            customer: .init(id: customerId, email: "noura@example.com", phone: "+966500000000", name: "Noura", locale: locale, timeZone: zone, marketingConsent: true),
            items: items.map {
                OrderPaid.Item(
                    sku: $0.sku, name: names[$0.sku] ?? $0.sku, category: categories[$0.sku] ?? "home", quantity: $0.quantity,
                    unitPrice: Money(amount: $0.price, currency: "SAR"), tags: tags[$0.sku])
            },
            shipping: shipping.map { Money(amount: $0, currency: "SAR") },
            total: Money(amount: total ?? (itemsValue + (shipping ?? 0)), currency: "SAR"), paidAt: date("2025-03-01T08:00:00Z"))
    }

    static let names = ["LAMP": "Desk lamp", "MUG": "Mug", "SOAP": "Soap", "CARD": "Gift card", "TEE": "T-shirt"]

    static func request(
        _ returnId: String = "RET-1", order: String = "ORD-1", items: [(sku: String, quantity: Int, reason: ReturnReason)] = [("LAMP", 1, .changedMind)],
        resolution: ReturnResolution = .refund, exchangeSku: String? = nil
    ) -> ReturnRequested {
        ReturnRequested(
            orderId: order, returnId: returnId, items: items.map { .init(sku: $0.sku, quantity: $0.quantity, reason: $0.reason) },
            resolution: resolution, exchangeSku: exchangeSku)
    }

    static func delivered(_ orderId: String = "ORD-1", at: String = "2025-03-05T12:00:00Z") -> OrderDelivered {
        OrderDelivered(orderId: orderId, deliveredAt: date(at), shipmentIds: ["SHP-1"])
    }

    static func label(_ returnId: String = "RET-1", order: String = "ORD-1") -> ReturnLabelCreated {
        ReturnLabelCreated(
            orderId: order, returnId: returnId, carrier: "aramex", trackingNumber: "RT\(returnId)", labelUrl: "https://labels.example.com/\(returnId).pdf")
    }

    /// A `shipment.status_changed` (or `.delivered` with `delivered`) of the return parcel.
    static func returnParcel(
        _ status: ShipmentStatus, returnId: String = "RET-1", order: String = "ORD-1", at: String = "2025-03-12T10:00:00Z", kind: ShipmentKind = .return
    ) -> ShipmentStatusChanged {
        ShipmentStatusChanged(
            orderId: order, shipmentId: returnId, trackingNumber: "RT\(returnId)", carrier: "aramex", kind: kind, status: status,
            previousStatus: .unknown, occurredAt: date(at), deliveredAt: status == .delivered ? date(at) : nil)
    }

    static func inspected(_ returnId: String = "RET-1", order: String = "ORD-1", items: [(String, Int, ItemCondition)]) -> ReturnInspected {
        ReturnInspected(orderId: order, returnId: returnId, items: items.map { .init(sku: $0.0, quantity: $0.1, condition: $0.2) })
    }
}

extension InMemoryDomainContext {
    /// Emitted `return-updates` events of `type`, decoded.
    func updates<T: Decodable>(_ type: String, as: T.Type) throws -> [T] { try outputs(type, as: T.self) }

    /// The customer messages emitted so far.
    func messages() throws -> [NotificationRequested] { try outputs(EventType.notificationRequested, as: NotificationRequested.self) }
}
