import Foundation
import PostPurchaseCore
import PostPurchaseTesting
import Testing

/// The real `loyalty-worker` executable against the dev broker: contract events from three topics
/// in, ledger entries and customer messages out, each exactly once across a restart and
/// redeliveries with new event ids; then `postpurchase loyalty` prints the ledger. Once with
/// SQLite, once with PostgreSQL.
@Suite("loyalty-worker as a real process", .serialized)
struct LoyaltyWorkerProcessTests {
    let fixture: DevBrokerFixture
    let data = temporaryDirectory("pp-loyalty")

    init() throws {
        fixture = try DevBrokerFixture(partitions: 3)
    }

    /// A configuration file whose return window is 0 days, so confirmation happens in the test.
    func configFile() throws -> String {
        let path = (data as NSString).appendingPathComponent("loyalty.yaml")
        try "loyalty:\n  returnWindowDays: 0\n  ruleVersion: it-1\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func loyaltyWorker(group: String, databaseURL: String?) throws -> ChildProcess {
        try workerProcess(.loyalty, fixture: fixture, data: data, group: group, databaseURL: databaseURL, arguments: ["--config", try configFile()])
    }

    func event(_ type: String, key: String, id: String, _ data: any Encodable & Sendable) -> OutgoingEvent {
        OutgoingEvent(topic: .orders, key: key, id: id, type: type, source: "tests", time: Date(), data: data)
    }

    func waitUntilConsumed(group: String, topics: [String]) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        for topic in topics {
            while try fixture.committedOffsets(group: group, topic: topic).filter({ $0.value > 0 }) != fixture.endOffsets(topic: topic).filter({ $0.value > 0 }),
                  ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func theLedgerIsBookedAndAnnouncedExactlyOnce(backend: StoreBackend) async throws {
        let databaseURL = try backend.makeDatabaseURL()
        var worker = try loyaltyWorker(group: "g-loyalty", databaseURL: databaseURL)
        let order = "ORD-LY-1", customer = "CUS-LY-1"
        let paid = OrderPaid(
            orderId: order,
            customer: .init(id: customer, phone: "+966500000001", name: "نورة", locale: "ar-SA", timeZone: "Asia/Riyadh", marketingConsent: false),
            items: [.init(sku: "LAMP", name: "Lamp", category: "home", quantity: 2, unitPrice: Money(amount: 12_999, currency: "SAR"))],
            shipping: Money(amount: 2_500, currency: "SAR"), total: Money(amount: 28_498, currency: "SAR"), paidAt: Date())
        let delayed = ShipmentStatusChanged(
            orderId: order, shipmentId: "SHP-1", trackingNumber: "TN1", carrier: "aramex", kind: .outbound, status: .inTransit,
            previousStatus: .inTransit, occurredAt: Date(), reason: .promiseMissed, promisedBy: Date())
        let review = ReviewSubmitted(orderId: order, customerId: customer, sku: "LAMP", rating: 5)
        try fixture.publish([event(EventType.orderPaid, key: order, id: "paid-1", paid)], topic: "orders")
        try fixture.publish([event(EventType.shipmentDelayed, key: order, id: "delay-1", delayed)], topic: "shipment-updates")
        try fixture.publish([
            event(EventType.reviewSubmitted, key: order, id: "review-1", review),
            event(EventType.reviewSubmitted, key: order, id: "review-2", review),  // the same review, published again
            event(EventType.reviewSubmitted, key: order, id: "review-bad", ReviewSubmitted(orderId: order, customerId: customer, sku: "LAMP", rating: 9)),
            event("order.gift_wrapped", key: order, id: "gift-1", ["orderId": order]),
        ], topic: "orders")
        _ = try await fixture.waitForRecords(on: "loyalty-updates", count: 3)
        // Delivered: the (0-day) return window closes at once and the 259 pending points are confirmed.
        try fixture.publish(
            [event(EventType.orderDelivered, key: order, id: "delivered-1", OrderDelivered(orderId: order, deliveredAt: Date(), shipmentIds: ["SHP-1"]))],
            topic: "shipment-updates", binary: true)
        _ = try await fixture.waitForRecords(on: "loyalty-updates", count: 5)
        // Half refunded: 129 of the 259 points come back out of the available balance.
        let refund = RefundCompleted(orderId: order, refundId: "RF-1", amount: Money(amount: 12_999, currency: "SAR"))
        try fixture.publish([event(EventType.refundCompleted, key: order, id: "refund-1", refund)], topic: "orders")
        let updates = try await fixture.waitForRecords(on: "loyalty-updates", count: 6)
        let messages = try await fixture.waitForRecords(on: "notifications", count: 4)
        let letters = try await fixture.waitForRecords(on: "dead-letters", count: 1)

        // A restart, then every input published again with new ids: nothing more is booked or sent.
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit() == 0, "log:\n\(worker.output)")
        worker = try loyaltyWorker(group: "g-loyalty", databaseURL: databaseURL)
        try fixture.publish([
            event(EventType.orderPaid, key: order, id: "paid-again", paid),
            event(EventType.reviewSubmitted, key: order, id: "review-again", review),
            event(EventType.refundCompleted, key: order, id: "refund-again", refund),
        ], topic: "orders")
        try fixture.publish([event(EventType.shipmentDelayed, key: order, id: "delay-again", delayed)], topic: "shipment-updates")
        try await waitUntilConsumed(group: "g-loyalty", topics: ["orders", "shipment-updates"])
        try await Task.sleep(for: .seconds(1))
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit() == 0, "log:\n\(worker.output)")

