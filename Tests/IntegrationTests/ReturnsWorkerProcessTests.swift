import Foundation
import PostPurchaseCore
import PostPurchaseTesting
import Testing

/// The real `returns-worker` executable against the dev broker: a return from request to refund
/// (orders and shipment-updates in, return-updates and customer messages out), each output exactly
/// once across duplicates and a restart; bad input and a return of an unknown order dead-lettered.
/// Once with SQLite, once with PostgreSQL.
@Suite("returns-worker as a real process", .serialized)
struct ReturnsWorkerProcessTests {
    let fixture: DevBrokerFixture
    let data = temporaryDirectory("pp-returns")

    init() throws {
        fixture = try DevBrokerFixture(partitions: 3)
    }

    /// A configuration file with only the returns section: parked returns wait 9 s instead of 24 h.
    func configFile() throws -> String {
        let path = (data as NSString).appendingPathComponent("returns.yaml")
        try "returns:\n  parkingHours: 0.0025\n  storeCreditBonusPercent: 10\n".write(toFile: path, atomically: true, encoding: .utf8)
        return path
    }

    func returnsWorker(group: String, databaseURL: String?) throws -> ChildProcess {
        try workerProcess(.returns, fixture: fixture, data: data, group: group, databaseURL: databaseURL, arguments: ["--config", try configFile()])
    }

    func event(_ type: String, key: String = "ORD-IT-R", id: String, time: String, topic: TopicName = .orders, _ data: any Encodable & Sendable) -> OutgoingEvent {
        OutgoingEvent(topic: topic, key: key, id: id, type: type, source: "tests", time: RFC3339.parse(time)!, data: data)
    }

    func returnParcel(_ status: ShipmentStatus, at time: String) -> ShipmentStatusChanged {
        ShipmentStatusChanged(
            orderId: "ORD-IT-R", shipmentId: "RET-IT-1", trackingNumber: "RT-IT-1", carrier: "aramex", kind: .return, status: status,
            previousStatus: .unknown, occurredAt: RFC3339.parse(time)!, deliveredAt: status == .delivered ? RFC3339.parse(time)! : nil)
    }

    /// Waits until `group` committed the end of every partition of `topics` that holds records.
    func waitUntilConsumed(group: String, topics: [String]) async throws {
        let deadline = ContinuousClock.now.advanced(by: .seconds(30))
        func consumed(_ topic: String) throws -> Bool {
            let committed = try fixture.committedOffsets(group: group, topic: topic)
            return try fixture.endOffsets(topic: topic).allSatisfy { partition, end in end == 0 || committed[partition] == end }
        }
        for topic in topics {
            while try !consumed(topic), ContinuousClock.now < deadline {
                try await Task.sleep(for: .milliseconds(200))
            }
            #expect(try consumed(topic), "\(topic)")
        }
    }

