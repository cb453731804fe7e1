import Foundation
@testable import PostPurchaseCore
import PostPurchaseTesting
import Testing
@testable import Tracking

@Suite("Tracking decisions")
struct ShipmentTrackerTests {
    let tracker: ShipmentTracker
    var context: InMemoryDomainContext
    let paidAt = Fixture.date("2025-03-03T08:00:00Z")

    init() throws {
        tracker = ShipmentTracker(composer: try Fixture.composer())
        context = InMemoryDomainContext(now: Fixture.date("2025-03-03T09:00:00Z"))
    }

    // MARK: Builders

    func paid(_ orderId: String = "ORD-1", items: [(String, Int)] = [("A", 1)], locale: String = "en-US", zone: String = "America/Chicago") -> OrderPaid {
        OrderPaid(
            orderId: orderId,
            customer: .init(id: "CUS-1", email: "noura@example.com", phone: "+966500000000", name: "Noura", locale: locale, timeZone: zone, marketingConsent: true),
            items: items.map { OrderPaid.Item(sku: $0.0, name: $0.0, category: "home", quantity: $0.1, unitPrice: Money(amount: 1000, currency: "SAR")) },
            total: Money(amount: 1000, currency: "SAR"), paidAt: paidAt)
    }

    func dispatched(_ shipmentId: String = "SHP-1", order: String = "ORD-1", tn: String = "9400111899223344556677", carrier: String = "usps",
                    items: [(String, Int)] = [("A", 1)], promisedBy: String = "2025-03-07T20:59:59Z") -> ShipmentDispatched {
        ShipmentDispatched(orderId: order, shipmentId: shipmentId, carrier: carrier, trackingNumber: tn,
                           items: items.map { ItemQuantity(sku: $0.0, quantity: $0.1) }, promisedBy: Fixture.date(promisedBy))
    }

    func tracked(_ status: ShipmentStatus, tn: String = "9400111899223344556677", at: String, eta: String? = nil, id: String = UUID().uuidString) throws -> WorkerInput {
        try Fixture.event(EventType.trackingUpdated, TrackingUpdated(
            trackingNumber: tn, carrier: "usps", status: status, occurredAt: Fixture.date(at), estimatedDelivery: eta.map(Fixture.date),
            location: "DALLAS, TX, US"), id: id, time: Fixture.date(at), topic: .carrierEvents)
    }

    mutating func handle(_ input: WorkerInput) throws -> HandleOutcome {
        try tracker.handle(input, context: &context)
    }

    mutating func send(_ type: String, _ data: any Encodable & Sendable, at time: String = "2025-03-03T10:00:00Z") throws {
        #expect(try handle(try Fixture.event(type, data, time: Fixture.date(time))) == .applied)
    }

    func notifications() throws -> [NotificationRequested] {
        try context.outputs(EventType.notificationRequested, as: NotificationRequested.self)
    }

    func changes() throws -> [ShipmentStatusChanged] {
        try context.outputs(EventType.shipmentStatusChanged, as: ShipmentStatusChanged.self)
    }

    // MARK: Preparation

