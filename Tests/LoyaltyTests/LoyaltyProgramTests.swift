import Foundation
@testable import Loyalty
@testable import PostPurchaseCore
import PostPurchaseTesting
import Testing

@Suite("Loyalty decisions")
struct LoyaltyProgramTests {
    typealias F = LoyaltyFixture
    var h: LoyaltyHarness

    init() throws {
        h = try LoyaltyHarness()
    }

    func refund(_ orderId: String, _ refundId: String, amount: Int, returnId: String? = nil) -> RefundCompleted {
        RefundCompleted(orderId: orderId, refundId: refundId, returnId: returnId, amount: Money(amount: amount, currency: "SAR"))
    }

    /// Pays, delivers now and lets the 30-day window pass.
    mutating func confirmedOrder(_ orderId: String, amount: Int = 12_999) throws {
        try h.send(EventType.orderPaid, F.paid(orderId, amount: amount))
        try h.send(EventType.orderDelivered, F.delivered(orderId, at: h.context.now), topic: .shipmentUpdates)
        try h.advance(days: 30.01)
    }

    // MARK: Earning

    @Test mutating func orderPaidBooksPendingPointsOnTheItemsTotalWithoutShipping() throws {
        #expect(try h.send(EventType.orderPaid, F.paid("ORD-1", amount: 12_999, quantity: 2, shipping: 2_500)) == .applied)
        let change = try #require(try h.changes().first)
        #expect(try h.changes().count == 1)
        #expect(change.entryId == "purchase:ORD-1/pending" && change.reason == .purchase && change.delta == 259)
        #expect(change.pendingBalance == 259 && change.availableBalance == 0 && change.tier == .bronze && change.orderId == "ORD-1")
        let event = try #require(h.context.emitted.first)
        #expect(event.key == "CUS-1" && event.topic == .loyaltyUpdates && event.id == change.entryId)
        let entry = try #require(try h.account().ledger.entries.first)
        #expect(entry.state == .pending && entry.ruleVersion == "2025.1" && entry.createdAt == h.context.now && entry.customerId == "CUS-1")
        #expect(try h.notifications().isEmpty, "nothing to tell until the points are confirmed")
    }

    @Test func pointsArePerWholeCurrencyUnitRoundedDownTimesTheTierMultiplier() {
        let policy = LoyaltyPolicy()
        #expect(policy.purchasePoints(itemsTotal: Money(amount: 12_999, currency: "SAR"), tier: .bronze) == 129)
        #expect(policy.purchasePoints(itemsTotal: Money(amount: 12_345, currency: "KWD"), tier: .bronze) == 12)
        #expect(policy.purchasePoints(itemsTotal: Money(amount: 1_500, currency: "JPY"), tier: .bronze) == 1_500)
        #expect(policy.purchasePoints(itemsTotal: Money(amount: 10_000, currency: "SAR"), tier: .silver) == 125)
        #expect(policy.purchasePoints(itemsTotal: Money(amount: 12_999, currency: "SAR"), tier: .silver) == 161, "129 × 1.25 = 161.25")
        #expect(policy.purchasePoints(itemsTotal: Money(amount: 12_999, currency: "SAR"), tier: .gold) == 193, "129 × 1.5 = 193.5")
        #expect(policy.purchasePoints(itemsTotal: Money(amount: 99, currency: "SAR"), tier: .gold) == 0)
    }

    // MARK: Confirmation

