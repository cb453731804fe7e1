import Foundation
import PostPurchaseCore
import PostPurchaseTesting
import Returns

/// Return requests per second through one returns-worker pipeline with durable state (SQLite, or
/// PostgreSQL with `--postgres` or `--database-url URL`), then the rest of each return's journey
/// (label, scans, delivery back, inspection → refund). Not a test: run it in release mode and
/// read the figures.
///
///     swift build -c release --product returns-benchmark
///     .build/release/returns-benchmark [requests=20000] [--postgres | --database-url URL]
@main
enum ReturnsBenchmark {
    static func main() async throws {
        let requests = CommandLine.arguments.dropFirst().compactMap { Int($0) }.first ?? 20_000
        let partitions: Int32 = 12
        print("returns-benchmark: \(requests) return requests (one per order), \(partitions) partitions, \(ProcessInfo.processInfo.activeProcessorCount) cores")

        let fixture = try DevBrokerFixture(partitions: partitions)
        let data = FileManager.default.temporaryDirectory.appendingPathComponent("returns-benchmark-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        var configuration = fixture.configuration(dataDirectory: data, groupId: group)
        configuration.runtime.batchSize = 5_000
        let store = try BenchmarkStore(configuration: &configuration)
        defer { store.stop() }
        print("  state: \(store.description)")
        let templates = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
            .appendingPathComponent("Config/templates").path
        let worker = ReturnsWorker(composer: try NotificationComposer(directory: templates, required: ReturnMessages.templates))
        let start = Date(timeIntervalSince1970: 1_740_000_000)

        // 1. Orders paid and delivered, processed before the measurement.
        var orders: [OutgoingEvent] = []
        var deliveries: [OutgoingEvent] = []
        for index in 0..<requests {
            orders.append(event(EventType.orderPaid, index, "paid", start, paid(index, at: start)))
            deliveries.append(event(EventType.orderDelivered, index, "delivered", start.addingTimeInterval(3 * 86_400),
                                    OrderDelivered(orderId: orderId(index), deliveredAt: start.addingTimeInterval(3 * 86_400), shipmentIds: ["S"]),
                                    topic: .shipmentUpdates))
        }
        try publish(fixture, orders, topic: "orders")
        try publish(fixture, deliveries, topic: "shipment-updates")
        var running = try RunningWorker(worker, configuration: configuration)
        try await waitUntilConsumed(fixture, topics: ["orders", "shipment-updates"])
        try await running.stop()
        print("  orders paid and delivered: \(requests)")

        // 2. The return requests: decide, approve, request a label, tell the customer.
        let requestTime = start.addingTimeInterval(10 * 86_400)
        try publish(fixture, (0..<requests).map { event(EventType.returnRequested, $0, "request", requestTime, request($0)) }, topic: "orders")
        running = try RunningWorker(worker, configuration: configuration)
        try await running.waitUntilReady()
        var started = ContinuousClock.now
        try await waitUntilConsumed(fixture, topics: ["orders"])
        let requestSeconds = seconds(ContinuousClock.now - started)
        try await running.stop()
        let approvals = try fixture.endOffsets(topic: "return-updates").values.reduce(0, +)

        // 3. The rest of each journey: label, first scan, delivered back, inspected (→ refund.requested).
        var labels: [OutgoingEvent] = []
        var parcels: [OutgoingEvent] = []
        for index in 0..<requests {
            let label = ReturnLabelCreated(
                orderId: orderId(index), returnId: returnId(index), carrier: "aramex", trackingNumber: "RT\(index)", labelUrl: "https://l.example/\(index)")
            labels.append(event(EventType.returnLabelCreated, index, "label", requestTime, label))
            labels.append(event(EventType.returnInspected, index, "inspected", requestTime.addingTimeInterval(5 * 86_400), ReturnInspected(
                orderId: orderId(index), returnId: returnId(index), items: [.init(sku: "SKU-1", quantity: 1, condition: .resellable)])))
            for (status, day) in [(ShipmentStatus.inTransit, 1.0), (.delivered, 3.0)] {
                let at = requestTime.addingTimeInterval(day * 86_400)
                parcels.append(event(status == .delivered ? EventType.shipmentDelivered : EventType.shipmentStatusChanged, index, "parcel-\(status)", at,
                                     ShipmentStatusChanged(
                                        orderId: orderId(index), shipmentId: returnId(index), trackingNumber: "RT\(index)", carrier: "aramex", kind: .return,
                                        status: status, previousStatus: .unknown, occurredAt: at, deliveredAt: status == .delivered ? at : nil),
                                     topic: .shipmentUpdates))
            }
        }
        try publish(fixture, labels, topic: "orders")
        try publish(fixture, parcels, topic: "shipment-updates")
        running = try RunningWorker(worker, configuration: configuration)
        try await running.waitUntilReady()
        started = ContinuousClock.now
        try await waitUntilConsumed(fixture, topics: ["orders", "shipment-updates"])
        let journeySeconds = seconds(ContinuousClock.now - started)
        try await running.stop()
        let updates = try fixture.endOffsets(topic: "return-updates").values.reduce(0, +)
        let messages = try fixture.endOffsets(topic: "notifications").values.reduce(0, +)

        let journeyEvents = labels.count + parcels.count
        print("  return requests, \(store.backend):".padding(toLength: 31, withPad: " ", startingAt: 0)
              + String(format: "%8.0f requests/s (%.2f s, to the last committed offset)", Double(requests) / requestSeconds, requestSeconds))
        print("  journey events, \(store.backend):".padding(toLength: 31, withPad: " ", startingAt: 0)
              + String(format: "%8.0f events/s (%.2f s for %d label, scan, delivery and inspection events)",
                       Double(journeyEvents) / journeySeconds, journeySeconds, journeyEvents))
        print("  outputs: \(approvals) return-updates after the requests, \(updates) in all, \(messages) notifications")
        // Every return: approved + label requested, then received + refund requested; messages: approval, label link, received.
        if approvals != 2 * requests || updates != 4 * requests || messages != 3 * requests {
            print("  UNEXPECTED output counts: expected \(2 * requests), \(4 * requests) and \(3 * requests)")
        }
        try? FileManager.default.removeItem(atPath: data)
    }

    static let group = "benchmark-returns"

    static func orderId(_ index: Int) -> String { "ORD-\(index)" }
    static func returnId(_ index: Int) -> String { "RET-\(index)" }

    static func paid(_ index: Int, at time: Date) -> OrderPaid {
        OrderPaid(
            orderId: orderId(index),
            customer: .init(id: "CUS-\(index % 5_000)", email: "c\(index)@example.com", locale: index % 2 == 0 ? "ar-SA" : "en-US",
                            timeZone: "Asia/Riyadh", marketingConsent: false),
            items: [
                .init(sku: "SKU-1", name: "Lamp", category: "home", quantity: 1, unitPrice: Money(amount: 12_999, currency: "SAR")),
                .init(sku: "SKU-2", name: "Mug", category: "home", quantity: 2, unitPrice: Money(amount: 2_500, currency: "SAR")),
            ],
            shipping: Money(amount: 1_500, currency: "SAR"), total: Money(amount: 19_999, currency: "SAR"), paidAt: time)
    }

    static func request(_ index: Int) -> ReturnRequested {
        ReturnRequested(
            orderId: orderId(index), returnId: returnId(index),
            items: [.init(sku: "SKU-1", quantity: 1, reason: index % 3 == 0 ? .damaged : .changedMind)], resolution: .refund)
    }

    static func event(_ type: String, _ index: Int, _ tag: String, _ time: Date, _ data: any Encodable & Sendable, topic: TopicName = .orders) -> OutgoingEvent {
        OutgoingEvent(topic: topic, key: orderId(index), id: "\(tag)-\(index)", type: type, source: "benchmark", time: time, data: data)
    }

    static func publish(_ fixture: DevBrokerFixture, _ events: [OutgoingEvent], topic: String) throws {
        for chunk in stride(from: 0, to: events.count, by: 10_000) {
            try fixture.publish(Array(events[chunk..<min(chunk + 10_000, events.count)]), topic: topic)
        }
    }

    static func seconds(_ duration: Duration) -> Double {
        Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
    }

    /// Waits until the benchmark group committed the end of every partition of `topics`.
    static func waitUntilConsumed(_ fixture: DevBrokerFixture, topics: [String]) async throws {
        for topic in topics {
            let end = try fixture.endOffsets(topic: topic)
            while true {
                let committed = try fixture.committedOffsets(group: group, topic: topic)
                if end.allSatisfy({ partition, high in high == 0 || (committed[partition] ?? -1) >= high }) { break }
                try await Task.sleep(for: .milliseconds(20))
            }
        }
    }
}
