import Foundation
import PostPurchaseCore
import PostPurchaseTesting
import Testing

/// The real `tracking-worker` executable against the dev broker: raw carrier webhooks and contract
/// events in, shipment updates and customer messages out, each exactly once across a restart.
/// Once with SQLite, once with PostgreSQL.
@Suite("tracking-worker as a real process", .serialized)
struct TrackingWorkerProcessTests {
    let fixture: DevBrokerFixture
    let data = temporaryDirectory("pp-tracking")
    static let fixtures = repositoryRoot.appendingPathComponent("Tests/TrackingTests/Fixtures")

    init() throws {
        fixture = try DevBrokerFixture(partitions: 3)
    }

    func trackingWorker(group: String, databaseURL: String?) throws -> ChildProcess {
        // 9 s instead of 24 h, so the unknown-tracking-number dead letter is seen in the test.
        try workerProcess(.tracking, fixture: fixture, data: data, group: group, databaseURL: databaseURL, environment: ["POSTPURCHASE_TRACKING_UNMATCHED_HOURS": "0.0025"])
    }

    /// A provider fixture with its tracking number replaced.
    func webhook(_ file: String, trackingNumber: String) throws -> Data {
        var body = try JSONSerialization.jsonObject(with: Data(contentsOf: Self.fixtures.appendingPathComponent(file))) as! [String: Any]
        for member in ["result", "msg", "data"] {
            guard var inner = body[member] as? [String: Any] else { continue }
            if inner["tracking_code"] != nil { inner["tracking_code"] = trackingNumber }
            if inner["tracking_number"] != nil { inner["tracking_number"] = trackingNumber }
            body[member] = inner
        }
        return try JSONSerialization.data(withJSONObject: body)
    }

    func contractEvent(_ type: String, key: String, id: String, time: String, _ data: any Encodable & Sendable) -> OutgoingEvent {
        OutgoingEvent(topic: .orders, key: key, id: id, type: type, source: "tests", time: RFC3339.parse(time)!, data: data)
    }

