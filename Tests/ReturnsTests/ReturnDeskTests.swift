import Foundation
@testable import PostPurchaseCore
import PostPurchaseTesting
@testable import Returns
import Testing

/// Every policy rule, trigger and resolution of the returns worker, example by example, run in
/// memory through ``InMemoryDomainContext``.
@Suite("Returns decisions")
struct ReturnDeskTests {
    var desk: ReturnDesk
    var context = InMemoryDomainContext(now: ReturnsFixture.date("2025-03-10T09:00:00Z"))

    init() {
        desk = ReturnDesk(composer: ReturnsFixture.composer)
    }

    init(policy: ReturnPolicy) {
        desk = ReturnDesk(composer: ReturnsFixture.composer, policy: policy)
    }

    static func with(_ change: (inout ReturnPolicy) -> Void) -> ReturnDeskTests {
        var policy = ReturnPolicy()
        change(&policy)
        return ReturnDeskTests(policy: policy)
    }

    // MARK: Helpers

    @discardableResult
    mutating func send(_ type: String, _ data: any Encodable & Sendable, at time: String = "2025-03-10T09:00:00Z", id: String = UUID().uuidString) throws -> HandleOutcome {
        let topic: TopicName = [EventType.orderDelivered, EventType.shipmentStatusChanged, EventType.shipmentDelivered].contains(type) ? .shipmentUpdates : .orders
        return try desk.handle(try ReturnsFixture.input(type, data, id: id, time: ReturnsFixture.date(time), topic: topic), context: &context)
    }

    mutating func paidAndDelivered(_ paid: OrderPaid = ReturnsFixture.paid()) throws {
        try send(EventType.orderPaid, paid, at: "2025-03-01T08:00:00Z")
        try send(EventType.orderDelivered, ReturnsFixture.delivered(paid.orderId))
    }

    func approved() throws -> [ReturnApproved] { try context.outputs(EventType.returnApproved, as: ReturnApproved.self) }
    func rejected() throws -> [ReturnRejected] { try context.outputs(EventType.returnRejected, as: ReturnRejected.self) }
    func refunds() throws -> [RefundRequested] { try context.outputs(EventType.refundRequested, as: RefundRequested.self) }
    func templates() throws -> [NotificationTemplate] { try context.messages().map(\.template) }

    // MARK: Window

    @Test mutating func aReturnWithinTheWindowIsApprovedWithALabelRequest() throws {
        try paidAndDelivered()
        try send(EventType.returnRequested, ReturnsFixture.request())
        let approval = try #require(try approved().first)
        #expect(approval.orderId == "ORD-1" && approval.returnId == "RET-1")
        #expect(approval.items == [.init(sku: "LAMP", quantity: 1, reason: .changedMind)])
        #expect(approval.refundEstimate == Money(amount: 12_999, currency: "SAR"))
        #expect(approval.labelRequired)
        let labels = try context.outputs(EventType.returnLabelRequested, as: ReturnLabelRequested.self)
        #expect(labels == [ReturnLabelRequested(orderId: "ORD-1", returnId: "RET-1", items: [ItemQuantity(sku: "LAMP", quantity: 1)])])
        #expect(context.types() == [EventType.returnApproved, EventType.notificationRequested, EventType.returnLabelRequested])
        #expect(context.emitted.filter { $0.topic == .returnUpdates }.allSatisfy { $0.key == "ORD-1" })
        let message = try #require(try context.messages().first)
        #expect(message.template == .returnApproved && message.customerId == "CUS-1" && message.notificationId == "ntf:return.approved:ORD-1:RET-1")
        #expect(message.body.contains("129.99 SAR"), "\(message.body)")
        #expect(message.body.contains("label is being prepared"), "\(message.body)")
        #expect(try refunds().isEmpty, "the default trigger waits for the inspection")
    }