    /// The runtime parses a batch's webhooks ahead of its handlers (`TrackingWorker.prepare`):
    /// a prepared input must be handled exactly as one the handler parses itself, rejections included.
    /// The runtime reads ahead what a batch's handlers load (`TrackingWorker.readAhead`): for a
    /// carrier update it must load what the handler loads, in the same order, and change nothing.
    @Test mutating func readingAheadLoadsWhatTheHandlerLoads() throws {
        let worker = TrackingWorker(composer: try Fixture.composer())
        try send(EventType.orderPaid, paid())
        try send(EventType.shipmentDispatched, dispatched())
        for (offset, status) in [(1, "in_transit"), (2, "out_for_delivery")] {
            var input = Fixture.carrierInput(try Fixture.easyPost(status: status, detail: nil, at: "2025-03-04T0\(offset):00:00Z"), offset: Int64(offset))
            input.prepared = worker.prepare(input)
            let before = context.entities.mapValues { $0.count }, emittedBefore = context.emitted.count
            context.loads = InMemoryDomainContext.LoadLog()
            try tracker.readAhead(input, context: &context)
            let readAhead = context.loads!.keys
            #expect(context.emitted.count == emittedBefore, "reading ahead emits nothing")
            #expect(context.entities.mapValues { $0.count } == before, "reading ahead saves nothing")
            context.loads = InMemoryDomainContext.LoadLog()
            #expect(try handle(input) == .applied)
            let handled = context.loads!.keys
            #expect(readAhead.count == 4, "index, shipment, order, customer: \(readAhead)")
            #expect(Array(handled.prefix(readAhead.count)) == readAhead)
            #expect(Set(handled).isSubset(of: Set(readAhead)), "\(handled) against \(readAhead)")
        }
        // An update nobody dispatched reads only the index; an unparsable one reads nothing.
        var unknown = Fixture.carrierInput(try Fixture.easyPost(status: "in_transit", detail: nil, trackingNumber: "1Z999AA10123456784", at: "2025-03-04T05:00:00Z"), offset: 3)
        unknown.prepared = worker.prepare(unknown)
        context.loads = InMemoryDomainContext.LoadLog()
        try tracker.readAhead(unknown, context: &context)
        #expect(context.loads!.keys.count == 1)
        var broken = Fixture.carrierInput(Data("<xml/>".utf8), offset: 4)
        broken.prepared = worker.prepare(broken)
        context.loads = InMemoryDomainContext.LoadLog()
        try tracker.readAhead(broken, context: &context)
        #expect(context.loads!.keys.isEmpty)
    }

    @Test func preparedWebhooksAreHandledExactlyLikeUnpreparedOnes() throws {
        let worker = TrackingWorker(composer: try Fixture.composer())
        let inputs = [
            Fixture.carrierInput(try Fixture.easyPost(status: "pre_transit", detail: nil, at: "2025-03-04T01:00:00Z"), offset: 1),
            Fixture.carrierInput(try Fixture.easyPost(status: "in_transit", detail: "arrived_at_facility", at: "2025-03-04T06:31:00Z"), offset: 2),
            Fixture.carrierInput(Data("<xml/>".utf8), offset: 3),
            Fixture.carrierInput(try Fixture.easyPost(status: "out_for_delivery", detail: "out_for_delivery", at: "2025-03-05T07:00:00Z"), offset: 4),
            Fixture.carrierInput(try Fixture.data("shippo_track_updated.json"), source: "easypost", offset: 5),
            Fixture.carrierInput(try Fixture.easyPost(status: "delivered", detail: "arrived_at_destination", at: "2025-03-05T12:00:00Z"), offset: 6),
        ]
        func run(prepared: Bool) throws -> (outcomes: [String], outputs: [NSDictionary]) {
            var context = InMemoryDomainContext(now: Fixture.date("2025-03-03T09:00:00Z"))
            _ = try tracker.handle(try Fixture.event(EventType.orderPaid, paid(), time: paidAt), context: &context)
            _ = try tracker.handle(try Fixture.event(EventType.shipmentDispatched, dispatched(), time: paidAt), context: &context)
            var outcomes: [String] = []
            for var input in inputs {
                if prepared { input.prepared = worker.prepare(input) }
                do {
                    outcomes.append("\(try tracker.handle(input, context: &context))")
                } catch {
                    outcomes.append("rejected: \(error)")
                }
            }
            // Compared as JSON objects: the order of a dictionary's keys in the bytes is not fixed.
            return (outcomes, try context.emitted.map { try JSONSerialization.jsonObject(with: Data(CloudEventCodec.encodeStructured($0))) as! NSDictionary })
        }
        let prepared = try run(prepared: true), unprepared = try run(prepared: false)
        #expect(prepared.outcomes == unprepared.outcomes)
        #expect(prepared.outputs == unprepared.outputs)
        #expect(prepared.outcomes.filter { $0.hasPrefix("rejected") }.count == 1, "the XML body")
        #expect(prepared.outcomes.last == "applied")
        #expect(prepared.outputs.contains { $0["type"] as? String == EventType.shipmentDelivered })
        #expect(worker.prepare(try Fixture.event(EventType.orderPaid, paid(), time: paidAt)) == nil, "only carrier events are prepared")
    }

