import Foundation
@testable import PostPurchaseCore
import PostPurchaseTesting
import Testing
@testable import Tracking

@Suite("Outputs against the contract's JSON Schemas")
struct ContractSchemaTests {
    @Test func everyOutputOfAJourneyValidates() throws {
        let tracker = ShipmentTracker(composer: try Fixture.composer())
        var context = InMemoryDomainContext(now: Fixture.date("2025-03-03T09:00:00Z"))
        let paid = OrderPaid(
            orderId: "ORD-9", customer: .init(id: "CUS-9", email: "a@example.com", locale: "ar-SA", timeZone: "Asia/Riyadh", marketingConsent: false),
            items: [.init(sku: "A", name: "A", category: "c", quantity: 2, unitPrice: Money(amount: 100, currency: "SAR"))],
            total: Money(amount: 200, currency: "SAR"), paidAt: Fixture.date("2025-03-03T08:00:00Z"))
        _ = try tracker.handle(try Fixture.event(EventType.orderPaid, paid, time: paid.paidAt), context: &context)
        for (shipment, number) in [("S1", "N1"), ("S2", "N2")] {
            let dispatched = ShipmentDispatched(orderId: "ORD-9", shipmentId: shipment, carrier: "smsa", trackingNumber: number,
                                                items: [ItemQuantity(sku: "A", quantity: 1)], promisedBy: Fixture.date("2025-03-05T20:00:00Z"))
            _ = try tracker.handle(try Fixture.event(EventType.shipmentDispatched, dispatched, time: Fixture.date("2025-03-03T10:00:00Z")), context: &context)
        }
        func track(_ number: String, _ status: ShipmentStatus, _ at: String) throws {
            let update = TrackingUpdated(trackingNumber: number, carrier: "smsa", status: status, occurredAt: Fixture.date(at),
                                         estimatedDelivery: Fixture.date("2025-03-06T18:00:00+03:00"), location: "Riyadh, SA", message: "scan")
            _ = try tracker.handle(try Fixture.event(EventType.trackingUpdated, update, time: Fixture.date(at), topic: .carrierEvents), context: &context)
        }
        try track("N1", .inTransit, "2025-03-03T12:00:00Z")
        try track("N1", .exception, "2025-03-04T12:00:00Z")
        try track("N2", .availableForPickup, "2025-03-04T13:00:00Z")
        try track("N1", .outForDelivery, "2025-03-05T06:00:00Z")
        try track("N1", .attemptFailed, "2025-03-05T12:00:00Z")
        try context.advance(to: Fixture.date("2025-03-05T21:00:00Z"), with: tracker)
        try track("N1", .delivered, "2025-03-06T12:00:00Z")
        try track("N2", .delivered, "2025-03-06T13:00:00Z")
        #expect(Set(context.types()) == [
            EventType.shipmentStatusChanged, EventType.shipmentDelivered, EventType.shipmentDelayed, EventType.orderDelivered, EventType.notificationRequested,
        ])
        #expect(Set(try context.outputs(EventType.shipmentDelayed, as: ShipmentStatusChanged.self).compactMap(\.reason)) == Set(DelayReason.allCases))
        let problems = try ContractSchemaCheck.problems(in: context.emitted)
        #expect(problems.isEmpty, "\(problems)")
    }
}