    @Test mutating func pendingPointsAreConfirmedThirtyDaysAfterDelivery() throws {
        try h.send(EventType.orderPaid, F.paid("ORD-1"))
        try h.advance(days: 3)
        try h.send(EventType.orderDelivered, F.delivered("ORD-1", at: h.context.now), topic: .shipmentUpdates)
        try h.advance(days: 29.9)
        #expect(try h.changes().map(\.reason) == [.purchase])
        try h.advance(days: 0.2)
        let changes = try h.changes()
        #expect(changes.map(\.reason) == [.purchase, .confirmed, .confirmed])
        #expect(changes.map(\.delta) == [129, -129, 129])
        #expect(changes.last?.pendingBalance == 0 && changes.last?.availableBalance == 129)
        let note = try #require(try h.notifications().first)
        #expect(note.template == .loyaltyPointsEarned && note.customerId == "CUS-1" && note.orderId == "ORD-1")
        #expect(note.subject == "Your 129 points from order ORD-1 are ready to use")
        #expect(note.body.contains("Available balance: 129 points"))
        #expect(note.notificationId == "ntf:loyalty.points_earned:ORD-1")
        #expect(try h.account().ledger.balance == LedgerBalance(pending: 0, available: 129, debt: 0))
    }

    @Test mutating func anOpenReturnHoldsThePointsUntilItIsRejected() throws {
        try h.send(EventType.orderPaid, F.paid("ORD-1"))
        try h.send(EventType.orderDelivered, F.delivered("ORD-1", at: h.context.now), topic: .shipmentUpdates)
        try h.send(EventType.returnRequested, F.returnRequested("ORD-1", returnId: "RET-1"))
        try h.advance(days: 45)
        #expect(try h.changes().map(\.reason) == [.purchase], "the return is open")
        try h.send(EventType.returnApproved, ReturnApproved(orderId: "ORD-1", returnId: "RET-1", items: [], refundEstimate: Money(amount: 0, currency: "SAR"), labelRequired: true),
                   topic: .returnUpdates)
        #expect(try h.changes().map(\.reason) == [.purchase], "approved is still open until refunded")
        let rejected = ReturnRejected(orderId: "ORD-1", returnId: "RET-2", items: [.init(sku: "LAMP", reason: "outside-window")])
        try h.send(EventType.returnRejected, rejected, topic: .returnUpdates)
        #expect(try h.changes().map(\.reason) == [.purchase], "RET-1 is still open")
        try h.send(EventType.exchangeRequested, ExchangeRequested(orderId: "ORD-1", returnId: "RET-1", items: [], exchangeSku: "LAMP-2"),
                   topic: .returnUpdates)
        #expect(try h.changes().map(\.reason) == [.purchase, .confirmed, .confirmed], "an exchange keeps the purchase: points confirmed")
    }

    @Test mutating func aRejectedReturnAfterTheWindowConfirmsAtOnce() throws {
        try h.send(EventType.orderPaid, F.paid("ORD-1"))
        try h.send(EventType.orderDelivered, F.delivered("ORD-1", at: h.context.now), topic: .shipmentUpdates)
        try h.send(EventType.returnRequested, F.returnRequested("ORD-1", returnId: "RET-1"))
        try h.advance(days: 31)
        // No orderId in the data: the record key (the order id, as the contract keys return-updates) names the order.
        try h.send(EventType.returnRejected, ReturnRejected(returnId: "RET-1", items: [.init(sku: "LAMP", reason: "worn")]), topic: .returnUpdates, key: "ORD-1")
        #expect(try h.changes().map(\.reason) == [.purchase, .confirmed, .confirmed])
    }

    // MARK: Reversals