    // MARK: Correlation

    @Test mutating func rawWebhooksOfEveryFormatUpdateTheDispatchedShipment() throws {
        try send(EventType.orderPaid, paid())
        try send(EventType.shipmentDispatched, dispatched(tn: "9205590164917300112233"))
        #expect(try handle(Fixture.carrierInput(try Fixture.shippo(status: "TRANSIT", substatus: "package_accepted", at: "2025-03-04T01:40:00Z"))) == .applied)
        #expect(try handle(Fixture.carrierInput(try Fixture.data("shippo_track_updated.json"))) == .applied)
        #expect(try changes().map(\.status) == [.inTransit, .outForDelivery])
        #expect(try changes().map(\.previousStatus) == [.unknown, .inTransit])
        #expect(try notifications().map(\.template) == [.shipmentInTransit, .shipmentOutForDelivery])
        let first = try #require(try changes().first)
        #expect(first.orderId == "ORD-1" && first.shipmentId == "SHP-1" && first.kind == .outbound && first.carrier == "usps")
        #expect(context.emitted.first { $0.type == EventType.shipmentStatusChanged }?.key == "ORD-1")
        #expect(context.emitted.first { $0.type == EventType.notificationRequested }?.key == "CUS-1")
    }

    @Test mutating func eachAppliedUpdateKeepsItsRawPayloadForAudit() throws {
        try send(EventType.orderPaid, paid())
        try send(EventType.shipmentDispatched, dispatched())
        let body = try Fixture.data("easypost_tracker_updated.json")
        _ = try handle(Fixture.carrierInput(body))
        let audits = try context.loadAll(CarrierUpdateAudit.self, keyPrefix: "ORD-1/outbound/SHP-1|", limit: 10)
        #expect(audits.count == 1)
        #expect(audits.first?.value.raw == String(decoding: body, as: UTF8.self))
        #expect(audits.first?.value.mappingVersion == CarrierStatusMapping.version)
        #expect(audits.first?.value.statusAfter == .delivered)
    }

    @Test mutating func duplicateWebhooksChangeNothingTheSecondTime() throws {
        try send(EventType.orderPaid, paid())
        try send(EventType.shipmentDispatched, dispatched())
        let body = try Fixture.easyPost(status: "in_transit", detail: "arrived_at_facility", at: "2025-03-04T06:31:00Z")
        _ = try handle(Fixture.carrierInput(body, offset: 1))
        _ = try handle(Fixture.carrierInput(body, offset: 2))
        _ = try handle(Fixture.carrierInput(try Fixture.easyPost(status: "in_transit", detail: "departed_facility", at: "2025-03-04T09:00:00Z", id: "evt_2"), offset: 3))
        #expect(try changes().count == 1)
        #expect(try notifications().count == 1)
    }

    @Test mutating func outOfOrderUpdatesNeverMoveTheShipmentBack() throws {
        try send(EventType.orderPaid, paid())
        try send(EventType.shipmentDispatched, dispatched())
        _ = try handle(try tracked(.delivered, at: "2025-03-06T17:38:00Z"))
        _ = try handle(try tracked(.outForDelivery, at: "2025-03-06T13:05:00Z"))
        _ = try handle(try tracked(.inTransit, at: "2025-03-04T06:31:00Z"))
        #expect(try changes().map(\.status) == [.delivered])
        #expect(try notifications().map(\.template) == [.shipmentDelivered])
        #expect(try context.load(Shipment.self, key: "ORD-1/outbound/SHP-1")?.status == .delivered)
    }

