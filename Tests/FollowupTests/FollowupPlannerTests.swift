import Foundation
@testable import Followup
@testable import PostPurchaseCore
import PostPurchaseTesting
import Testing

/// Every row of the template table and every rule, with an injected clock.
@Suite("Follow-up decisions")
struct FollowupPlannerTests {
    typealias F = FollowupFixture
    let date = FollowupFixture.date

    /// Kettle (electronics), shirt (apparel), coffee beans (coffee, run out after 30 days).
    static let basket = [
        F.Line(sku: "KETTLE", category: "electronics"), F.Line(sku: "SHIRT", category: "apparel"),
        F.Line(sku: "BEANS", category: "coffee", replenishAfterDays: 30),
    ]

    /// Paid 12:00, dispatched, delivered 13:00 two days later (Riyadh, UTC+3).
    func deliveredJourney(consent: Bool = true, lines: [F.Line] = basket) throws -> FollowupJourney {
        var journey = try FollowupJourney()
        try journey.paid(F.paid(lines: lines, at: "2025-03-03T09:00:00Z", consent: consent))
        try journey.dispatched(F.dispatched(items: lines.map { ($0.sku, $0.quantity) }), at: "2025-03-03T15:00:00Z")
        try journey.delivered(at: "2025-03-05T10:00:00Z")
        return journey
    }

    // MARK: The template table

