import Demo
import Foundation
import PostPurchaseCore
import Testing

@Suite("Demo store simulation")
struct StoreSimulatorTests {
    let start = RFC3339.parse("2026-03-02T08:00:00Z")!

    func decodedInputs(_ events: [PlannedEvent]) throws -> [CloudEvent] {
        try events.filter { $0.headers.contains { $0.name == "content-type" } }.map { event in
            try CloudEventCodec.decode(KafkaRecord(
                topic: event.topic.rawValue, partition: 0, offset: 0, key: Array(event.key.utf8), value: event.value,
                headers: event.headers, timestampMilliseconds: nil))
        }
    }

    func canonical(_ event: PlannedEvent) -> Data {
        guard let object = try? JSONSerialization.jsonObject(with: event.value),
              let data = try? JSONSerialization.data(withJSONObject: object, options: [.sortedKeys]) else { return event.value }
        return data
    }

    @Test func theSameSeedPlansTheSameStream() throws {
        var first = StoreSimulator(start: start, seed: 42)
        var second = StoreSimulator(start: start, seed: 42)
        var other = StoreSimulator(start: start, seed: 43)
        try first.plan(orders: 50)
        try second.plan(orders: 50)
        try other.plan(orders: 50)
        let horizon = start.addingTimeInterval(90 * 86_400)
        let a = first.due(by: horizon), b = second.due(by: horizon), c = other.due(by: horizon)
        #expect(a.count > 50 * 3)
        // JSON compared with sorted keys (JSONEncoder's key order is not stable across instances).
        let (ca, cb, cc) = (a.map(canonical), b.map(canonical), c.map(canonical))
        #expect(ca.count == cb.count)
        if let index = ca.indices.first(where: { ca[$0] != cb[$0] }) {
            Issue.record("first difference at \(index): \(String(decoding: ca[index], as: UTF8.self)) vs \(String(decoding: cb[index], as: UTF8.self))")
        }
        #expect(ca != cc)
        // Time order, and every order's story starts with its payment.
        #expect(zip(a, a.dropFirst()).allSatisfy { $0.at <= $1.at })
        let paid = try decodedInputs(a).filter { $0.type == EventType.orderPaid }
        #expect(paid.count == 51) // 50 orders and one poison order.paid without a customer
    }

    @Test func theStreamCoversEveryJourneyKind() throws {
        var simulator = StoreSimulator(start: start, seed: 7)
        try simulator.plan(orders: 200)
        let events = try decodedInputs(simulator.due(by: start.addingTimeInterval(90 * 86_400)))
        let types = Set(events.map(\.type))
        for type in [EventType.orderPaid, EventType.orderCancelled, EventType.shipmentDispatched, EventType.returnRequested,
                     EventType.reviewSubmitted, EventType.customerPreferencesUpdated, EventType.trackingUpdated] {
            #expect(types.contains(type), "no \(type) in the demo stream")
        }
        let stories = simulator.orders.values.flatMap(\.story)
        for kind in ["split", "promise missed", "exception", "attempt failed", "pickup", "store-credit", "exchange", "for refund"] {
            #expect(stories.contains { $0.contains(kind) }, "no \(kind) journey")
        }
        let locales = Set(simulator.orders.values.map { String($0.customer.locale.prefix(2)) })
        #expect(locales == ["ar", "en"])
    }

    @Test func theStoreAnswersWhatTheWorkersAskFor() throws {
        var simulator = StoreSimulator(start: start, seed: 1)
        let refund = ObservedOutput(
            topic: "return-updates", key: "ORD-1", id: "refund-out-1", type: EventType.refundRequested, time: start,
            data: ["orderId": "ORD-1", "returnId": "RET-1", "refundId": "RF-1",
                   "amount": .object(["amount": 12_999, "currency": "SAR"]), "reason": "return"])
        #expect(try simulator.react(to: refund) != nil)
        // The same output read twice is answered once.
        #expect(try simulator.react(to: refund) == nil)
        let answers = try decodedInputs(simulator.due(by: start.addingTimeInterval(86_400)))
        #expect(answers.map(\.type) == [EventType.refundCompleted])
        let completed = try answers[0].decodeData(RefundCompleted.self)
        #expect(completed == RefundCompleted(orderId: "ORD-1", refundId: "RF-1", returnId: "RET-1", amount: Money(amount: 12_999, currency: "SAR")))
    }
}
