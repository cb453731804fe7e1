import Foundation
import Logging
import Loyalty
import PostPurchaseCore
import PostPurchaseTesting

/// Ledger events per second through one loyalty-worker pipeline with durable state (SQLite, or
/// PostgreSQL with `--postgres` or `--database-url URL`). Not a test: run it in release mode and
/// read the figures.
///
///     swift build -c release --product loyalty-benchmark
///     .build/release/loyalty-benchmark [events=50000] [orders-per-customer=4] [--postgres | --database-url URL]
@main
enum LoyaltyBenchmark {
    static func main() async throws {
        let arguments = CommandLine.arguments.dropFirst().compactMap { Int($0) }
        let events = arguments.first ?? 50_000
        let ordersPerCustomer = max(1, arguments.dropFirst().first ?? 4)
        // Per order: order.paid, shipment.delayed, review.submitted, order.delivered, refund.completed (half).
        let perOrder = 5
        let orders = max(1, events / perOrder)
        let partitions: Int32 = 12
        print("loyalty-benchmark: \(orders * perOrder) events for \(orders) orders of \(max(1, orders / ordersPerCustomer)) customers, \(partitions) partitions, \(ProcessInfo.processInfo.activeProcessorCount) cores")

        let fixture = try DevBrokerFixture(partitions: partitions)
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("loyalty-benchmark-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        var configuration = fixture.configuration(dataDirectory: data, groupId: "benchmark-loyalty")
        configuration.runtime.batchSize = 5_000
        let store = try BenchmarkStore(configuration: &configuration)
        defer { store.stop() }
        print("  state: \(store.description)")
        let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/templates").path
        let worker = try LoyaltyWorker(composer: try NotificationComposer(directory: templates, required: LoyaltyMessages.templates))

        // Orders keyed by order id on both topics, as upstream publishes them; a customer's orders
        // land on different partitions (the ledger is customer-scoped, one process sees them all).
        let now = Date()
        var onOrders: [OutgoingEvent] = []
        var onShipments: [OutgoingEvent] = []
        for index in 0..<orders {
            let orderId = "ORD-\(index)"
            let customerId = "CUS-\(index / ordersPerCustomer)"
            let price = 5_000 + (index % 50) * 1_000
            func event(_ type: String, _ id: String, _ payload: any Encodable & Sendable, topic: TopicName = .orders) -> OutgoingEvent {
                OutgoingEvent(topic: topic, key: orderId, id: "\(id)-\(index)", type: type, source: "benchmark", time: now, data: payload)
            }
            onOrders.append(event(EventType.orderPaid, "paid", OrderPaid(
                orderId: orderId,
                customer: .init(id: customerId, phone: "+9665\(index)", locale: index % 2 == 0 ? "ar-SA" : "en-US", timeZone: "Asia/Riyadh", marketingConsent: false),
                items: [.init(sku: "SKU-1", name: "Lamp", category: "home", quantity: 2, unitPrice: Money(amount: price, currency: "SAR"))],
                shipping: Money(amount: 2_500, currency: "SAR"), total: Money(amount: 2 * price + 2_500, currency: "SAR"), paidAt: now)))
            onShipments.append(event(EventType.shipmentDelayed, "delayed", ShipmentStatusChanged(
                orderId: orderId, shipmentId: "SHP-\(index)", trackingNumber: "TN\(index)", carrier: "aramex", kind: .outbound, status: .inTransit,
                previousStatus: .inTransit, occurredAt: now, reason: .promiseMissed, promisedBy: now), topic: .shipmentUpdates))
            onOrders.append(event(EventType.reviewSubmitted, "review", ReviewSubmitted(orderId: orderId, customerId: customerId, sku: "SKU-1", rating: 5)))
            onShipments.append(event(EventType.orderDelivered, "delivered", OrderDelivered(orderId: orderId, deliveredAt: now, shipmentIds: ["SHP-\(index)"]),
                                     topic: .shipmentUpdates))
            onOrders.append(event(EventType.refundCompleted, "refund", RefundCompleted(
                orderId: orderId, refundId: "RF-\(index)", amount: Money(amount: price, currency: "SAR"))))
        }
        for (topic, list) in [("orders", onOrders), ("shipment-updates", onShipments)] {
            for chunk in stride(from: 0, to: list.count, by: 10_000) {
                try fixture.publish(Array(list[chunk..<min(chunk + 10_000, list.count)]), topic: topic)
            }
        }
        print("  published: \(onOrders.count) on orders, \(onShipments.count) on shipment-updates")

        let running = try RunningWorker(worker, configuration: configuration)
        try await running.waitUntilReady()
        let started = ContinuousClock.now
        try await waitUntilConsumed(fixture, topics: ["orders", "shipment-updates"])
        let seconds = seconds(ContinuousClock.now - started)
        try await running.stop()
        let updates = try fixture.endOffsets(topic: "loyalty-updates").values.reduce(0, +)
        let messages = try fixture.endOffsets(topic: "notifications").values.reduce(0, +)
        let total = onOrders.count + onShipments.count
        print("  loyalty-worker, \(store.backend):".padding(toLength: 31, withPad: " ", startingAt: 0)
              + String(format: "%8.0f events/s (%d events in %.2f s, to the last committed offset)", Double(total) / seconds, total, seconds))
        print(String(format: "  ledger entries:                %8.0f entries/s (%d loyalty-updates, %d notifications)", Double(updates) / seconds, updates, messages))
        try? FileManager.default.removeItem(atPath: data)
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Waits until the benchmark group committed the end of every partition of `topics`.
    static func waitUntilConsumed(_ fixture: DevBrokerFixture, topics: [String]) async throws {
        for topic in topics {
            let end = try fixture.endOffsets(topic: topic)
            while true {
                let committed = try fixture.committedOffsets(group: "benchmark-loyalty", topic: topic)
                if end.allSatisfy({ partition, high in high == 0 || (committed[partition] ?? -1) >= high }) { break }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }
}