    @Test func everyRowOfTheTableAtItsTimeFromTheEventsOwnTimes() throws {
        var journey = try deliveredJourney()
        try journey.advance(to: "2025-04-30T00:00:00Z")
        let sent = try journey.messages()
        #expect(sent.map(\.template.rawValue) == [
            "order.preparing", "followup.care_instructions", "followup.setup_help", "followup.delight_check",
            "followup.review_request", "followup.cross_sell", "followup.replenishment",
        ])
        let at = Dictionary(uniqueKeysWithValues: sent.map { ($0.template.rawValue, F.iso($0.sendAt)) })
        #expect(at["order.preparing"] == "2025-03-03T09:00:00Z")
        #expect(at["followup.setup_help"] == "2025-03-06T10:00:00Z")  // delivery + 1 d
        #expect(at["followup.care_instructions"] == "2025-03-06T10:00:00Z")
        #expect(at["followup.delight_check"] == "2025-03-07T10:00:00Z")  // + 2 d
        #expect(at["followup.review_request"] == "2025-03-09T10:00:00Z")  // + 4 d
        #expect(at["followup.cross_sell"] == "2025-03-12T10:00:00Z")  // + 7 d
        #expect(at["followup.replenishment"] == "2025-03-30T10:00:00Z")  // + 30 − 5 d
        #expect(sent.filter { $0.category == .marketing }.map(\.template) == [.followupReviewRequest, .followupCrossSell, .followupReplenishment])
        #expect(Set(sent.map(\.notificationId)).count == sent.count)
        #expect(sent.allSatisfy { $0.customerId == "CUS-1" && $0.orderId == "ORD-1" && $0.channels == ["email"] })
        // Only the categories of the rows: the kettle gets setup help, the shirt care instructions.
        #expect(try journey.messages(.setupHelp).first?.data["skus"] == "KETTLE")
        #expect(try journey.messages(.careInstructions).first?.data["skus"] == "SHIRT")
        #expect(journey.context.timers.isEmpty)
    }

    @Test func theReviewRequestCarriesTheLinkTheSkusAndTheLoyaltyBonus() throws {
        var journey = try deliveredJourney()
        try journey.advance(to: "2025-03-10T00:00:00Z")
        let review = try #require(try journey.messages(.reviewRequest).first)
        #expect(review.data["reviewUrl"] == "https://shop.example.com/orders/ORD-1/review?sku=KETTLE,SHIRT,BEANS")
        #expect(review.data["sku"] == "KETTLE")
        #expect(review.data["bonusPoints"] == 50)
        #expect(review.body.contains("50 loyalty points"), "\(review.body)")
        #expect(review.body.contains("https://shop.example.com/orders/ORD-1/review?sku=KETTLE,SHIRT,BEANS"))
        #expect(review.subject == "What do you think of your Kettle, Shirt and Beans?")
    }

    @Test func theCrossSellFollowsAConfiguredRuleAndCarriesBothSkus() throws {
        var journey = try deliveredJourney()
        try journey.advance(to: "2025-03-13T00:00:00Z")
        let offer = try #require(try journey.messages(.crossSell).first)
        #expect(offer.data["sku"] == "BEANS")
        #expect(offer.data["crossSellSku"] == "FILTER-PAPER-100")
        #expect(offer.data["crossSellUrl"] == "https://shop.example.com/products/FILTER-PAPER-100")
        #expect(offer.body.contains("since you bought Beans, we think you'll love paper coffee filters"), "\(offer.body)")
        // No rule matches a kettle alone: no cross-sell.
        var plain = try deliveredJourney(lines: [F.Line(sku: "KETTLE", category: "electronics")])
        try plain.advance(to: "2025-04-01T00:00:00Z")
        #expect(try plain.messages(.crossSell).isEmpty)
    }

    @Test func aCrossSellRuleCanMatchASkuAndIsNotOfferedWhenAlreadyBought() throws {
        var policy = FollowupPolicy()
        policy.crossSell = [
            .init(ifSku: "KETTLE", suggestSku: "DESCALER", suggestName: ["en": "descaler", "ar": "مزيل الترسبات"]),
            .init(ifCategory: "coffee", suggestSku: "SHIRT", suggestName: ["en": "shirt"]),
        ]
        var journey = try FollowupJourney(policy: policy)
        try journey.paid(F.paid(lines: Self.basket, at: "2025-03-03T09:00:00Z"))
        try journey.dispatched(F.dispatched(items: [("KETTLE", 1), ("SHIRT", 1), ("BEANS", 1)]), at: "2025-03-03T15:00:00Z")
        try journey.delivered(at: "2025-03-05T10:00:00Z")
        try journey.advance(to: "2025-03-20T00:00:00Z")
        #expect(try journey.messages(.crossSell).map { $0.data["crossSellSku"] } == ["DESCALER"])
    }

    @Test func replenishmentForAShortLivedItemComesADayAfterDelivery() throws {
        var journey = try deliveredJourney(lines: [F.Line(sku: "MILK", category: "grocery", replenishAfterDays: 3)])
        try journey.advance(to: "2025-03-20T00:00:00Z")
        #expect(try journey.messages(.replenishment).map { F.iso($0.sendAt) } == ["2025-03-06T10:00:00Z"])
    }

    // MARK: Parcels

    @Test func aSplitOrderGetsItsFollowupsPerParcelWithoutRepeatingOneMessage() throws {
        var journey = try FollowupJourney()
        let lines = [F.Line(sku: "KETTLE", category: "electronics", quantity: 2), F.Line(sku: "LAMP", category: "home")]
        try journey.paid(F.paid(lines: lines, at: "2025-03-03T09:00:00Z"))
        try journey.dispatched(F.dispatched(shipment: "SHP-1", items: [("KETTLE", 1)]), at: "2025-03-03T15:00:00Z")
        try journey.dispatched(F.dispatched(shipment: "SHP-2", items: [("KETTLE", 1), ("LAMP", 1)]), at: "2025-03-04T15:00:00Z")
        try journey.delivered(shipment: "SHP-1", at: "2025-03-05T10:00:00Z")
        try journey.delivered(shipment: "SHP-2", at: "2025-03-06T12:00:00Z")
        try journey.advance(to: "2025-03-30T00:00:00Z")
        #expect(try journey.messages(.setupHelp).map { $0.data["skus"] } == ["KETTLE"])
        #expect(try journey.messages(.reviewRequest).map { $0.data["skus"] } == ["KETTLE", "LAMP"])
        #expect(try journey.messages(.reviewRequest).map { F.iso($0.sendAt) } == ["2025-03-09T10:00:00Z", "2025-03-10T12:00:00Z"])
        // One delight check for the order, two days after the last parcel arrived before it fell due.
        #expect(try journey.messages(.delightCheck).map { F.iso($0.sendAt) } == ["2025-03-08T12:00:00Z"])
    }

    @Test func aDelayedParcelPostponesTheDelightCheckUntilItsDelivery() throws {
        var journey = try FollowupJourney()
        let lines = [F.Line(sku: "KETTLE", category: "electronics"), F.Line(sku: "LAMP", category: "home")]
        try journey.paid(F.paid(lines: lines, at: "2025-03-03T09:00:00Z"))
        try journey.dispatched(F.dispatched(shipment: "SHP-1", items: [("KETTLE", 1)]), at: "2025-03-03T15:00:00Z")
        try journey.dispatched(F.dispatched(shipment: "SHP-2", items: [("LAMP", 1)]), at: "2025-03-03T16:00:00Z")
        try journey.delivered(shipment: "SHP-1", at: "2025-03-05T10:00:00Z")
        try journey.delayed(shipment: "SHP-2", at: "2025-03-06T09:00:00Z")
        let key = Followup.key(orderId: "ORD-1", kind: .delightCheck, part: nil)
        #expect(try journey.followup(key)?.status == .waiting)
        try journey.advance(to: "2025-03-12T00:00:00Z")
        #expect(try journey.messages(.delightCheck).isEmpty, "no delight check while a parcel is late")
        try journey.delivered(shipment: "SHP-2", at: "2025-03-12T14:00:00Z")
        try journey.advance(to: "2025-03-20T00:00:00Z")
        #expect(try journey.messages(.delightCheck).map { F.iso($0.sendAt) } == ["2025-03-14T14:00:00Z"])
        let life = try #require(try journey.followup(key)).life.map(\.status)
        #expect(life == [.scheduled, .waiting, .scheduled, .sent])
    }

    @Test func aReturnParcelDeliveredIsNotADelivery() throws {
        var journey = try FollowupJourney()
        try journey.paid(F.paid(lines: Self.basket, at: "2025-03-03T09:00:00Z"))
        let outcome = try journey.receive(
            EventType.shipmentDelivered, F.parcel(shipment: "RET-1", at: "2025-03-05T10:00:00Z", kind: .return), at: "2025-03-05T10:00:00Z",
            topic: .shipmentUpdates)
        #expect(outcome == .ignored)
        #expect(try journey.followups().map(\.kind) == [.orderPreparing])
    }

    // MARK: Cancellations

    @Test func orderCancelledCancelsEverythingForTheOrder() throws {
        var journey = try deliveredJourney()
        try journey.receive(EventType.orderCancelled, OrderCancelled(orderId: "ORD-1", reason: "fraud check"), at: "2025-03-05T12:00:00Z")
        try journey.advance(to: "2025-04-30T00:00:00Z")
        #expect(try journey.messages().map(\.template) == [.orderPreparing])
        let open = try journey.followups().filter { $0.kind != .orderPreparing }
        #expect(open.count == 6 && open.allSatisfy { $0.status == .cancelled && $0.life.last?.reason == "order cancelled: fraud check" })
        #expect(journey.context.timers.isEmpty)
    }

    @Test func aCancellationBeforePaymentIsSeenSendsNothing() throws {
        var journey = try FollowupJourney()
        try journey.receive(EventType.orderCancelled, OrderCancelled(orderId: "ORD-1"), at: "2025-03-03T09:30:00Z", readAt: "2025-03-03T09:30:00Z")
        try journey.paid(F.paid(lines: Self.basket, at: "2025-03-03T09:00:00Z"), readAt: "2025-03-03T09:31:00Z")
        try journey.advance(to: "2025-03-10T00:00:00Z")
        #expect(try journey.messages().isEmpty)
        #expect(try journey.followups().map(\.status) == [.cancelled])
    }

    @Test func aReturnCancelsReviewCrossSellAndReplenishmentButNotTheHelp() throws {
        var journey = try deliveredJourney()
        let returned = ReturnRequested(orderId: "ORD-1", returnId: "RET-1", items: [.init(sku: "SHIRT", quantity: 1, reason: .doesntFit)], resolution: .refund)
        try journey.receive(EventType.returnRequested, returned, at: "2025-03-05T18:00:00Z")
        try journey.advance(to: "2025-04-30T00:00:00Z")
        #expect(try journey.messages().map(\.template) == [.orderPreparing, .followupCareInstructions, .followupSetupHelp, .followupDelightCheck])
        let cancelled = try journey.followups().filter { $0.status == .cancelled }
        #expect(Set(cancelled.map(\.kind)) == [.reviewRequest, .crossSell, .replenishment])
        #expect(cancelled.allSatisfy { $0.life.last?.reason == "return RET-1 requested (SHIRT)" })
    }

    @Test func aReviewCancelsTheReviewRequestForThatSkuOnly() throws {
        var journey = try deliveredJourney(lines: [F.Line(sku: "KETTLE", category: "electronics"), F.Line(sku: "LAMP", category: "home")])
        try journey.receive(EventType.reviewSubmitted, ReviewSubmitted(orderId: "ORD-1", customerId: "CUS-1", sku: "KETTLE", rating: 5), at: "2025-03-06T10:00:00Z")
        try journey.advance(to: "2025-03-10T00:00:00Z")
        let review = try #require(try journey.messages(.reviewRequest).first)
        #expect(review.data["skus"] == "LAMP")
        #expect(review.data["reviewUrl"] == "https://shop.example.com/orders/ORD-1/review?sku=LAMP")
        // Reviewing every item cancels it.
        var both = try deliveredJourney(lines: [F.Line(sku: "KETTLE", category: "electronics")])
        try both.receive(EventType.reviewSubmitted, ReviewSubmitted(orderId: "ORD-1", customerId: "CUS-1", sku: "KETTLE", rating: 4), at: "2025-03-06T10:00:00Z")
        try both.advance(to: "2025-03-10T00:00:00Z")
        #expect(try both.messages(.reviewRequest).isEmpty)
        let request = try #require(try both.followups().first { $0.kind == .reviewRequest })
        #expect(request.status == .cancelled && request.life.last?.reason == "review submitted for KETTLE (4★)")
    }

    // MARK: Quiet hours and time zones

    @Test func aDeliveryLateAtNightIsFollowedUpAtEightInTheMorning() throws {
        var journey = try FollowupJourney()
        try journey.paid(F.paid(lines: [F.Line(sku: "KETTLE", category: "electronics")], at: "2025-03-03T09:00:00Z"))
        try journey.dispatched(F.dispatched(items: [("KETTLE", 1)]), at: "2025-03-03T15:00:00Z")
        try journey.delivered(at: "2025-03-05T20:30:00Z")  // 23:30 in Riyadh
        try journey.advance(to: "2025-03-06T20:30:00Z")
        let help = try #require(try journey.messages(.setupHelp).first)
        #expect(F.iso(help.sendAt) == "2025-03-07T05:00:00Z")  // 08:00 in Riyadh
        let sent = try #require(try journey.followups().first { $0.kind == .setupHelp }?.life.last)
        #expect(sent.reason.contains("23:30 local is inside the quiet hours 21:00–08:00 (Asia/Riyadh)"), "\(sent.reason)")
    }

    @Test func aPaymentAtNightIsAcknowledgedAtEightLocal() throws {
        var journey = try FollowupJourney(start: "2025-03-03T18:00:00Z")
        try journey.paid(F.paid(lines: Self.basket, at: "2025-03-03T19:10:00Z"))  // 22:10 in Riyadh
        try journey.advance(to: "2025-03-03T19:10:01Z")
        #expect(try journey.messages().map { F.iso($0.sendAt) } == ["2025-03-04T05:00:00Z"])
    }

    @Test(arguments: [
        // New York springs forward on 2025-03-09: the quiet night is an hour shorter, 08:00 is EDT (UTC−4).
        ("America/New_York", "2025-03-08T03:30:00Z", "2025-03-09T12:00:00Z"),
        // Berlin falls back on 2025-10-26: the night is an hour longer, 08:00 is CET (UTC+1).
        ("Europe/Berlin", "2025-10-24T19:30:00Z", "2025-10-26T07:00:00Z"),
        // Riyadh has no DST; 21:00 sharp is quiet.
        ("Asia/Riyadh", "2025-03-05T18:00:00Z", "2025-03-07T05:00:00Z"),
        // 07:59 local is still quiet, 08:00 is not.
        ("Asia/Riyadh", "2025-03-05T04:59:00Z", "2025-03-06T05:00:00Z"),
        ("Asia/Riyadh", "2025-03-05T05:00:00Z", "2025-03-06T05:00:00Z"),
    ])
    func quietHoursFollowTheCustomersZoneAcrossDaylightSavingChanges(zone: String, deliveredAt: String, sendAt: String) throws {
        var journey = try FollowupJourney(start: "2025-01-01T00:00:00Z")
        try journey.paid(F.paid(lines: [F.Line(sku: "KETTLE", category: "electronics")], at: "2025-01-01T12:00:00Z", zone: zone))
        try journey.dispatched(F.dispatched(items: [("KETTLE", 1)]), at: "2025-01-02T12:00:00Z")
        try journey.delivered(at: deliveredAt)
        try journey.advance(to: date(deliveredAt).addingTimeInterval(2 * 86_400))
        #expect(try journey.messages(.setupHelp).map { F.iso($0.sendAt) } == [sendAt])
    }

    @Test func quietWindowArithmetic() throws {
        let window = try QuietWindow(FollowupPolicy())
        #expect(window.contains(minuteOfDay: 21 * 60) && window.contains(minuteOfDay: 0) && window.contains(minuteOfDay: 7 * 60 + 59))
        #expect(!window.contains(minuteOfDay: 8 * 60) && !window.contains(minuteOfDay: 20 * 60 + 59))
        var policy = FollowupPolicy()
        policy.quietHours.start = "13:00"
        policy.quietHours.end = "14:00"
        let daytime = try QuietWindow(policy)
        let calendar = QuietWindow.calendar(zone: "UTC")
        #expect(daytime.sendTime(for: date("2025-03-03T13:30:00Z"), calendar: calendar) == date("2025-03-03T14:00:00Z"))
        #expect(daytime.sendTime(for: date("2025-03-03T12:59:00Z"), calendar: calendar) == date("2025-03-03T12:59:00Z"))
    }

    // MARK: Marketing consent and the cap

    @Test func marketingNeedsConsentTransactionalDoesNot() throws {
        var journey = try deliveredJourney(consent: false)
        try journey.advance(to: "2025-04-30T00:00:00Z")
        #expect(try journey.messages().map(\.category).allSatisfy { $0 == .transactional })
        #expect(try journey.messages().count == 4)
        let skipped = try journey.followups().filter { $0.status == .skipped }
        #expect(Set(skipped.map(\.kind)) == [.reviewRequest, .crossSell, .replenishment])
        #expect(skipped.allSatisfy { $0.life.last?.reason.hasPrefix("no marketing consent") == true })
    }

    @Test func theLatestPreferencesWinWhateverOrderTheyArriveIn() throws {
        var journey = try deliveredJourney(consent: true)
        let revoke = CustomerPreferencesUpdated(customerId: "CUS-1", marketingConsent: false)
        let stale = CustomerPreferencesUpdated(customerId: "CUS-1", locale: "ar-SA", marketingConsent: true)
        try journey.receive(EventType.customerPreferencesUpdated, revoke, at: "2025-03-06T08:00:00Z", key: "CUS-1")
        // An older update, read later (another partition): consent stays revoked, its locale is older than order.paid's too.
        try journey.receive(EventType.customerPreferencesUpdated, stale, at: "2025-03-01T08:00:00Z", readAt: "2025-03-06T09:00:00Z", key: "CUS-1")
        try journey.advance(to: "2025-03-10T00:00:00Z")
        #expect(try journey.messages(.reviewRequest).isEmpty)
        #expect(try journey.messages().allSatisfy { $0.locale == "en-US" })
        // Consent given again (later) counts for what falls due afterwards; the locale change too.
        let grant = CustomerPreferencesUpdated(customerId: "CUS-1", locale: "ar-SA", marketingConsent: true)
        try journey.receive(EventType.customerPreferencesUpdated, grant, at: "2025-03-11T08:00:00Z", key: "CUS-1")
        try journey.advance(to: "2025-03-13T00:00:00Z")
        let offer = try #require(try journey.messages(.crossSell).first)
        #expect(offer.locale == "ar-SA")
        #expect(offer.body.contains("فلاتر القهوة الورقية"), "\(offer.body)")
    }

    @Test func atMostOneMarketingMessagePerDayTheRestDeferredNotDropped() throws {
        // Review request and replenishment both fall due 4 days after a delivery at 22:00 local.
        var journey = try FollowupJourney()
        let lines = [F.Line(sku: "BEANS", category: "coffee", replenishAfterDays: 9)]
        try journey.paid(F.paid(lines: lines, at: "2025-03-03T09:00:00Z"))
        try journey.dispatched(F.dispatched(items: [("BEANS", 1)]), at: "2025-03-03T15:00:00Z")
        try journey.delivered(at: "2025-03-05T19:00:00Z")
        // A second order of the same customer, delivered the same evening, wants a review too.
        try journey.paid(F.paid("ORD-2", lines: [F.Line(sku: "MUG", category: "home")], at: "2025-03-03T10:00:00Z"))
        try journey.dispatched(F.dispatched("ORD-2", shipment: "SHP-9", items: [("MUG", 1)]), at: "2025-03-03T15:00:00Z")
        try journey.delivered("ORD-2", shipment: "SHP-9", at: "2025-03-05T19:30:00Z")
        try journey.advance(to: "2025-03-30T00:00:00Z")
        let marketing = try journey.messages().filter { $0.category == .marketing }.sorted { $0.sendAt < $1.sendAt }
        #expect(marketing.count == 4)
        #expect(marketing.map { F.iso($0.sendAt) } == [
            "2025-03-10T05:00:00Z", "2025-03-11T05:00:00Z", "2025-03-12T05:00:00Z", "2025-03-13T05:00:00Z",
        ])
        for (earlier, later) in zip(marketing, marketing.dropFirst()) {
            #expect(later.sendAt.timeIntervalSince(earlier.sendAt) >= 24 * 3600)
        }
        let deferred = try (journey.followups() + journey.followups(of: "ORD-2")).filter { $0.life.contains { $0.status == .deferred } }
        #expect(deferred.count == 2)
        #expect(deferred.map { $0.life.filter { $0.status == .deferred }.count }.sorted() == [1, 2])
        #expect(deferred.allSatisfy { $0.status == .sent })
    }

    // MARK: Staleness, duplicates, arrival order

    @Test func aReplayedDeliveryDoesNotSendFollowupsLate() throws {
        var journey = try FollowupJourney(start: "2025-03-20T00:00:00Z")
        try journey.paid(F.paid(lines: Self.basket, at: "2025-03-03T09:00:00Z"))
        try journey.dispatched(F.dispatched(items: [("KETTLE", 1), ("SHIRT", 1), ("BEANS", 1)]), at: "2025-03-03T15:00:00Z")
        try journey.delivered(at: "2025-03-05T10:00:00Z")
        try journey.advance(to: "2025-04-30T00:00:00Z")
        // Only the replenishment (due 03-30) is still ahead; the rest is more than 3 days overdue.
        #expect(try journey.messages().map(\.template) == [.followupReplenishment])
        let skipped = try journey.followups().filter { $0.status == .skipped }
        #expect(skipped.count == 6)
        #expect(skipped.allSatisfy { $0.life.count == 1 && $0.life[0].reason.contains("already overdue by") })
    }

    @Test func afterAnOutageOverdueFollowupsAreSkippedRecentOnesSent() throws {
        var journey = try deliveredJourney()
        // The worker is down from 03-05 until 03-09 12:00: setup help and care (due 03-06) are 3 d 2 h overdue.
        try journey.outage(until: "2025-03-09T12:00:00Z")
        #expect(try journey.messages().map(\.template) == [.orderPreparing, .followupDelightCheck, .followupReviewRequest])
        let help = try #require(try journey.followups().first { $0.kind == .setupHelp })
        #expect(help.status == .skipped)
        #expect(help.life.last?.reason == "overdue by 3 d 2 h (staleAfter 3 d): not sent late")
        // The delight check was late but within 3 days: sent now, not at its old time.
        #expect(try journey.messages(.delightCheck).first?.sendAt == date("2025-03-09T12:00:00Z"))
    }

    @Test func duplicatesWithNewIdsAndAnyArrivalOrderGiveTheSameMessagesOnce() throws {
        let lines = Self.basket
        var inOrder = try deliveredJourney(lines: lines)
        try inOrder.advance(to: "2025-04-30T00:00:00Z")

        var shuffled = try FollowupJourney()
        // Delivery first (shipment-updates ran ahead), then the dispatch, then the payment; each twice with new ids.
        for _ in 0..<2 { try shuffled.delivered(at: "2025-03-05T10:00:00Z", readAt: "2025-03-05T10:05:00Z") }
        for _ in 0..<2 { try shuffled.dispatched(F.dispatched(items: lines.map { ($0.sku, $0.quantity) }), at: "2025-03-03T15:00:00Z") }
        for _ in 0..<2 { try shuffled.paid(F.paid(lines: lines, at: "2025-03-03T09:00:00Z"), readAt: "2025-03-05T10:06:00Z") }
        try shuffled.delivered(at: "2025-03-05T10:00:00Z", readAt: "2025-03-05T10:07:00Z")
        try shuffled.advance(to: "2025-04-30T00:00:00Z")

        func summary(_ messages: [NotificationRequested]) -> [String] {
            messages.filter { $0.template != .orderPreparing }.map { "\($0.notificationId) \(F.iso($0.sendAt))" }.sorted()
        }
        #expect(summary(try shuffled.messages()) == summary(try inOrder.messages()))
        #expect(try shuffled.messages().count == 6)
        // "We're preparing your order" is pointless once the order was delivered.
        let preparing = try #require(try shuffled.followups().first { $0.kind == .orderPreparing })
        #expect(preparing.status == .skipped)
    }

    // MARK: Input validation

    @Test func unknownTypesAreIgnoredAndInvalidDataIsRejectedWithTheField() throws {
        var journey = try FollowupJourney()
        #expect(try journey.receive("refund.completed", ["orderId": "ORD-1"], at: "2025-03-03T09:00:00Z") == .ignored)
        #expect(try journey.receive("something.new", ["x": 1], at: "2025-03-03T09:00:00Z") == .ignored)
        #expect(throws: EventRejection(field: "data.shipmentId", reason: "must not be empty", code: .invalidData)) {
            try journey.dispatched(ShipmentDispatched(orderId: "ORD-1", shipmentId: "", carrier: "x", trackingNumber: "1", items: [], promisedBy: Date()), at: "2025-03-03T10:00:00Z")
        }
        #expect(throws: EventRejection.self) {
            try journey.receive(EventType.orderPaid, ["orderId": "ORD-1"], at: "2025-03-03T10:00:00Z")
        }
        #expect(throws: EventRejection(field: "data.customer.timeZone", reason: "'Mars/Olympus' is not an IANA time zone", code: .invalidData)) {
            try journey.paid(F.paid(lines: Self.basket, at: "2025-03-03T09:00:00Z", zone: "Mars/Olympus"))
        }
        #expect(journey.context.emitted.isEmpty)
    }
}