    @Test mutating func aRefundReversesItsShareTakingTheOrdersPendingPointsFirst() throws {
        try h.send(EventType.orderPaid, F.paid("ORD-1", amount: 12_999, quantity: 2))
        try h.send(EventType.orderDelivered, F.delivered("ORD-1", at: h.context.now), topic: .shipmentUpdates)
        try h.send(EventType.returnRequested, F.returnRequested("ORD-1", returnId: "RET-1"))
        try h.advance(days: 10)
        try h.send(EventType.refundCompleted, refund("ORD-1", "RF-1", amount: 12_999, returnId: "RET-1"))
        var changes = try h.changes()
        #expect(changes.map(\.reason) == [.purchase, .refundReversal])
        #expect(changes.last?.delta == -129, "259 × ½ = 129.5, the customer keeps the fraction")
        #expect(changes.last?.entryId == "refund_reversal:ORD-1:refund:RF-1/pending")
        #expect(changes.last?.pendingBalance == 130)
        let note = try #require(try h.notifications().first)
        #expect(note.template == .loyaltyPointsReversed)
        #expect(note.subject == "Your points after the refund on order ORD-1")
        #expect(note.body.contains("(refund RF-1)") && note.body.contains("taken back the 129 points"))
        #expect(note.body.contains("Your balance now: 0 points available, 130 pending."))
        try h.advance(days: 21)
        changes = try h.changes()
        #expect(changes.map(\.reason) == [.purchase, .refundReversal, .confirmed, .confirmed])
        #expect(changes.last?.availableBalance == 130)
        // The rest refunded later (no return id): reversed from the available balance, cumulatively exact.
        try h.send(EventType.refundCompleted, refund("ORD-1", "RF-2", amount: 12_999))
        changes = try h.changes()
        #expect(changes.last?.delta == -130 && changes.last?.availableBalance == 0 && changes.last?.entryId == "refund_reversal:ORD-1:refund:RF-2/available")
        #expect(try h.account().ledger.balance == LedgerBalance())
    }

    @Test mutating func storeCreditReversesPointsToo() throws {
        try confirmedOrder("ORD-1")
        let credit = StoreCreditIssued(
            orderId: "ORD-1", returnId: "RET-1", customerId: "CUS-1", amount: Money(amount: 12_999, currency: "SAR"),
            bonus: Money(amount: 650, currency: "SAR"), creditId: "SC-1")
        try h.send(EventType.storeCreditIssued, credit, topic: .returnUpdates)
        try h.send(EventType.storeCreditIssued, credit, topic: .returnUpdates)
        let reversals = try h.changes().filter { $0.reason == .refundReversal }
        #expect(reversals.map(\.delta) == [-129], "once, however often it is delivered")
        let note = try #require(try h.notifications().last)
        #expect(note.template == .loyaltyPointsReversed && note.subject == "Your points after the store credit for order ORD-1")
        #expect(note.body.contains("(credit SC-1)"))
    }

    @Test mutating func aReversalUsesTheRuleVersionThatEarnedThePoints() throws {
        try h.send(EventType.orderPaid, F.paid("ORD-1"))
        var richer = LoyaltyPolicy()
        richer.ruleVersion = "2026.1"
        richer.pointsPerCurrencyUnit = 3
        h.program = LoyaltyProgram(composer: try F.composer(), policy: richer)
        try h.send(EventType.orderPaid, F.paid("ORD-2"))
        try h.send(EventType.refundCompleted, refund("ORD-1", "RF-1", amount: 12_999))
        let ledger = try h.account().ledger
        let reversal = try #require(ledger.entries.first { $0.reason == .refundReversal })
        #expect(reversal.delta == -129, "what 2025.1 granted, not 387 under 2026.1")
        #expect(reversal.ruleVersion == "2025.1")
        #expect(ledger.entries.first { $0.cause == "purchase:ORD-2" }?.delta == 387)
    }

    @Test mutating func aRefundBeforeTheOrderIsKnownWaitsForIt() throws {
        try h.send(EventType.refundCompleted, refund("ORD-1", "RF-1", amount: 12_999))
        #expect(h.context.emitted.isEmpty)
        try h.send(EventType.orderPaid, F.paid("ORD-1"))
        #expect(try h.changes().map(\.delta) == [129, -129])
        #expect(try h.account().ledger.balance == LedgerBalance())
    }

    @Test mutating func aRefundInAnotherCurrencyIsRejected() throws {
        try h.send(EventType.orderPaid, F.paid("ORD-1"))
        let usd = RefundCompleted(orderId: "ORD-1", refundId: "RF-1", amount: Money(amount: 100, currency: "USD"))
        #expect(throws: EventRejection.self) { try h.send(EventType.refundCompleted, usd) }
    }

