import Foundation
import PostPurchaseCore
import PostPurchaseTesting
import Testing

/// The real `followup-worker` executable against the dev broker, with time running 14 400 times
/// faster (a day in 6 s): contract events in, timed follow-ups out, each exactly once across a
/// SIGTERM and a restart with follow-ups still pending; once with SQLite, once with PostgreSQL.
@Suite("followup-worker as a real process", .serialized)
struct FollowupWorkerProcessTests {
    let fixture: DevBrokerFixture
    let data = temporaryDirectory("pp-followup")
    static let speed = 14_400.0

    init() throws {
        fixture = try DevBrokerFixture(partitions: 3)
    }

    /// A configuration file with shorter delays (so the whole journey takes under a minute) and
    /// the rest of the follow-up settings at their defaults.
    func configFile() throws -> String {
        let path = (data as NSString).appendingPathComponent("followup.yaml")
        try FileManager.default.createDirectory(atPath: data, withIntermediateDirectories: true)
        try """
            followup:
              templates:
                reviewRequest: {delayDays: 3}
                crossSell: {delayDays: 4}
            """.write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func followupWorker(config: String, databaseURL: String?) throws -> ChildProcess {
        try workerProcess(.followup, fixture: fixture, data: data, group: "g-followup", databaseURL: databaseURL, arguments: ["--config", config],
                          environment: ["POSTPURCHASE_CLOCK_SPEED": "\(Self.speed)"])
    }

    func notifications() throws -> [NotificationRequested] {
        try fixture.records(on: "notifications").map { try CloudEventCodec.decode($0).decodeData(NotificationRequested.self) }
    }

    @Test(arguments: StoreBackend.allCases)
    func followupsFireOnTimeAndExactlyOnceAcrossARestart(backend: StoreBackend) async throws {
        let config = try configFile()
        let databaseURL = try backend.makeDatabaseURL()
        let launched = Date()
        // The worker's clock starts at its launch and runs `speed` times faster; events carry
        // times on that clock (within the launch delay), as upstream services would.
        func scaledNow() -> Date { launched.addingTimeInterval(Date().timeIntervalSince(launched) * Self.speed) }
        var worker = try followupWorker(config: config, databaseURL: databaseURL)

        let paid = OrderPaid(
            orderId: "ORD-IT-1",
            customer: .init(id: "CUS-IT-1", email: "noura@example.com", name: "Noura", locale: "en-US", timeZone: "UTC", marketingConsent: true),
            items: [
                .init(sku: "KETTLE", name: "Kettle", category: "electronics", quantity: 1, unitPrice: Money(amount: 12999, currency: "SAR")),
                .init(sku: "BEANS", name: "Coffee beans", category: "coffee", quantity: 1, unitPrice: Money(amount: 4999, currency: "SAR")),
            ],
            total: Money(amount: 17998, currency: "SAR"), paidAt: scaledNow())
        let dispatched = ShipmentDispatched(
            orderId: "ORD-IT-1", shipmentId: "SHP-IT-1", carrier: "smsa", trackingNumber: "TN-IT-1",
            items: [ItemQuantity(sku: "KETTLE", quantity: 1), ItemQuantity(sku: "BEANS", quantity: 1)], promisedBy: scaledNow().addingTimeInterval(3 * 86_400))
        try fixture.publish([
            OutgoingEvent(topic: .orders, key: "ORD-IT-1", id: "paid-1", type: EventType.orderPaid, source: "tests", time: paid.paidAt, data: paid),
            // The same payment published again with a new id changes nothing.
            OutgoingEvent(topic: .orders, key: "ORD-IT-1", id: "paid-1-again", type: EventType.orderPaid, source: "tests", time: paid.paidAt, data: paid),
            OutgoingEvent(topic: .orders, key: "ORD-IT-1", id: "dispatch-1", type: EventType.shipmentDispatched, source: "tests", time: scaledNow(), data: dispatched),
            OutgoingEvent(topic: .orders, key: "ORD-BAD", id: "bad-1", type: EventType.orderPaid, source: "tests", time: Date(), data: ["orderId": "ORD-BAD"]),
        ], topic: "orders")
        // "We're preparing" at once; the parcel is delivered once the customer has been told.
        _ = try await fixture.waitForRecords(on: "notifications", count: 1, timeout: .seconds(60))
        let deliveredAt = scaledNow()
        let delivered = ShipmentStatusChanged(
            orderId: "ORD-IT-1", shipmentId: "SHP-IT-1", trackingNumber: "TN-IT-1", carrier: "smsa", kind: .outbound, status: .delivered,
            previousStatus: .outForDelivery, occurredAt: deliveredAt, deliveredAt: deliveredAt)
        try fixture.publish([
            OutgoingEvent(topic: .shipmentUpdates, key: "ORD-IT-1", id: "delivered-1", type: EventType.shipmentDelivered, source: "tracking-worker",
                          time: deliveredAt, data: delivered),
        ], topic: "shipment-updates")

        // Setup help a day after delivery (6 s); the delight check
        // (2 days), review request (3) and cross-sell (4) are still pending when the worker stops.
        let early = try await fixture.waitForRecords(on: "notifications", count: 2, timeout: .seconds(60))
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit() == 0, "log:\n\(worker.output)")
        let beforeRestart = try notifications()
        #expect(early.count == 2 && beforeRestart.count < 5, "\(beforeRestart.map(\.template))")
        #expect(beforeRestart.map(\.template) == Array([
            NotificationTemplate.orderPreparing, .followupSetupHelp, .followupDelightCheck, .followupReviewRequest,
        ].prefix(beforeRestart.count)))

        worker = try followupWorker(config: config, databaseURL: databaseURL)
        _ = try await fixture.waitForRecords(on: "notifications", count: 5, timeout: .seconds(120))
        // Anything fired twice would show up now.
        try await Task.sleep(for: .seconds(3))
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit() == 0, "log:\n\(worker.output)")

        let sent = try notifications()
        #expect(sent.map(\.template) == [
            .orderPreparing, .followupSetupHelp, .followupDelightCheck, .followupReviewRequest, .followupCrossSell,
        ])
        #expect(Set(sent.map(\.notificationId)).count == sent.count)
        #expect(sent.allSatisfy { $0.customerId == "CUS-IT-1" && $0.orderId == "ORD-IT-1" && $0.locale == "en-US" })
        #expect(try fixture.records(on: "notifications").allSatisfy { $0.keyText == "CUS-IT-1" })
        let review = try #require(sent.first { $0.template == .followupReviewRequest })
        #expect(review.data["reviewUrl"] == "https://shop.example.com/orders/ORD-IT-1/review?sku=KETTLE,BEANS")
        #expect(review.category == .marketing)
        let offer = try #require(sent.first { $0.template == .followupCrossSell })
        #expect(offer.data["crossSellSku"] == "FILTER-PAPER-100")
        // Due times come from the delivery's own time, not from when the worker read it.
        let help = try #require(sent.first { $0.template == .followupSetupHelp })
        let due = deliveredAt.addingTimeInterval(86_400)
        #expect(help.sendAt >= due && help.sendAt.timeIntervalSince(due) < 12 * 3_600, "\(help.sendAt) vs \(due)")

        let letters = try await fixture.waitForRecords(on: "dead-letters", count: 1)
        #expect(letters.first?.headers.text("dlq-error") == "invalid-data: data.customer: required field is missing")
        #expect(letters.first?.headers.text("dlq-worker") == "followup-worker")

        // `postpurchase why` reads the stopped worker's state.
        let why = try await runToCompletion(
            "postpurchase", ["why", "ORD-IT-1", "--data-dir", data], environment: StoreBackend.environment(databaseURL: databaseURL))
        #expect(why.status == 0, "\(why.output)")
        #expect(why.output.hasPrefix("Order ORD-IT-1: 5 follow-ups for customer CUS-IT-1"), "\(why.output)")
        #expect(why.output.components(separatedBy: " — SENT").count == 6, "\(why.output)")
        // An empty data directory or database: nothing is created, the CLI says where it looked.
        let missing = try await runToCompletion(
            "postpurchase", ["why", "ORD-IT-1", "--data-dir", temporaryDirectory("pp-none")],
            environment: StoreBackend.environment(databaseURL: try backend.makeDatabaseURL()))
        #expect(missing.status != 0 && missing.output.contains("no follow-up worker state"), "\(missing.output)")
    }
}