    @Test mutating func theWindowClosesThirtyDaysAfterTheLastParcelArrived() throws {
        try send(EventType.orderPaid, ReturnsFixture.paid(), at: "2025-03-01T08:00:00Z")
        // Two parcels: the tracking worker announces order.delivered once, with the last delivery.
        try send(EventType.orderDelivered, ReturnsFixture.delivered(at: "2025-03-05T12:00:00Z"))
        try send(EventType.returnRequested, ReturnsFixture.request("RET-IN"), at: "2025-04-04T11:59:00Z")
        try send(EventType.returnRequested, ReturnsFixture.request("RET-LATE"), at: "2025-04-04T12:01:00Z")
        #expect(try approved().map(\.returnId) == ["RET-IN"])
        let rejection = try #require(try rejected().first)
        #expect(rejection.returnId == "RET-LATE")
        #expect(rejection.items == [.init(sku: "LAMP", quantity: 1, reason: "window-closed")])
        let message = try #require(try context.messages().first { $0.template == .returnRejected })
        #expect(message.body.contains("30-day return window closed on Friday, April 4"), "\(message.body)")
        #expect(message.body.contains("warranty"), "says what the customer can do instead")
    }

    @Test mutating func aRequestBeforeTheLastDeliveryIsInsideTheWindow() throws {
        try send(EventType.orderPaid, ReturnsFixture.paid(), at: "2025-03-01T08:00:00Z")
        try send(EventType.returnRequested, ReturnsFixture.request(), at: "2025-03-03T08:00:00Z")
        #expect(try approved().count == 1)
    }

    // MARK: What can be returned

