import Foundation
@testable import PostPurchaseCore
import PostPurchaseTesting
@testable import Returns
import Testing

@Suite("Returns outputs against the contract's JSON Schemas")
struct ReturnsContractSchemaTests {
    @Test func everyOutputOfEveryResolutionValidates() throws {
        let desk = ReturnDesk(composer: ReturnsFixture.composer)
        var context = InMemoryDomainContext(now: ReturnsFixture.date("2025-03-20T09:00:00Z"))
        func send(_ type: String, _ data: any Encodable & Sendable, topic: TopicName = .orders) throws {
            _ = try desk.handle(try ReturnsFixture.input(type, data, time: context.now, topic: topic), context: &context)
        }
        try send(EventType.orderPaid, ReturnsFixture.paid(
            items: [("LAMP", 1, 12_999), ("MUG", 2, 2_000), ("TEE", 1, 5_000), ("SOAP", 1, 900)], categories: ["SOAP": "hygiene"],
            shipping: 1_500, locale: "ar-SA"))
        try send(EventType.orderDelivered, ReturnsFixture.delivered(), topic: .shipmentUpdates)
        let returns: [(String, String, ReturnResolution, String?)] = [
            ("RET-1", "LAMP", .refund, nil), ("RET-2", "MUG", .storeCredit, nil), ("RET-3", "TEE", .exchange, "TEE-L"), ("RET-4", "SOAP", .refund, nil),
        ]
        for (id, sku, resolution, exchange) in returns {
            try send(EventType.returnRequested, ReturnsFixture.request(id, items: [(sku, 1, .damaged)], resolution: resolution, exchangeSku: exchange))
            try send(EventType.returnLabelCreated, ReturnsFixture.label(id))
            try send(EventType.shipmentStatusChanged, ReturnsFixture.returnParcel(.inTransit, returnId: id), topic: .shipmentUpdates)
            try send(EventType.shipmentDelivered, ReturnsFixture.returnParcel(.delivered, returnId: id), topic: .shipmentUpdates)
            try send(EventType.returnInspected, ReturnsFixture.inspected(id, items: [(sku, 1, .resellable)]))
        }
        try send(EventType.refundCompleted, RefundCompleted(
            orderId: "ORD-1", refundId: "refund:ORD-1:RET-1", returnId: "RET-1", amount: Money(amount: 12_999, currency: "SAR")))
        #expect(Set(context.types()) == [
            EventType.returnApproved, EventType.returnRejected, EventType.returnLabelRequested, EventType.returnReceived, EventType.refundRequested,
            EventType.storeCreditIssued, EventType.exchangeRequested, EventType.notificationRequested,
        ])
        #expect(Set(try context.messages().map(\.template)) == Set(ReturnMessages.templates))
        let problems = try ContractSchemaCheck.problems(in: context.emitted)
        #expect(problems.isEmpty, "\(problems)")
    }
}