        let finalUpdates = try fixture.records(on: "loyalty-updates")
        let finalMessages = try fixture.records(on: "notifications")
        #expect(finalUpdates.count == updates.count && finalMessages.count == messages.count)
        let changes = try finalUpdates.map { try CloudEventCodec.decode($0) }
            .filter { $0.type == EventType.loyaltyPointsChanged }.map { try $0.decodeData(LoyaltyPointsChanged.self) }
        #expect(changes.count == 6)
        #expect(finalUpdates.allSatisfy { $0.keyText == customer })
        #expect(Set(changes.map(\.entryId)).count == changes.count)
        let byReason = Dictionary(grouping: changes, by: \.reason).mapValues { $0.map(\.delta).sorted() }
        #expect(byReason[.purchase] == [259])
        #expect(byReason[.serviceRecovery] == [100])
        #expect(byReason[.reviewBonus] == [50])
        #expect(byReason[.confirmed] == [-259, 259])
        #expect(byReason[.refundReversal] == [-129])
        let last = try #require(changes.last)
        #expect(last.reason == .refundReversal && last.availableBalance == 280 && last.pendingBalance == 0)

        let notes = try finalMessages.map { try CloudEventCodec.decode($0).decodeData(NotificationRequested.self) }
        #expect(notes.map(\.template.rawValue).sorted() == [
            "loyalty.goodwill_granted", "loyalty.goodwill_granted", "loyalty.points_earned", "loyalty.points_reversed",
        ])
        #expect(notes.allSatisfy { $0.locale == "ar-SA" && $0.customerId == customer && $0.channels == ["sms"] })
        let reversed = try #require(notes.first { $0.template.rawValue == "loyalty.points_reversed" })
        #expect(reversed.body.contains("\u{2068}RF-1\u{2069}") && reversed.body.contains("النقاط المخصومة: ١٢٩"))
        #expect(reversed.body.contains("رصيدك المتاح الآن: ٢٨٠"))

        #expect(letters.count == 1)
        #expect(letters.first?.headers.text("dlq-error") == "invalid-data: data.rating: 9 is not between 1 and 5")
        #expect(letters.first?.headers.text("dlq-worker") == "loyalty-worker")

        // The CLI reads the same store.
        let cli = StoreBackend.environment(databaseURL: databaseURL)
        let statement = try await runToCompletion("postpurchase", ["loyalty", customer, "--data", data, "--config", try configFile()], environment: cli)
        #expect(statement.status == 0, "\(statement.output)")
        #expect(statement.output.contains("available 280  pending 0  debt 0"), "\(statement.output)")
        #expect(statement.output.contains("refund_reversal:\(order):refund:RF-1/available"))
        #expect(statement.output.contains("ledger (6 entries):"))
        let unknown = try await runToCompletion("postpurchase", ["loyalty", "CUS-NOBODY", "--data", data], environment: cli)
        #expect(unknown.status != 0 && unknown.output.contains("has no loyalty ledger"))
    }

    @Test func anInvalidPolicyStopsStartUpNamingTheKey() async throws {
        let path = (data as NSString).appendingPathComponent("bad.yaml")
        try "loyalty:\n  tiers:\n    gold:\n      minimumPoints: 10\n".write(toFile: path, atomically: true, encoding: .utf8)
        let worker = try ChildProcess("loyalty-worker", arguments: ["--config", path], environment: [
            "KAFKA_BOOTSTRAP_SERVERS": fixture.bootstrapServers, "POSTPURCHASE_DATA_DIR": data, "POSTPURCHASE_HTTP_PORT": "0",
            "POSTPURCHASE_TEMPLATES_DIR": repositoryRoot.appendingPathComponent("Config/templates").path,
        ])
        #expect(try await worker.waitForExit() != 0)
        #expect(worker.output.contains("loyalty.tiers.gold.minimumPoints"), "\(worker.output)")
    }
}