    @Test(arguments: StoreBackend.allCases)
    func aReturnGoesFromRequestToRefundExactlyOnce(backend: StoreBackend) async throws {
        let databaseURL = try backend.makeDatabaseURL()
        var worker = try returnsWorker(group: "g-returns", databaseURL: databaseURL)
        let paid = OrderPaid(
            orderId: "ORD-IT-R",
            customer: .init(id: "CUS-IT-R", email: "noura@example.com", name: "نورة", locale: "ar-SA", timeZone: "Asia/Riyadh", marketingConsent: false),
            items: [
                .init(sku: "LAMP", name: "Desk lamp", category: "home", quantity: 1, unitPrice: Money(amount: 12_999, currency: "SAR")),
                .init(sku: "SOAP", name: "Soap", category: "hygiene", quantity: 1, unitPrice: Money(amount: 1_000, currency: "SAR")),
            ],
            shipping: Money(amount: 1_500, currency: "SAR"), total: Money(amount: 15_499, currency: "SAR"), paidAt: RFC3339.parse("2025-03-01T08:00:00Z")!)
        let request = ReturnRequested(
            orderId: "ORD-IT-R", returnId: "RET-IT-1",
            items: [.init(sku: "LAMP", quantity: 1, reason: .damaged), .init(sku: "SOAP", quantity: 1, reason: .damaged)], resolution: .refund)
        // The request arrives before its order (it is parked), in binary mode, and twice with new ids.
        try fixture.publish([event(EventType.returnRequested, id: "req-1", time: "2025-03-10T09:00:00Z", request)], topic: "orders", binary: true)
        try fixture.publish([
            event(EventType.orderPaid, id: "paid-1", time: "2025-03-01T08:00:00Z", paid),
            event(EventType.returnRequested, id: "req-2", time: "2025-03-10T09:00:00Z", request),
            event(EventType.returnLabelCreated, id: "label-1", time: "2025-03-10T09:05:00Z", ReturnLabelCreated(
                orderId: "ORD-IT-R", returnId: "RET-IT-1", carrier: "aramex", trackingNumber: "RT-IT-1", labelUrl: "https://labels.example.com/RET-IT-1.pdf")),
            // Bad input: dead-lettered with the field named, the worker keeps going.
            event(EventType.returnRequested, id: "bad-1", time: "2025-03-10T09:00:00Z", ReturnRequested(
                orderId: "ORD-IT-R", returnId: "RET-BAD", items: [.init(sku: "LAMP", quantity: 0, reason: .damaged)], resolution: .refund)),
            // A return of an order that never comes: dead-lettered when the parking time runs out.
            event(EventType.returnRequested, key: "ORD-GHOST", id: "ghost-1", time: "2025-03-10T09:00:00Z", ReturnRequested(
                orderId: "ORD-GHOST", returnId: "RET-GHOST", items: [.init(sku: "LAMP", quantity: 1, reason: .damaged)], resolution: .refund)),
        ], topic: "orders")
        try fixture.publish([
            event(EventType.orderDelivered, id: "delivered-1", time: "2025-03-05T12:00:00Z", topic: .shipmentUpdates,
                  OrderDelivered(orderId: "ORD-IT-R", deliveredAt: RFC3339.parse("2025-03-05T12:00:00Z")!, shipmentIds: ["SHP-1"])),
            event(EventType.shipmentStatusChanged, id: "scan-1", time: "2025-03-11T10:00:00Z", topic: .shipmentUpdates, returnParcel(.inTransit, at: "2025-03-11T10:00:00Z")),
            event(EventType.shipmentDelivered, id: "back-1", time: "2025-03-13T10:00:00Z", topic: .shipmentUpdates, returnParcel(.delivered, at: "2025-03-13T10:00:00Z")),
        ], topic: "shipment-updates")
        try fixture.publish([
            event(EventType.returnInspected, id: "inspected-1", time: "2025-03-14T10:00:00Z", ReturnInspected(
                orderId: "ORD-IT-R", returnId: "RET-IT-1", items: [.init(sku: "LAMP", quantity: 1, condition: .resellable)])),
        ], topic: "orders")

        // approved, rejected (the soap), label requested, received, refund requested.
        let updates = try await fixture.waitForRecords(on: "return-updates", count: 5)
        let refund = try #require(try updates.map { try CloudEventCodec.decode($0) }.first { $0.type == EventType.refundRequested }?
            .decodeData(RefundRequested.self))
        #expect(refund.refundId == "refund:ORD-IT-R:RET-IT-1" && refund.amount == Money(amount: 12_999, currency: "SAR"))
        try fixture.publish([
            event(EventType.refundCompleted, id: "done-1", time: "2025-03-15T10:00:00Z", RefundCompleted(
                orderId: "ORD-IT-R", refundId: refund.refundId, returnId: "RET-IT-1", amount: refund.amount)),
        ], topic: "orders")
        // approved, its label link (the label came after the approval), rejected, received, refund issued.
        let messages = try await fixture.waitForRecords(on: "notifications", count: 5)
        let letters = try await fixture.waitForRecords(on: "dead-letters", count: 2, timeout: .seconds(60))