    @Test mutating func aWaitingRefundInAnotherCurrencyIsDeadLetteredWhenTheOrderArrives() throws {
        try h.send(EventType.refundCompleted, RefundCompleted(orderId: "ORD-1", refundId: "RF-1", amount: Money(amount: 100, currency: "USD")))
        #expect(try h.send(EventType.orderPaid, F.paid("ORD-1")) == .applied)
        #expect(try h.changes().map(\.reason) == [.purchase], "the payment is booked")
        let letter = try #require(h.context.deadLetters.first)
        #expect(h.context.deadLetters.count == 1 && letter.record.topic == "orders")
        #expect(letter.rejection.field == "data.amount.currency")
        #expect(try CloudEventCodec.decode(letter.record).type == EventType.refundCompleted, "the refund's record, unchanged")
    }

    @Test mutating func cancellationBeforeConfirmationRemovesThePendingPoints() throws {
        try h.send(EventType.orderPaid, F.paid("ORD-1"))
        try h.send(EventType.orderCancelled, OrderCancelled(orderId: "ORD-1", reason: "customer"))
        try h.send(EventType.orderCancelled, OrderCancelled(orderId: "ORD-1"))
        let changes = try h.changes()
        #expect(changes.map(\.reason) == [.purchase, .cancellation])
        #expect(changes.last?.delta == -129 && changes.last?.pendingBalance == 0)
        #expect(try h.notifications().map(\.subject) == ["Points removed for your cancelled order ORD-1"])
        // A delivery after the cancellation confirms nothing.
        try h.send(EventType.orderDelivered, F.delivered("ORD-1", at: h.context.now), topic: .shipmentUpdates)
        try h.advance(days: 40)
        #expect(try h.changes().count == 2)
    }

    @Test mutating func cancellationAfterConfirmationChangesNothing() throws {
        try confirmedOrder("ORD-1")
        let before = h.context.emitted.count
        try h.send(EventType.orderCancelled, OrderCancelled(orderId: "ORD-1"))
        #expect(h.context.emitted.count == before)
        #expect(try h.account().ledger.balance.available == 129)
    }

    // MARK: Goodwill

    @Test mutating func aReviewEarnsFiftyPointsOncePerOrder() throws {
        try h.send(EventType.orderPaid, F.paid("ORD-1"))
        let review = ReviewSubmitted(orderId: "ORD-1", customerId: "CUS-1", sku: "LAMP", rating: 5)
        try h.send(EventType.reviewSubmitted, review)
        try h.send(EventType.reviewSubmitted, ReviewSubmitted(orderId: "ORD-1", customerId: "CUS-1", sku: "LAMP", rating: 4))
        let bonuses = try h.changes().filter { $0.reason == .reviewBonus }
        #expect(bonuses.map(\.delta) == [50])
        #expect(bonuses.first?.availableBalance == 50 && bonuses.first?.pendingBalance == 129)
        let notes = try h.notifications()
        #expect(notes.map(\.template) == [.loyaltyGoodwillGranted])
        #expect(notes.first?.subject == "Thank you for your review: 50 points for you")
    }