    @Test(arguments: StoreBackend.allCases)
    func carrierWebhooksBecomeShipmentUpdatesAndMessagesExactlyOnce(backend: StoreBackend) async throws {
        let databaseURL = try backend.makeDatabaseURL()
        let number = "9400100000000000000001"
        var worker = try trackingWorker(group: "g-tracking", databaseURL: databaseURL)
        let paid = OrderPaid(
            orderId: "ORD-IT-1",
            customer: .init(id: "CUS-IT-1", phone: "+966500000001", name: "نورة", locale: "ar-SA", timeZone: "Asia/Riyadh", marketingConsent: false),
            items: [.init(sku: "LAMP", name: "Lamp", category: "home", quantity: 1, unitPrice: Money(amount: 12999, currency: "SAR"))],
            total: Money(amount: 12999, currency: "SAR"), paidAt: RFC3339.parse("2025-03-03T08:00:00Z")!)
        try fixture.publish([contractEvent(EventType.orderPaid, key: "ORD-IT-1", id: "paid-1", time: "2025-03-03T08:00:00Z", paid)], topic: "orders")
        // The out-for-delivery webhook races ahead of its dispatch event: it is parked, then applied.
        let outForDelivery = try webhook("aftership_tracking_update.json", trackingNumber: number)
        try fixture.publish([("carrier-events", number, outForDelivery, [])])
        let dispatched = ShipmentDispatched(
            orderId: "ORD-IT-1", shipmentId: "SHP-IT-1", carrier: "usps", trackingNumber: number, items: [ItemQuantity(sku: "LAMP", quantity: 1)],
            promisedBy: RFC3339.parse("2030-01-01T00:00:00Z")!)
        try fixture.publish(
            [contractEvent(EventType.shipmentDispatched, key: "ORD-IT-1", id: "dispatch-1", time: "2025-03-03T09:00:00Z", dispatched)],
            topic: "orders", binary: true)
        try await Task.sleep(for: .seconds(1))
        let delivered = try webhook("easypost_tracker_updated.json", trackingNumber: number)
        let plain: [(topic: String, key: String?, value: Data?, headers: [KafkaHeader])] = [
            ("carrier-events", number, delivered, [KafkaHeader(name: "carrier-source", text: "easypost")]),
            ("carrier-events", number, delivered, []),  // the provider retried the webhook
            ("carrier-events", "X", Data(#"{"hello":"carrier"}"#.utf8), []),  // no known format
            ("carrier-events", "NOBODY-1", try webhook("shippo_track_updated.json", trackingNumber: "NOBODY-1"), []),  // never dispatched
        ]
        try fixture.publish(plain)

        let updates = try await fixture.waitForRecords(on: "shipment-updates", count: 4)
        let messages = try await fixture.waitForRecords(on: "notifications", count: 2)
        let letters = try await fixture.waitForRecords(on: "dead-letters", count: 2, timeout: .seconds(60))

        // A restart (same group, same store) replays nothing and publishes nothing twice.
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit() == 0, "log:\n\(worker.output)")
        worker = try trackingWorker(group: "g-tracking", databaseURL: databaseURL)
        try fixture.publish([("carrier-events", number, delivered, [])])
        // Wait until the restarted worker has consumed (and committed) everything on carrier-events.
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        while try fixture.committedOffsets(group: "g-tracking", topic: "carrier-events") != fixture.endOffsets(topic: "carrier-events"),
              ContinuousClock.now < deadline {
            try await Task.sleep(for: .milliseconds(200))
        }
        #expect(try fixture.committedOffsets(group: "g-tracking", topic: "carrier-events") == fixture.endOffsets(topic: "carrier-events"))
        try await Task.sleep(for: .seconds(1))
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit() == 0, "log:\n\(worker.output)")

        let finalUpdates = try fixture.records(on: "shipment-updates")
        let finalMessages = try fixture.records(on: "notifications")
        #expect(finalUpdates.count == updates.count && finalMessages.count == messages.count)
        let events = try finalUpdates.map { try CloudEventCodec.decode($0) }
        #expect(events.map(\.type).sorted() == [
            EventType.orderDelivered, EventType.shipmentDelivered, EventType.shipmentStatusChanged, EventType.shipmentStatusChanged,
        ].sorted())
        #expect(Set(events.map(\.id)).count == events.count)
        #expect(finalUpdates.allSatisfy { $0.keyText == "ORD-IT-1" })
        let changes = try events.filter { $0.type == EventType.shipmentStatusChanged }.map { try $0.decodeData(ShipmentStatusChanged.self) }
        #expect(changes.map(\.status) == [.outForDelivery, .delivered])
        #expect(changes.map(\.previousStatus) == [.unknown, .outForDelivery])
        let order = try #require(try events.first { $0.type == EventType.orderDelivered }?.decodeData(OrderDelivered.self))
        #expect(order.shipmentIds == ["SHP-IT-1"])

        let notes = try finalMessages.map { try CloudEventCodec.decode($0).decodeData(NotificationRequested.self) }
        #expect(notes.map(\.template) == [.shipmentOutForDelivery, .shipmentDelivered])
        #expect(notes.allSatisfy { $0.locale == "ar-SA" && $0.customerId == "CUS-IT-1" && $0.channels == ["sms"] })
        #expect(notes.last?.subject == "تم توصيل طلبك \u{2068}ORD-IT-1\u{2069}")
        #expect(finalMessages.allSatisfy { $0.keyText == "CUS-IT-1" })

        let reasons = letters.compactMap { $0.headers.text("dlq-error") }.sorted()
        #expect(letters.count == 2, "\(reasons)")
        #expect(reasons.contains { $0.hasPrefix("rejected: unknown carrier format") })
        #expect(reasons.contains { $0.hasPrefix("rejected: trackingNumber: unknown-tracking-number") })
        let unknown = try #require(letters.first { $0.keyText == "NOBODY-1" })
        #expect(unknown.value == plain[3].value, "dead-lettered unchanged")
        #expect(unknown.headers.text("dlq-worker") == "tracking-worker")
        #expect(unknown.headers.text("dlq-topic") == "carrier-events")
    }

    @Test func aMissingTemplateStopsStartUpWithTheFileName() async throws {
        let empty = temporaryDirectory("pp-templates")
        let worker = try ChildProcess("tracking-worker", environment: [
            "KAFKA_BOOTSTRAP_SERVERS": fixture.bootstrapServers, "POSTPURCHASE_DATA_DIR": data, "POSTPURCHASE_HTTP_PORT": "0",
            "POSTPURCHASE_TEMPLATES_DIR": empty,
        ])
        #expect(try await worker.waitForExit() != 0)
        #expect(worker.output.contains("shipment.in_transit.en.mustache"), "\(worker.output)")
    }
}