    @Test mutating func finalSaleHygieneAndGiftCardsAreRejectedWhileTheRestIsApproved() throws {
        try paidAndDelivered(ReturnsFixture.paid(
            items: [("LAMP", 1, 10_000), ("TEE", 1, 5_000), ("SOAP", 1, 1_500), ("CARD", 1, 20_000)],
            categories: ["SOAP": "hygiene", "CARD": "gift-card"], tags: ["TEE": ["final-sale"]]))
        try send(EventType.returnRequested, ReturnsFixture.request(items: [
            ("LAMP", 1, .doesntFit), ("TEE", 1, .doesntFit), ("SOAP", 1, .damaged), ("CARD", 1, .changedMind), ("NOPE", 1, .other),
        ]))
        #expect(try approved().first?.items.map(\.sku) == ["LAMP"])
        #expect(try approved().first?.refundEstimate.amount == 10_000)
        #expect(try rejected().first?.items == [
            .init(sku: "TEE", quantity: 1, reason: "final-sale"), .init(sku: "SOAP", quantity: 1, reason: "not-returnable"),
            .init(sku: "CARD", quantity: 1, reason: "not-returnable"), .init(sku: "NOPE", quantity: 1, reason: "unknown-item"),
        ])
        let message = try #require(try context.messages().first { $0.template == .returnRejected })
        #expect(message.body.contains("T-shirt: final-sale items can't be returned"), "\(message.body)")
        #expect(message.body.contains("Soap, Gift card: this kind of item can't be returned"), "\(message.body)")
        #expect(message.body.contains("rest of your request is approved"))
        #expect(try context.messages().first { $0.template == .returnApproved }?.body.contains("couldn't be accepted") == true)
    }

    @Test mutating func quantitiesAreBoundedByWhatWasBoughtMinusEarlierReturns() throws {
        try paidAndDelivered(ReturnsFixture.paid(items: [("MUG", 3, 2_000)]))
        try send(EventType.returnRequested, ReturnsFixture.request("RET-1", items: [("MUG", 2, .changedMind)]))
        try send(EventType.returnRequested, ReturnsFixture.request("RET-2", items: [("MUG", 2, .damaged)]))
        try send(EventType.returnRequested, ReturnsFixture.request("RET-3", items: [("MUG", 1, .damaged)]))
        #expect(try approved().map { $0.items.map(\.quantity) } == [[2], [1]])
        #expect(try rejected().map(\.returnId) == ["RET-2", "RET-3"])
        #expect(try rejected().map(\.items) == [
            [.init(sku: "MUG", quantity: 1, reason: "quantity-exceeded")], [.init(sku: "MUG", quantity: 1, reason: "quantity-exceeded")],
        ])
        #expect(try context.load(ReturnOrder.self, key: "ORD-1")?.coveredUnits == ["MUG": 3])
    }

    // MARK: Money

    @Test mutating func storeFaultReasonsRefundFullPricePlusShippingOnlyWhenEverythingComesBack() throws {
        var scenario = ReturnDeskTests.with { $0.refundTrigger = .firstScan }
        try scenario.paidAndDelivered(ReturnsFixture.paid(items: [("LAMP", 1, 10_000), ("MUG", 2, 2_000)], shipping: 1_500))
        try scenario.send(EventType.returnRequested, ReturnsFixture.request("RET-1", items: [("MUG", 1, .damaged)]))
        #expect(try scenario.approved().last?.refundEstimate.amount == 2_000, "a partial return gets no shipping")
        try scenario.send(EventType.returnRequested, ReturnsFixture.request("RET-2", items: [("LAMP", 1, .wrongItem), ("MUG", 1, .notAsDescribed)]))
        #expect(try scenario.approved().last?.refundEstimate.amount == 12_000 + 1_500, "the whole order came back: all the shipping")
        for id in ["RET-1", "RET-2"] { try scenario.send(EventType.shipmentStatusChanged, ReturnsFixture.returnParcel(.inTransit, returnId: id)) }
        #expect(try scenario.refunds().map(\.amount.amount) == [2_000, 13_500])
        #expect(try scenario.refunds().reduce(0) { $0 + $1.amount.amount } == 15_500, "exactly what was paid")
    }

    @Test mutating func mixedReasonsGetTheShippingInProportionToTheStoreFaultItems() throws {
        try paidAndDelivered(ReturnsFixture.paid(items: [("LAMP", 1, 9_000), ("MUG", 1, 1_000)], shipping: 1_000))
        try send(EventType.returnRequested, ReturnsFixture.request(items: [("LAMP", 1, .damaged), ("MUG", 1, .changedMind)]))
        // 9 000 + 1 000 + 1 000 × 9 000 / 10 000.
        #expect(try approved().first?.refundEstimate.amount == 10_900)
    }

    @Test mutating func customerChoicePaysTheReturnShippingFeeAndRestocking() throws {
        var scenario = ReturnDeskTests.with {
            $0.returnShippingFee = ["SAR": 1_500]
            $0.restockingPercent = 10
        }
        try scenario.paidAndDelivered(ReturnsFixture.paid(items: [("LAMP", 1, 12_999), ("MUG", 1, 2_000)]))
        try scenario.send(EventType.returnRequested, ReturnsFixture.request("RET-1", items: [("LAMP", 1, .changedMind)]))
        // 12 999 − 1 299 (10 %, rounded down: the customer keeps the odd halala) − 1 500.
        #expect(try scenario.approved().first?.refundEstimate.amount == 10_200)
        try scenario.send(EventType.returnRequested, ReturnsFixture.request("RET-2", items: [("MUG", 1, .damaged)]))
        #expect(try scenario.approved().last?.refundEstimate.amount == 2_000, "store-fault reasons are free")
    }

    @Test mutating func aDiscountedOrderIsApportionedSoRefundsNeverExceedWhatWasPaid() throws {
        var scenario = ReturnDeskTests.with { $0.refundTrigger = .firstScan }
        // List value 3 × 3 333 + 1 000 shipping = 10 999, but 10 000 was paid.
        try scenario.paidAndDelivered(ReturnsFixture.paid(items: [("MUG", 3, 3_333)], shipping: 1_000, total: 10_000))
        for (index, id) in ["RET-1", "RET-2", "RET-3"].enumerated() {
            try scenario.send(EventType.returnRequested, ReturnsFixture.request(id, items: [("MUG", 1, .damaged)]), at: "2025-03-1\(index)T09:00:00Z")
            try scenario.send(EventType.shipmentStatusChanged, ReturnsFixture.returnParcel(.inTransit, returnId: id))
        }
        let amounts = try scenario.refunds().map(\.amount.amount)
        let order = try #require(try scenario.context.load(ReturnOrder.self, key: "ORD-1"))
        #expect(order.lines.map(\.paid) == [9_091] && order.shippingPaid == 909, "largest remainder: the parts sum to the total")
        #expect(amounts == [3_031, 3_030, 3_030 + 909])
        #expect(amounts.reduce(0, +) == 10_000)
        #expect(order.committed == 10_000)
    }

    // MARK: Triggers and inspection

    @Test mutating func theDefaultTriggerRefundsAfterInspectionByCondition() throws {
        try paidAndDelivered(ReturnsFixture.paid(items: [("MUG", 4, 2_000)]))
        try send(EventType.returnRequested, ReturnsFixture.request(items: [("MUG", 4, .changedMind)]))
        try send(EventType.returnLabelCreated, ReturnsFixture.label())
        try send(EventType.shipmentStatusChanged, ReturnsFixture.returnParcel(.inTransit))
        try send(EventType.shipmentDelivered, ReturnsFixture.returnParcel(.delivered, at: "2025-03-14T10:00:00Z"))
        #expect(try refunds().isEmpty)
        let received = try #require(try context.outputs(EventType.returnReceived, as: ReturnReceived.self).first)
        #expect(received.receivedAt == ReturnsFixture.date("2025-03-14T10:00:00Z") && received.trackingNumber == "RTRET-1")
        // Two resellable (4 000), one damaged by a customer who changed their mind (50 %: 1 000), one missing (0).
        try send(EventType.returnInspected, ReturnsFixture.inspected(items: [("MUG", 2, .resellable), ("MUG", 1, .damaged)]))
        let refund = try #require(try refunds().first)
        #expect(refund.amount == Money(amount: 5_000, currency: "SAR"))
        #expect(refund.refundId == "refund:ORD-1:RET-1" && refund.returnId == "RET-1" && refund.orderId == "ORD-1")
        #expect(refund.reason == "return RET-1: changed-mind")
        #expect(try templates() == [.returnApproved, .returnApproved, .returnReceived])
    }

    @Test mutating func outputsAreStampedWithTheTimeOfTheirCauseNotOfTheirProcessing() throws {
        try send(EventType.returnRequested, ReturnsFixture.request(), at: "2025-03-10T09:00:00Z")
        try send(EventType.orderPaid, ReturnsFixture.paid(), at: "2025-03-01T08:00:00Z")  // late: the request was parked
        try send(EventType.shipmentDelivered, ReturnsFixture.returnParcel(.delivered, at: "2025-03-13T10:00:00Z"), at: "2025-03-13T10:00:00Z")
        try send(EventType.returnInspected, ReturnsFixture.inspected(items: [("LAMP", 1, .resellable)]), at: "2025-03-14T16:00:00Z")
        let times = Dictionary(context.emitted.filter { $0.topic == .returnUpdates }.map { ($0.type, $0.time) }) { first, _ in first }
        #expect(times[EventType.returnApproved] == ReturnsFixture.date("2025-03-10T09:00:00Z"))
        #expect(times[EventType.returnLabelRequested] == ReturnsFixture.date("2025-03-10T09:00:00Z"))
        #expect(times[EventType.returnReceived] == ReturnsFixture.date("2025-03-13T10:00:00Z"))
        #expect(times[EventType.refundRequested] == ReturnsFixture.date("2025-03-14T16:00:00Z"))
    }

    @Test mutating func aDamagedItemReturnedForAStoreFaultIsRefundedInFull() throws {
        try paidAndDelivered(ReturnsFixture.paid(items: [("MUG", 2, 2_000)]))
        try send(EventType.returnRequested, ReturnsFixture.request(items: [("MUG", 2, .damaged)]))
        try send(EventType.returnInspected, ReturnsFixture.inspected(items: [("MUG", 2, .damaged)]))
        #expect(try refunds().map(\.amount.amount) == [4_000])
    }

    @Test mutating func theFirstScanTriggerRefundsWhenTheCarrierHasTheParcel() throws {
        var scenario = ReturnDeskTests.with { $0.refundTrigger = .firstScan }
        try scenario.paidAndDelivered()
        try scenario.send(EventType.returnRequested, ReturnsFixture.request())
        #expect(try scenario.send(EventType.shipmentStatusChanged, ReturnsFixture.returnParcel(.inTransit, kind: .outbound)) == .ignored)
        try scenario.send(EventType.shipmentStatusChanged, ReturnsFixture.returnParcel(.labelCreated))
        #expect(try scenario.refunds().isEmpty, "a label is not a scan")
        try scenario.send(EventType.shipmentStatusChanged, ReturnsFixture.returnParcel(.inTransit))
        #expect(try scenario.refunds().map(\.amount.amount) == [12_999])
        try scenario.send(EventType.returnInspected, ReturnsFixture.inspected(items: [("LAMP", 1, .missing)]))
        #expect(try scenario.refunds().count == 1, "already refunded: the inspection changes nothing")
    }

    @Test mutating func theDeliveredTriggerRefundsWhenTheParcelIsBack() throws {
        var scenario = ReturnDeskTests.with { $0.refundTrigger = .delivered }
        try scenario.paidAndDelivered()
        try scenario.send(EventType.returnRequested, ReturnsFixture.request())
        try scenario.send(EventType.shipmentStatusChanged, ReturnsFixture.returnParcel(.outForDelivery))
        #expect(try scenario.refunds().isEmpty)
        try scenario.send(EventType.shipmentStatusChanged, ReturnsFixture.returnParcel(.delivered))
        #expect(try scenario.refunds().map(\.amount.amount) == [12_999])
        let received = try #require(try scenario.context.messages().first { $0.template == .returnReceived })
        #expect(received.body.contains("already on its way"), "\(received.body)")
    }

    // MARK: Resolutions

    @Test mutating func storeCreditIsIssuedWithItsBonusAtTheFirstScan() throws {
        try paidAndDelivered()
        try send(EventType.returnRequested, ReturnsFixture.request(resolution: .storeCredit))
        #expect(try context.outputs(EventType.storeCreditIssued, as: StoreCreditIssued.self).isEmpty)
        try send(EventType.shipmentStatusChanged, ReturnsFixture.returnParcel(.inTransit))
        let credit = try #require(try context.outputs(EventType.storeCreditIssued, as: StoreCreditIssued.self).first)
        #expect(credit == StoreCreditIssued(
            orderId: "ORD-1", returnId: "RET-1", customerId: "CUS-1", amount: Money(amount: 12_999, currency: "SAR"),
            bonus: Money(amount: 1_299, currency: "SAR"), creditId: "credit:ORD-1:RET-1"))
        #expect(try refunds().isEmpty)
        let message = try #require(try context.messages().first { $0.template == .storeCreditIssued })
        #expect(message.subject == "Your 142.98 SAR store credit is ready to spend")
        try send(EventType.returnInspected, ReturnsFixture.inspected(items: [("LAMP", 1, .resellable)]))
        #expect(try context.outputs(EventType.storeCreditIssued, as: StoreCreditIssued.self).count == 1)
    }

    @Test mutating func anExchangeAsksForTheNewItemAndRefundsNothing() throws {
        try paidAndDelivered(ReturnsFixture.paid(items: [("TEE", 1, 5_000)]))
        try send(EventType.returnRequested, ReturnsFixture.request(items: [("TEE", 1, .doesntFit)], resolution: .exchange, exchangeSku: "TEE-L"))
        try send(EventType.shipmentStatusChanged, ReturnsFixture.returnParcel(.inTransit))
        try send(EventType.returnInspected, ReturnsFixture.inspected(items: [("TEE", 1, .resellable)]))
        #expect(try context.outputs(EventType.exchangeRequested, as: ExchangeRequested.self) == [
            ExchangeRequested(orderId: "ORD-1", returnId: "RET-1", items: [ItemQuantity(sku: "TEE", quantity: 1)], exchangeSku: "TEE-L"),
        ])
        #expect(try refunds().isEmpty)
        #expect(try context.load(ReturnOrder.self, key: "ORD-1")?.committed == 0)
    }

    @Test mutating func belowTheKeepItThresholdNoLabelIsNeededAndTheRefundGoesAtOnce() throws {
        var scenario = ReturnDeskTests.with { $0.keepItemBelow = ["SAR": 2_500] }
        try scenario.paidAndDelivered(ReturnsFixture.paid(items: [("MUG", 1, 2_000)]))
        try scenario.send(EventType.returnRequested, ReturnsFixture.request(items: [("MUG", 1, .damaged)]))
        #expect(try scenario.approved().first?.labelRequired == false)
        #expect(try scenario.context.outputs(EventType.returnLabelRequested, as: ReturnLabelRequested.self).isEmpty)
        #expect(try scenario.refunds().map(\.amount.amount) == [2_000])
        #expect(try scenario.context.messages().first?.body.contains("keep the item") == true)
    }

    // MARK: Labels, refunds answered, messages

    @Test mutating func theLabelLinkFollowsTheApprovalOrJoinsItWhenAlreadyKnown() throws {
        try paidAndDelivered(ReturnsFixture.paid(items: [("LAMP", 1, 10_000), ("MUG", 1, 2_000)]))
        try send(EventType.returnRequested, ReturnsFixture.request("RET-1", items: [("LAMP", 1, .damaged)]))
        try send(EventType.returnLabelCreated, ReturnsFixture.label("RET-1"))
        try send(EventType.returnLabelCreated, ReturnsFixture.label("RET-1"))
        let first = try context.messages().filter { $0.template == .returnApproved }
        #expect(first.map(\.notificationId) == ["ntf:return.approved:ORD-1:RET-1", "ntf:return.approved.label:ORD-1:RET-1"])
        #expect(first.last?.body.contains("https://labels.example.com/RET-1.pdf") == true)
        // The label arrives before the request: one message, with the link.
        try send(EventType.returnLabelCreated, ReturnsFixture.label("RET-2"))
        try send(EventType.returnRequested, ReturnsFixture.request("RET-2", items: [("MUG", 1, .damaged)]))
        let second = try context.messages().filter { $0.template == .returnApproved && $0.subject.contains("RET-2") }
        #expect(second.count == 1)
        #expect(second.first?.body.contains("https://labels.example.com/RET-2.pdf") == true)
    }

    @Test mutating func aCompletedRefundIsAnnouncedOnceAndAFailedOneIsRecorded() throws {
        var scenario = ReturnDeskTests.with { $0.refundTrigger = .firstScan }
        try scenario.paidAndDelivered(ReturnsFixture.paid(items: [("LAMP", 1, 10_000), ("MUG", 1, 2_000)]))
        try scenario.send(EventType.returnRequested, ReturnsFixture.request("RET-1", items: [("LAMP", 1, .damaged)]))
        try scenario.send(EventType.returnRequested, ReturnsFixture.request("RET-2", items: [("MUG", 1, .damaged)]))
        for id in ["RET-1", "RET-2"] { try scenario.send(EventType.shipmentStatusChanged, ReturnsFixture.returnParcel(.inTransit, returnId: id)) }
        let completed = RefundCompleted(orderId: "ORD-1", refundId: "refund:ORD-1:RET-1", returnId: "RET-1", amount: Money(amount: 10_000, currency: "SAR"))
        try scenario.send(EventType.refundCompleted, completed)
        try scenario.send(EventType.refundCompleted, completed)
        try scenario.send(EventType.refundFailed, RefundFailed(orderId: "ORD-1", refundId: "refund:ORD-1:RET-2", reason: "card expired"))
        try scenario.send(EventType.refundCompleted, RefundCompleted(orderId: "ORD-1", refundId: "someone-else", amount: Money(amount: 1, currency: "SAR")))
        let issued = try scenario.context.messages().filter { $0.template == .refundIssued }
        #expect(issued.count == 1)
        #expect(issued.first?.subject == "Your refund of 100.00 SAR is on its way")
        let failed = try #require(try scenario.context.load(ReturnCase.self, key: "ORD-1/RET-2")?.settlement)
        #expect(failed.status == .failed && failed.failure == "card expired")
        #expect(try scenario.context.load(ReturnCase.self, key: "ORD-1/RET-1")?.settlement?.status == .completed)
    }

    @Test mutating func arabicCustomersGetArabicMessagesWithIsolatedAmounts() throws {
        try paidAndDelivered(ReturnsFixture.paid(locale: "ar-SA"))
        try send(EventType.returnRequested, ReturnsFixture.request())
        let message = try #require(try context.messages().first)
        #expect(message.locale == "ar-SA")
        #expect(message.subject == "تمت الموافقة على طلب الإرجاع \u{2068}RET-1\u{2069}")
        #expect(message.body.contains("\u{2068}129.99 SAR\u{2069}"), "\(message.body)")
    }

    // MARK: Order of arrival, duplicates, parking

    @Test mutating func duplicatesWithNewEventIdsChangeNothing() throws {
        try paidAndDelivered()
        for _ in 0..<3 {
            try send(EventType.orderPaid, ReturnsFixture.paid())
            try send(EventType.returnRequested, ReturnsFixture.request())
            try send(EventType.returnInspected, ReturnsFixture.inspected(items: [("LAMP", 1, .resellable)]))
            try send(EventType.shipmentDelivered, ReturnsFixture.returnParcel(.delivered))
        }
        #expect(try refunds().count == 1)
        #expect(try approved().count == 1)
        #expect(try context.outputs(EventType.returnReceived, as: ReturnReceived.self).count == 1)
        #expect(Set(context.emitted.map(\.id)).count == context.emitted.count)
    }

    @Test mutating func aReturnOfAnUnknownOrderIsParkedUntilTheOrderIsPaid() throws {
        try send(EventType.returnRequested, ReturnsFixture.request())
        try send(EventType.returnInspected, ReturnsFixture.inspected(items: [("LAMP", 1, .resellable)]))
        #expect(context.emitted.isEmpty)
        #expect(context.timers.keys.sorted() == ["returns.park:ORD-1/RET-1"])
        try send(EventType.orderPaid, ReturnsFixture.paid())
        #expect(try approved().count == 1 && refunds().map(\.amount.amount) == [12_999])
        #expect(context.timers.isEmpty)
        try context.advance(to: context.now.addingTimeInterval(48 * 3_600)) { timer, context in try desk.fire(timer, context: &context) }
        #expect(context.deadLetters.isEmpty)
    }

    @Test mutating func aReturnWhoseOrderNeverComesIsDeadLetteredAfterTheParkingBound() throws {
        let input = try ReturnsFixture.input(EventType.returnRequested, ReturnsFixture.request(order: "ORD-GHOST"), time: context.now, key: "ORD-GHOST")
        #expect(try desk.handle(input, context: &context) == .applied)
        try context.advance(to: context.now.addingTimeInterval(23 * 3_600)) { timer, context in try desk.fire(timer, context: &context) }
        #expect(context.deadLetters.isEmpty)
        try context.advance(to: context.now.addingTimeInterval(2 * 3_600)) { timer, context in try desk.fire(timer, context: &context) }
        let letter = try #require(context.deadLetters.first)
        #expect(context.deadLetters.count == 1)
        #expect(letter.record.value == input.record.value && letter.record.headers == input.record.headers && letter.record.offset == input.record.offset)
        #expect(letter.rejection.field == "orderId")
        #expect(letter.rejection.reason.hasPrefix("unknown-order: no order.paid for order 'ORD-GHOST'"))
        #expect(try context.load(ReturnCase.self, key: "ORD-GHOST/RET-1") == nil)
        #expect(try context.load(ReturnOrder.self, key: "ORD-GHOST") == nil)
    }

    @Test mutating func eventsOfAReturnThatWasNeverRequestedAreDeadLetteredToo() throws {
        try paidAndDelivered()
        try send(EventType.returnLabelCreated, ReturnsFixture.label("RET-NEVER"))
        try send(EventType.shipmentStatusChanged, ReturnsFixture.returnParcel(.inTransit, returnId: "RET-NEVER"))
        #expect(context.emitted.isEmpty)
        try context.advance(to: context.now.addingTimeInterval(25 * 3_600)) { timer, context in try desk.fire(timer, context: &context) }
        #expect(context.deadLetters.count == 2)
        #expect(context.deadLetters.allSatisfy {
            $0.rejection.field == "returnId" && $0.rejection.reason.hasPrefix("unknown-return: no return.requested for return 'RET-NEVER' of order 'ORD-1'")
        })
        #expect(try context.load(ReturnOrder.self, key: "ORD-1")?.returnIds == [])
    }

    @Test mutating func parkingIsBoundedPerReturn() throws {
        var scenario = ReturnDeskTests.with { $0.maxParkedPerReturn = 2 }
        try scenario.send(EventType.returnRequested, ReturnsFixture.request())
        try scenario.send(EventType.returnLabelCreated, ReturnsFixture.label())
        #expect(throws: EventRejection.self) {
            try scenario.send(EventType.shipmentStatusChanged, ReturnsFixture.returnParcel(.inTransit))
        }
        #expect(try scenario.context.load(ReturnCase.self, key: "ORD-1/RET-1")?.parked.count == 2)
    }

    @Test mutating func aCustomersNewLanguageIsUsedForLaterMessages() throws {
        try paidAndDelivered()
        try send(EventType.customerPreferencesUpdated, CustomerPreferencesUpdated(customerId: "CUS-1", locale: "ar-SA"))
        try send(EventType.returnRequested, ReturnsFixture.request())
        #expect(try context.messages().first?.locale == "ar-SA")
    }

    @Test mutating func aCancelledOrderRefusesReturnsAndPaysNothingMore() throws {
        try paidAndDelivered(ReturnsFixture.paid(items: [("LAMP", 1, 10_000), ("MUG", 1, 2_000)]))
        try send(EventType.returnRequested, ReturnsFixture.request("RET-1", items: [("LAMP", 1, .damaged)]))
        try send(EventType.orderCancelled, OrderCancelled(orderId: "ORD-1", reason: "fraud"))
        try send(EventType.returnRequested, ReturnsFixture.request("RET-2", items: [("MUG", 1, .damaged)]))
        try send(EventType.returnInspected, ReturnsFixture.inspected("RET-1", items: [("LAMP", 1, .resellable)]))
        #expect(try rejected().map(\.items) == [[.init(sku: "MUG", quantity: 1, reason: "order-cancelled")]])
        #expect(try refunds().isEmpty)
    }

    // MARK: Bad input

    @Test mutating func invalidRequestsAreRejectedNamingTheFieldAndUnknownTypesIgnored() throws {
        try paidAndDelivered()
        #expect(throws: EventRejection(field: "data.items[0].quantity", reason: "must be at least 1", code: .invalidData)) {
            try send(EventType.returnRequested, ReturnsFixture.request(items: [("LAMP", 0, .damaged)]))
        }
        #expect(throws: EventRejection(field: "data.exchangeSku", reason: "is required when the resolution is 'exchange'", code: .invalidData)) {
            try send(EventType.returnRequested, ReturnsFixture.request(resolution: .exchange))
        }
        #expect(throws: EventRejection.self) {
            try send(EventType.returnRequested, ["orderId": "ORD-1", "returnId": "RET-9", "items": "nope"])
        }
        #expect(try send(EventType.reviewSubmitted, ReviewSubmitted(orderId: "ORD-1", customerId: "CUS-1", sku: "LAMP", rating: 5)) == .ignored)
        #expect(try send(EventType.shipmentDispatched, ["orderId": "ORD-1"]) == .ignored)
        #expect(try desk.handle(ReturnsFixture.rawInput("{}"), context: &context) == .ignored)
        #expect(context.types().isEmpty)
    }

    @Test mutating func anOrderInTwoCurrenciesIsRejected() throws {
        var paid = ReturnsFixture.paid()
        paid.items[0].unitPrice.currency = "USD"
        #expect(throws: EventRejection.self) { try send(EventType.orderPaid, paid) }
    }
}