    @Test mutating func aReviewWithABadRatingOrAnotherCustomerIsRejected() throws {
        try h.send(EventType.orderPaid, F.paid("ORD-1"))
        #expect(throws: EventRejection.self) {
            try h.send(EventType.reviewSubmitted, ReviewSubmitted(orderId: "ORD-1", customerId: "CUS-1", sku: "LAMP", rating: 9))
        }
        #expect(throws: EventRejection.self) {
            try h.send(EventType.reviewSubmitted, ReviewSubmitted(orderId: "ORD-1", customerId: "CUS-2", sku: "LAMP", rating: 5))
        }
        #expect(try h.changes().count == 1)
    }

    @Test mutating func aDelayedShipmentGivesOneHundredPointsOnceWithAnApology() throws {
        try h.send(EventType.shipmentDelayed, F.delayed("ORD-1"), topic: .shipmentUpdates)
        #expect(h.context.emitted.isEmpty, "the customer is not known before order.paid")
        try h.send(EventType.orderPaid, F.paid("ORD-1", locale: "ar-SA", name: "نورة"))
        try h.send(EventType.shipmentDelayed, F.delayed("ORD-1"), topic: .shipmentUpdates)
        try h.send(EventType.shipmentDelayed, F.delayed("ORD-2", kind: .return), topic: .shipmentUpdates)
        let changes = try h.changes()
        #expect(changes.map(\.reason) == [.purchase, .serviceRecovery])
        #expect(changes.last?.delta == 100 && changes.last?.availableBalance == 100)
        let note = try #require(try h.notifications().first)
        #expect(try h.notifications().count == 1)
        #expect(note.template == .loyaltyGoodwillGranted && note.locale == "ar-SA")
        #expect(note.subject == "نعتذر عن التأخير، وهذه نقاط هدية منا")
        #expect(note.body.contains("طلبك رقم \u{2068}ORD-1\u{2069}"), "Latin ids isolated in Arabic text")
        #expect(note.body.contains("النقاط المضافة: ١٠٠"))
    }

    // MARK: Tiers

    @Test mutating func tiersFollowPointsEarnedInARolling12MonthsAndSetTheMultiplier() throws {
        try h.send(EventType.orderPaid, F.paid("ORD-BIG", amount: 100_000))
        #expect(try h.tierChanges() == [LoyaltyTierChanged(customerId: "CUS-1", previousTier: .bronze, tier: .silver, pointsLast12Months: 1_000)])
        #expect(try h.changes().last?.tier == .silver)
        let note = try #require(try h.notifications().first { $0.template == .loyaltyTierChanged })
        #expect(note.subject == "Welcome to Silver!" && note.body.contains("1.25× points"))
        try h.advance(days: 60)
        try h.send(EventType.orderPaid, F.paid("ORD-2"))
        #expect(try h.changes().last?.delta == 161, "129 × 1.25, rounded down")
        // ORD-BIG leaves the window 12 months after it was earned: 161 points left, bronze again.
        try h.advance(to: F.date("2026-03-03T08:59:00Z"))
        #expect(try h.tierChanges().count == 1)
        try h.advance(to: F.date("2026-03-03T09:01:00Z"))
        #expect(try h.tierChanges().last == LoyaltyTierChanged(customerId: "CUS-1", previousTier: .silver, tier: .bronze, pointsLast12Months: 161))
        #expect(try h.notifications().last?.subject == "Your membership is now Bronze")
    }

    @Test func aLeapDayPurchaseLeavesTheTierWindowOnceWithoutWakingUpForEver() throws {
        // Found by the ledger property test: 29 Feb 2028 + 12 months is 28 Feb 2029, when the
        // purchase still counts, and the tier timer kept rescheduling itself at that same moment.
        var h = try LoyaltyHarness(now: "2028-02-29T09:00:00Z")
        try h.send(EventType.orderPaid, F.paid("ORD-BIG", amount: 100_000))
        #expect(try h.tierChanges().map(\.tier) == [.silver])
        let program = h.program
        var firings = 0
        struct Runaway: Error {}
        try h.context.advance(to: F.date("2029-03-05T00:00:00Z")) { timer, context in
            firings += 1
            if firings > 50 { throw Runaway() }
            try program.fire(timer, context: &context)
        }
        #expect(try h.tierChanges().map(\.tier) == [.silver, .bronze])
        #expect(h.context.timers.values.allSatisfy { $0.dueAt > h.context.now })
        let exit = try #require(LoyaltyPolicy().tierWindowExit(earnedAt: F.date("2028-02-29T09:00:00Z")) as Date?)
        #expect(LoyaltyPolicy().tierWindowStart(now: exit) < F.date("2028-02-29T09:00:00Z"), "the calendar case this test is about")
    }

    @Test mutating func aCancelledPurchaseNoLongerCountsTowardsTheTier() throws {
        try h.send(EventType.orderPaid, F.paid("ORD-BIG", amount: 500_000))
        try h.send(EventType.orderCancelled, OrderCancelled(orderId: "ORD-BIG"))
        #expect(try h.tierChanges().map(\.tier) == [.gold, .bronze])
        #expect(h.context.timers.keys.filter { $0.hasPrefix("loyalty.tier:") }.isEmpty)
    }

    // MARK: Expiry

    @Test mutating func availablePointsExpireTwelveMonthsAfterEarningWithANoticeTwoWeeksBefore() throws {
        try confirmedOrder("ORD-1")
        try h.advance(to: F.date("2026-02-17T08:00:00Z"))
        #expect(try h.notifications().map(\.template) == [.loyaltyPointsEarned])
        try h.advance(to: F.date("2026-02-17T10:00:00Z"))
        let notice = try #require(try h.notifications().last)
        #expect(notice.template == .loyaltyPointsExpiring)
        #expect(notice.subject == "129 of your points expire on Tuesday, March 3")
        try h.advance(to: F.date("2026-03-03T10:00:00Z"))
        let expiry = try #require(try h.changes().last)
        #expect(expiry.reason == .expiry && expiry.delta == -129 && expiry.availableBalance == 0)
        #expect(try h.account().ledger.lots.isEmpty)
    }

    @Test mutating func pointsReversedBeforeExpiryAreNotExpiredAgain() throws {
        try confirmedOrder("ORD-1")
        try h.send(EventType.refundCompleted, refund("ORD-1", "RF-1", amount: 12_999))
        try h.advance(to: F.date("2026-04-01T00:00:00Z"))
        #expect(try h.changes().map(\.reason) == [.purchase, .confirmed, .confirmed, .refundReversal])
        #expect(!(try h.notifications().contains { $0.template == .loyaltyPointsExpiring }))
    }

    // MARK: Never negative

    @Test mutating func aReversalLargerThanTheBalanceTakesPendingThenBecomesDebtThatLaterPointsPayOff() throws {
        try confirmedOrder("ORD-1")
        try h.advance(to: F.date("2026-03-04T00:00:00Z"))  // ORD-1's 129 points expired
        try h.send(EventType.orderPaid, F.paid("ORD-2", amount: 5_000))  // 50 pending
        try h.send(EventType.refundCompleted, refund("ORD-1", "RF-1", amount: 12_999))
        var ledger = try h.account().ledger
        #expect(ledger.balance == LedgerBalance(pending: 0, available: 0, debt: 79))
        let reversal = ledger.entries.filter { $0.cause == "refund_reversal:ORD-1:refund:RF-1" }
        #expect(reversal.map(\.entryId) == ["refund_reversal:ORD-1:refund:RF-1/pending:ORD-2", "refund_reversal:ORD-1:refund:RF-1/debt"])
        #expect(reversal.map(\.delta) == [-50, -79])
        let note = try #require(try h.notifications().last)
        #expect(note.body.contains("the 79 points a refund could not take yet will be settled from the next points you earn"))
        // The review bonus pays 50 of the debt; the next 100 points pay the rest and 71 stay available.
        try h.send(EventType.reviewSubmitted, ReviewSubmitted(orderId: "ORD-2", customerId: "CUS-1", sku: "LAMP", rating: 5))
        ledger = try h.account().ledger
        #expect(ledger.balance == LedgerBalance(pending: 0, available: 0, debt: 29))
        try h.send(EventType.shipmentDelayed, F.delayed("ORD-2"), topic: .shipmentUpdates)
        ledger = try h.account().ledger
        #expect(ledger.balance == LedgerBalance(pending: 0, available: 71, debt: 0))
        #expect(ledger.entries.filter { $0.state == .debt }.map(\.reason) == [.refundReversal, .refundReversal, .refundReversal])
        #expect(try h.changes().allSatisfy { $0.pendingBalance >= 0 && $0.availableBalance >= 0 })
    }

    // MARK: Redelivery and bad input

    @Test mutating func redeliveringEveryEventWithNewIdsChangesNothing() throws {
        let events: [(String, any Encodable & Sendable, TopicName)] = [
            (EventType.orderPaid, F.paid("ORD-1", amount: 100_000), .orders),
            (EventType.shipmentDelayed, F.delayed("ORD-1"), .shipmentUpdates),
            (EventType.orderDelivered, F.delivered("ORD-1", at: h.context.now), .shipmentUpdates),
            (EventType.reviewSubmitted, ReviewSubmitted(orderId: "ORD-1", customerId: "CUS-1", sku: "LAMP", rating: 5), .orders),
            (EventType.returnRequested, F.returnRequested("ORD-1", returnId: "RET-1"), .orders),
            (EventType.refundCompleted, refund("ORD-1", "RF-1", amount: 50_000, returnId: "RET-1"), .orders),
        ]
        for (type, data, topic) in events { try h.send(type, data, topic: topic) }
        try h.advance(days: 31)
        let outputs = h.context.emitted.map(\.id)
        let ledger = try h.account().ledger
        for (type, data, topic) in events { try h.send(type, data, topic: topic) }
        try h.advance(days: 1)
        #expect(h.context.emitted.map(\.id) == outputs)
        #expect(try h.account().ledger == ledger)
        #expect(Set(outputs).count == outputs.count)
    }

    @Test mutating func unknownTypesAreIgnoredAndInvalidDataRejected() throws {
        #expect(try h.send("order.gift_wrapped", ["orderId": "ORD-1"]) == .ignored)
        #expect(try h.send(EventType.shipmentDispatched, ["orderId": "ORD-1"]) == .ignored)
        var bad = F.paid("ORD-1")
        bad.items[0].quantity = 0
        #expect(throws: EventRejection.self) { try h.send(EventType.orderPaid, bad) }
        #expect(throws: EventRejection.self) { try h.send(EventType.orderPaid, ["orderId": "ORD-1"]) }
        #expect(h.context.emitted.isEmpty)
    }

    // MARK: Preparing and reading ahead

    /// One order's life and a second customer's, as (type, data, topic) to send in order.
    func journey() -> [(String, any Encodable & Sendable, TopicName)] {
        [
            (EventType.refundCompleted, refund("ORD-2", "RF-0", amount: 1_000), .orders),  // before its order: parked
            (EventType.orderPaid, F.paid("ORD-1", amount: 100_000), .orders),
            (EventType.orderPaid, F.paid("ORD-2", customer: "CUS-2"), .orders),
            (EventType.shipmentDelayed, F.delayed("ORD-1"), .shipmentUpdates),
            (EventType.shipmentDelayed, F.delayed("ORD-1", kind: .return), .shipmentUpdates),
            (EventType.reviewSubmitted, ReviewSubmitted(orderId: "ORD-1", customerId: "CUS-1", sku: "LAMP", rating: 5), .orders),
            (EventType.reviewSubmitted, ReviewSubmitted(orderId: "ORD-1", customerId: "CUS-1", sku: "LAMP", rating: 4), .orders),
            (EventType.orderDelivered, F.delivered("ORD-1", at: h.context.now), .shipmentUpdates),
            (EventType.returnRequested, F.returnRequested("ORD-1", returnId: "RET-1"), .orders),
            (EventType.returnApproved, ReturnApproved(returnId: "RET-1", items: [], refundEstimate: Money(amount: 50_000, currency: "SAR"), labelRequired: true), .returnUpdates),
            (EventType.refundCompleted, refund("ORD-1", "RF-1", amount: 50_000, returnId: "RET-1"), .orders),
            (EventType.customerPreferencesUpdated, CustomerPreferencesUpdated(customerId: "CUS-2", locale: "ar-SA"), .orders),
            (EventType.orderCancelled, OrderCancelled(orderId: "ORD-2"), .orders),
            (EventType.orderCancelled, OrderCancelled(orderId: "ORD-3"), .orders),
        ]
    }

    /// Reading ahead must load what the handler loads, in its order, and change nothing: the
    /// runtime rehearses it for a whole batch and reads what it asked for in batched reads.
    @Test mutating func readingAheadLoadsWhatTheHandlerLoadsAndChangesNothing() throws {
        let worker = try LoyaltyWorker(composer: try F.composer())
        func inOrder(_ keys: [String]) -> [String] {
            var seen = Set<String>()
            return keys.filter { seen.insert($0).inserted }
        }
        var readAheads = 0
        for (type, data, topic) in journey() {
            var input = try F.event(type, data, time: h.context.now, topic: topic, key: "ORD-1")
            input.prepared = worker.prepare(input)
            let emitted = h.context.emitted.count, saved = h.context.entities.mapValues { $0.count }
            h.context.loads = InMemoryDomainContext.LoadLog()
            try h.program.readAhead(input, context: &h.context)
            let readAhead = inOrder(h.context.loads!.keys)
            #expect(h.context.emitted.count == emitted && h.context.entities.mapValues { $0.count } == saved, "\(type)")
            h.context.loads = InMemoryDomainContext.LoadLog()
            _ = try h.program.handle(input, context: &h.context)
            let handled = inOrder(h.context.loads!.keys)
            #expect(Array(readAhead.prefix(handled.count)) == handled, "\(type): read ahead \(readAhead), handled \(handled)")
            readAheads += readAhead.count
        }
        #expect(readAheads >= 20, "orders and accounts were read ahead")
        // Data that does not decode is read ahead as nothing; the handler rejects it.
        var broken = try F.event(EventType.orderPaid, ["orderId": "ORD-9"], time: h.context.now)
        broken.prepared = worker.prepare(broken)
        h.context.loads = InMemoryDomainContext.LoadLog()
        #expect(throws: EventRejection.self) { try h.program.readAhead(broken, context: &h.context) }
        #expect(h.context.loads!.keys.isEmpty)
        #expect(throws: EventRejection.self) { _ = try h.program.handle(broken, context: &h.context) }
    }

    /// Inputs the runtime decoded ahead (``LoyaltyWorker/prepare(_:)``) are handled exactly as inputs
    /// decoded by the handler itself.
    @Test func preparedInputsAreHandledExactlyLikeUnpreparedOnes() throws {
        let worker = try LoyaltyWorker(composer: try F.composer())
        func run(prepared: Bool) throws -> (outputs: [String], ledgers: [LoyaltyLedger?], rejections: [String]) {
            var h = try LoyaltyHarness()
            var rejections: [String] = []
            var events = journey()
            events.insert((EventType.reviewSubmitted, ["orderId": "ORD-1", "rating": "five"], .orders), at: 5)
            for (type, data, topic) in events {
                var input = try F.event(type, data, id: "\(type)-\(rejections.count)-\(h.context.emitted.count)", time: h.context.now, topic: topic, key: "ORD-1")
                if prepared { input.prepared = worker.prepare(input) }
                do { _ = try h.program.handle(input, context: &h.context) } catch { rejections.append("\(error)") }
            }
            try h.advance(days: 31)
            let ledgers = try ["CUS-1", "CUS-2"].map { try h.context.load(LoyaltyAccount.self, key: $0)?.ledger }
            return (h.context.emitted.map(\.id), ledgers, rejections)
        }
        let unprepared = try run(prepared: false), prepared = try run(prepared: true)
        #expect(prepared.outputs == unprepared.outputs && prepared.outputs.count > 5)
        #expect(prepared.ledgers == unprepared.ledgers && prepared.ledgers.allSatisfy { $0 != nil })
        #expect(prepared.rejections == unprepared.rejections && prepared.rejections.count == 1)
    }

    @Test mutating func preferencesChangeTheLanguageOfLaterMessages() throws {
        try h.send(EventType.orderPaid, F.paid("ORD-1"))
        try h.send(EventType.customerPreferencesUpdated, CustomerPreferencesUpdated(customerId: "CUS-1", locale: "ar-SA"))
        try h.send(EventType.reviewSubmitted, ReviewSubmitted(orderId: "ORD-1", customerId: "CUS-1", sku: "LAMP", rating: 5))
        let note = try #require(try h.notifications().first)
        #expect(note.locale == "ar-SA" && note.subject == "شكراً على تقييمك، وهذه نقاط هدية لك")
    }
}