    @Test mutating func anUpdateBeforeItsDispatchIsParkedAndAppliedWhenTheDispatchArrives() throws {
        try send(EventType.orderPaid, paid())
        _ = try handle(try tracked(.inTransit, at: "2025-03-03T20:00:00Z"))
        _ = try handle(try tracked(.labelCreated, at: "2025-03-03T09:30:00Z"))
        #expect(context.emitted.isEmpty)
        #expect(context.timers.keys.filter { $0.hasPrefix("unmatched:") }.count == 2)
        try send(EventType.shipmentDispatched, dispatched(), at: "2025-03-03T21:00:00Z")
        #expect(try changes().map(\.status) == [.labelCreated, .inTransit], "applied oldest first")
        #expect(try notifications().map(\.template) == [.shipmentInTransit])
        #expect(try context.loadAll(ParkedCarrierUpdate.self, keyPrefix: "", limit: 10).isEmpty)
        #expect(context.timers.keys.filter { $0.hasPrefix("unmatched:") }.isEmpty)
        try context.advance(to: Fixture.date("2025-03-05T00:00:00Z"), with: tracker)
        #expect(context.deadLetters.isEmpty)
    }

    @Test mutating func anUpdateStillUnmatchedAfter24HoursIsDeadLettered() throws {
        let input = Fixture.carrierInput(try Fixture.afterShip(tag: "InTransit", subtag: "InTransit_001", trackingNumber: "NOBODY-1"), source: "aftership", offset: 7)
        #expect(try handle(input) == .applied)
        try context.advance(to: context.now.addingTimeInterval(23 * 3600), with: tracker)
        #expect(context.deadLetters.isEmpty)
        try context.advance(to: context.now.addingTimeInterval(2 * 3600), with: tracker)
        let letter = try #require(context.deadLetters.first)
        #expect(context.deadLetters.count == 1)
        #expect(letter.record.value == input.record.value, "the raw record, unchanged")
        #expect(letter.record.headers == input.record.headers)
        #expect(letter.record.offset == 7)
        #expect(letter.rejection.reason.hasPrefix("unknown-tracking-number"))
        #expect(letter.rejection.field == "trackingNumber")
        #expect(try context.loadAll(ParkedCarrierUpdate.self, keyPrefix: "", limit: 10).isEmpty)
    }

    @Test mutating func aRecycledTrackingNumberDoesNotReachTheOldShipment() throws {
        try send(EventType.orderPaid, paid("ORD-OLD"))
        try send(EventType.shipmentDispatched, dispatched("SHP-OLD", order: "ORD-OLD", tn: "RECYCLED1", promisedBy: "2024-09-05T00:00:00Z"), at: "2024-09-01T10:00:00Z")
        _ = try handle(try tracked(.delivered, tn: "RECYCLED1", at: "2024-09-03T10:00:00Z"))
        let before = context.emitted.count
        // Six months later the carrier reuses the number before the new dispatch is seen.
        _ = try handle(try tracked(.inTransit, tn: "RECYCLED1", at: "2025-03-03T20:00:00Z"))
        #expect(context.emitted.count == before, "parked, not attached to the old, delivered shipment")
        try send(EventType.orderPaid, paid("ORD-NEW"))
        try send(EventType.shipmentDispatched, dispatched("SHP-NEW", order: "ORD-NEW", tn: "RECYCLED1"), at: "2025-03-03T21:00:00Z")
        let change = try #require(try changes().last)
        #expect(change.orderId == "ORD-NEW" && change.status == .inTransit)
        #expect(try context.load(Shipment.self, key: "ORD-OLD/outbound/SHP-OLD")?.status == .delivered)
    }

    @Test mutating func returnLabelsAreTrackedAsReturnShipmentsWithoutCustomerMessages() throws {
        try send(EventType.orderPaid, paid())
        try send(EventType.returnLabelCreated, ReturnLabelCreated(orderId: "ORD-1", returnId: "RET-1", carrier: "smsa", trackingNumber: "RT-1", labelUrl: "https://labels.example/RET-1.pdf"))
        _ = try handle(try Fixture.event(EventType.trackingUpdated, TrackingUpdated(
            trackingNumber: "RT-1", carrier: "smsa", status: .delivered, occurredAt: Fixture.date("2025-03-10T10:00:00Z")),
            time: Fixture.date("2025-03-10T10:00:00Z"), topic: .carrierEvents))
        let change = try #require(try changes().first)
        #expect(change.kind == .return && change.shipmentId == "RET-1")
        #expect(context.types().contains(EventType.shipmentDelivered))
        #expect(!context.types().contains(EventType.orderDelivered))
        #expect(try notifications().isEmpty)
    }