        // A restart (same group, same store) with more duplicates publishes nothing twice.
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit() == 0, "log:\n\(worker.output)")
        worker = try returnsWorker(group: "g-returns", databaseURL: databaseURL)
        try fixture.publish([
            event(EventType.returnInspected, id: "inspected-2", time: "2025-03-14T11:00:00Z", ReturnInspected(
                orderId: "ORD-IT-R", returnId: "RET-IT-1", items: [.init(sku: "LAMP", quantity: 1, condition: .missing)])),
            event(EventType.refundCompleted, id: "done-2", time: "2025-03-15T10:00:00Z", RefundCompleted(
                orderId: "ORD-IT-R", refundId: refund.refundId, returnId: "RET-IT-1", amount: refund.amount)),
        ], topic: "orders")
        try await waitUntilConsumed(group: "g-returns", topics: ["orders", "shipment-updates"])
        try await Task.sleep(for: .seconds(1))
        worker.signal(SIGTERM)
        #expect(try await worker.waitForExit() == 0, "log:\n\(worker.output)")

        let finalUpdates = try fixture.records(on: "return-updates")
        let finalMessages = try fixture.records(on: "notifications")
        #expect(finalUpdates.count == updates.count && finalMessages.count == messages.count)
        let events = try finalUpdates.map { try CloudEventCodec.decode($0) }
        #expect(events.map(\.type).sorted() == [
            EventType.refundRequested, EventType.returnApproved, EventType.returnLabelRequested, EventType.returnReceived, EventType.returnRejected,
        ])
        #expect(Set(events.map(\.id)).count == events.count)
        #expect(finalUpdates.allSatisfy { $0.keyText == "ORD-IT-R" })
        let approval = try #require(try events.first { $0.type == EventType.returnApproved }?.decodeData(ReturnApproved.self))
        #expect(approval.refundEstimate == Money(amount: 12_999, currency: "SAR") && approval.labelRequired)
        let rejection = try #require(try events.first { $0.type == EventType.returnRejected }?.decodeData(ReturnRejected.self))
        #expect(rejection.items == [.init(sku: "SOAP", quantity: 1, reason: "not-returnable")])

        let notes = try finalMessages.map { try CloudEventCodec.decode($0).decodeData(NotificationRequested.self) }
        #expect(notes.map(\.template).sorted { $0.rawValue < $1.rawValue } == [.refundIssued, .returnApproved, .returnApproved, .returnReceived, .returnRejected])
        #expect(Set(notes.map(\.notificationId)).count == notes.count)
        #expect(notes.allSatisfy { $0.locale == "ar-SA" && $0.customerId == "CUS-IT-R" && $0.channels == ["email"] })
        #expect(notes.last { $0.template == .returnApproved }?.body.contains("\u{2068}https://labels.example.com/RET-IT-1.pdf\u{2069}") == true)
        #expect(notes.first { $0.template == .refundIssued }?.subject == "أعدنا إليك مبلغ \u{2068}129.99 SAR\u{2069}")
        #expect(finalMessages.allSatisfy { $0.keyText == "CUS-IT-R" })

        let reasons = letters.compactMap { $0.headers.text("dlq-error") }.sorted()
        #expect(letters.count == 2, "\(reasons)")
        #expect(reasons.contains("invalid-data: data.items[0].quantity: must be at least 1"))
        #expect(reasons.contains { $0.hasPrefix("rejected: orderId: unknown-order: no order.paid for order 'ORD-GHOST'") })
        let ghost = try #require(letters.first { $0.keyText == "ORD-GHOST" })
        #expect(ghost.headers.text("dlq-worker") == "returns-worker" && ghost.headers.text("dlq-topic") == "orders")
    }

    @Test func aBadPolicyStopsStartUpNamingTheKey() async throws {
        let path = (data as NSString).appendingPathComponent("bad.yaml")
        try "returns:\n  restockingPercent: 140\n".write(toFile: path, atomically: true, encoding: .utf8)
        let worker = try ChildProcess("returns-worker", arguments: ["--config", path], environment: [
            "KAFKA_BOOTSTRAP_SERVERS": fixture.bootstrapServers, "POSTPURCHASE_DATA_DIR": data, "POSTPURCHASE_HTTP_PORT": "0",
            "POSTPURCHASE_TEMPLATES_DIR": repositoryRoot.appendingPathComponent("Config/templates").path,
        ])
        #expect(try await worker.waitForExit() != 0)
        #expect(worker.output.contains("returns.restockingPercent"), "\(worker.output)")
    }
}