    // MARK: Orders

    @Test mutating func aSplitOrderSaysWhichParcelAndIsDeliveredOnceWhenAllParcelsAre() throws {
        try send(EventType.orderPaid, paid(items: [("A", 1), ("B", 2), ("C", 1)]))
        try send(EventType.shipmentDispatched, dispatched("SHP-1", tn: "TN-1", items: [("A", 1)]))
        _ = try handle(try tracked(.inTransit, tn: "TN-1", at: "2025-03-03T12:00:00Z"))
        #expect(try notifications().last?.body.contains("parcel 1 of your order") == true, "more parcels may follow: no count yet")
        try send(EventType.shipmentDispatched, dispatched("SHP-2", tn: "TN-2", items: [("B", 2)]))
        try send(EventType.shipmentDispatched, dispatched("SHP-3", tn: "TN-3", items: [("C", 1)]))
        _ = try handle(try tracked(.inTransit, tn: "TN-2", at: "2025-03-03T13:00:00Z"))
        #expect(try notifications().last?.body.contains("parcel 2 of 3 of your order ORD-1") == true)
        _ = try handle(try tracked(.delivered, tn: "TN-1", at: "2025-03-05T12:00:00Z"))
        _ = try handle(try tracked(.delivered, tn: "TN-3", at: "2025-03-05T13:00:00Z"))
        #expect(!context.types().contains(EventType.orderDelivered))
        _ = try handle(try tracked(.delivered, tn: "TN-2", at: "2025-03-06T09:00:00Z"))
        _ = try handle(try tracked(.delivered, tn: "TN-2", at: "2025-03-06T09:00:00Z"))
        let delivered = try context.outputs(EventType.orderDelivered, as: OrderDelivered.self)
        #expect(delivered == [OrderDelivered(orderId: "ORD-1", deliveredAt: Fixture.date("2025-03-06T09:00:00Z"), shipmentIds: ["SHP-1", "SHP-2", "SHP-3"])])
        #expect(try context.outputs(EventType.shipmentDelivered, as: ShipmentStatusChanged.self).count == 3)
    }

    @Test mutating func aCancelledOrderIsNeverAnnouncedDeliveredNorMessaged() throws {
        try send(EventType.orderPaid, paid())
        try send(EventType.shipmentDispatched, dispatched())
        try send(EventType.orderCancelled, OrderCancelled(orderId: "ORD-1", reason: "customer_request"))
        _ = try handle(try tracked(.delivered, at: "2025-03-05T12:00:00Z"))
        #expect(context.types().contains(EventType.shipmentDelivered))
        #expect(!context.types().contains(EventType.orderDelivered))
        #expect(try notifications().isEmpty)
        try context.advance(to: Fixture.date("2025-03-08T00:00:00Z"), with: tracker)
        #expect(!context.types().contains(EventType.shipmentDelayed))
    }

    @Test mutating func unknownOrderEventTypesAreIgnored() throws {
        #expect(try handle(try Fixture.event(EventType.reviewSubmitted, ReviewSubmitted(orderId: "O", customerId: "C", sku: "A", rating: 5), time: paidAt)) == .ignored)
        #expect(try handle(try Fixture.event("order.teleported", ["x": "y"], time: paidAt)) == .ignored)
    }

    @Test mutating func anUnknownProviderStatusIsAppliedAsNoChange() throws {
        try send(EventType.orderPaid, paid())
        try send(EventType.shipmentDispatched, dispatched())
        #expect(try handle(Fixture.carrierInput(try Fixture.easyPost(status: "teleported", detail: nil))) == .applied)
        #expect(context.emitted.isEmpty)
        #expect(try context.loadAll(CarrierUpdateAudit.self, keyPrefix: "", limit: 10).first?.value.update.providerStatus == "teleported")
    }

    // MARK: Delays

    @Test mutating func promiseMissedWhenTheTimerFindsTheParcelUndelivered() throws {
        try send(EventType.orderPaid, paid())
        try send(EventType.shipmentDispatched, dispatched(promisedBy: "2025-03-05T20:59:59Z"))
        _ = try handle(try tracked(.inTransit, at: "2025-03-03T12:00:00Z", eta: "2025-03-07T18:00:00Z"))
        try context.advance(to: Fixture.date("2025-03-05T21:00:00Z"), with: tracker)
        let delayed = try context.outputs(EventType.shipmentDelayed, as: ShipmentStatusChanged.self)
        #expect(delayed.map(\.reason) == [.promiseMissed])
        #expect(delayed.first?.promisedBy == Fixture.date("2025-03-05T20:59:59Z"))
        #expect(delayed.first?.status == .inTransit && delayed.first?.previousStatus == .inTransit)
        let apology = try #require(try notifications().last)
        #expect(apology.template == .shipmentDelayed)
        #expect(apology.body.contains("did not arrive by Wednesday, March 5 as we promised"), "promise shown in America/Chicago: \(apology.body)")
        #expect(apology.body.contains("The latest estimate is Friday, March 7."))
        #expect(apology.notificationId == "ntf:shipment.delayed:ORD-1/outbound/SHP-1:promise_missed")
    }

    @Test mutating func noPromiseMissedWhenDeliveredInTime() throws {
        try send(EventType.orderPaid, paid())
        try send(EventType.shipmentDispatched, dispatched(promisedBy: "2025-03-05T20:59:59Z"))
        _ = try handle(try tracked(.delivered, at: "2025-03-04T12:00:00Z"))
        #expect(context.timers["promise:ORD-1/outbound/SHP-1"] == nil, "cancelled on delivery")
        try context.advance(to: Fixture.date("2025-03-06T00:00:00Z"), with: tracker)
        #expect(!context.types().contains(EventType.shipmentDelayed))
    }

    @Test mutating func carrierExceptionAndFailedAttemptAreDelaysToo() throws {
        try send(EventType.orderPaid, paid())
        try send(EventType.shipmentDispatched, dispatched(tn: "9205590164917300112233"))
        _ = try handle(Fixture.carrierInput(try Fixture.shippo(status: "TRANSIT", substatus: "delayed", at: "2025-03-04T10:00:00Z")))
        _ = try handle(Fixture.carrierInput(try Fixture.shippo(status: "TRANSIT", substatus: "out_for_delivery", at: "2025-03-05T08:00:00Z")))
        _ = try handle(Fixture.carrierInput(try Fixture.shippo(status: "TRANSIT", substatus: "delivery_attempted", at: "2025-03-05T15:00:00Z")))
        _ = try handle(Fixture.carrierInput(try Fixture.shippo(status: "TRANSIT", substatus: "delayed", at: "2025-03-05T16:00:00Z")))
        let delayed = try context.outputs(EventType.shipmentDelayed, as: ShipmentStatusChanged.self)
        #expect(delayed.map(\.reason) == [.carrierException, .attemptFailed])
        #expect(delayed.map(\.status) == [.exception, .attemptFailed])
        #expect(try notifications().map(\.template) == [.shipmentDelayed, .shipmentOutForDelivery, .shipmentAttemptFailed])
    }

    // MARK: Customer preferences

    @Test mutating func preferencesUpdatedSwitchTheLanguageAndZone() throws {
        try send(EventType.orderPaid, paid())
        try send(EventType.customerPreferencesUpdated, CustomerPreferencesUpdated(customerId: "CUS-1", locale: "ar-SA", timeZone: "Asia/Riyadh"))
        try send(EventType.shipmentDispatched, dispatched())
        _ = try handle(try tracked(.outForDelivery, at: "2025-03-06T05:00:00Z"))
        let message = try #require(try notifications().first)
        #expect(message.locale == "ar-SA")
        #expect(message.subject == "طلبك \u{2068}ORD-1\u{2069} يصلك اليوم")
        #expect(message.channels == ["email", "sms"])
        #expect(message.data["trackingNumber"] == "9400111899223344556677")
    }
}
