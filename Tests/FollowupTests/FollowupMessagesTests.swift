import Foundation
@testable import Followup
@testable import PostPurchaseCore
import PostPurchaseTesting
import Testing

/// The follow-up messages in English and Arabic, and `postpurchase why`'s timeline.
@Suite("Follow-up messages and timeline")
struct FollowupMessagesTests {
    typealias F = FollowupFixture

    /// Every template of the table, sent to one customer in `locale`.
    func everyMessage(locale: String, name: String? = "Noura") throws -> [NotificationRequested] {
        var journey = try FollowupJourney()
        let lines = [
            F.Line(sku: "KETTLE", category: "electronics"), F.Line(sku: "SHIRT", category: "apparel"),
            F.Line(sku: "BEANS", category: "coffee", replenishAfterDays: 30),
        ]
        try journey.paid(F.paid(lines: lines, at: "2025-03-03T09:00:00Z", locale: locale, name: name))
        try journey.dispatched(F.dispatched(items: lines.map { ($0.sku, 1) }), at: "2025-03-03T15:00:00Z")
        try journey.delivered(at: "2025-03-05T10:00:00Z")
        try journey.advance(to: "2025-04-30T00:00:00Z")
        return try journey.messages()
    }

    @Test func everyTemplateExistsInEnglishAndArabic() throws {
        let composer = try F.composer()
        for kind in FollowupKind.allCases {
            #expect(composer.hasTemplate(kind.template))
            #expect(FileManager.default.fileExists(atPath: "\(F.templates)/\(kind.rawValue).ar.mustache"), "\(kind.rawValue).ar")
        }
    }

    @Test func englishMessagesAreWarmAndComplete() throws {
        let messages = try everyMessage(locale: "en-US")
        #expect(messages.count == 7)
        for message in messages {
            #expect(message.locale == "en-US")
            #expect(message.body.hasPrefix("Hi Noura, "), "\(message.template): \(message.body)")
            #expect(!message.body.contains("{{") && !message.subject.isEmpty)
        }
        let preparing = try #require(messages.first { $0.template == .orderPreparing })
        #expect(preparing.subject == "We're preparing your order ORD-1")
        #expect(preparing.body.contains("your 3 items"))
        let help = try #require(messages.first { $0.template == .followupSetupHelp })
        #expect(help.body.contains("https://shop.example.com/help/setup?sku=KETTLE"))
        let refill = try #require(messages.first { $0.template == .followupReplenishment })
        #expect(refill.subject == "Running low on Beans?")
        #expect(refill.data["productUrl"] == "https://shop.example.com/products/BEANS")
    }

    @Test func arabicMessagesIsolateLatinValues() throws {
        let messages = try everyMessage(locale: "ar-SA", name: "نورة")
        #expect(messages.count == 7)
        let isolated = { (text: String) in "\u{2068}\(text)\u{2069}" }
        for message in messages {
            #expect(message.locale == "ar-SA")
            #expect(message.body.hasPrefix("مرحباً نورة، "), "\(message.template): \(message.body)")
        }
        let preparing = try #require(messages.first { $0.template == .orderPreparing })
        #expect(preparing.subject == "نجهّز طلبك \(isolated("ORD-1"))")
        let review = try #require(messages.first { $0.template == .followupReviewRequest })
        #expect(review.body.contains("٥٠ نقطة ولاء"), "\(review.body)")
        #expect(review.body.contains(isolated("https://shop.example.com/orders/ORD-1/review?sku=KETTLE,SHIRT,BEANS")))
        #expect(review.data["reviewUrl"] == "https://shop.example.com/orders/ORD-1/review?sku=KETTLE,SHIRT,BEANS", "data stays plain")
        let offer = try #require(messages.first { $0.template == .followupCrossSell })
        #expect(offer.subject == "اخترناه لك: فلاتر القهوة الورقية")
    }

    @Test func anUnknownLanguageFallsBackToEnglishAndItemsReadAsAPhrase() throws {
        let messages = try everyMessage(locale: "fr-FR")
        #expect(messages.allSatisfy { $0.locale == "en" })
        #expect(FollowupMessages.phrase(["A", "B", "C"], arabic: false) == "A, B and C")
        #expect(FollowupMessages.phrase(["أ", "ب", "ج"], arabic: true) == "أ، ب وج")
        #expect(FollowupMessages.fill("https://x.test/{orderId}?sku={sku}", orderId: "O 1/2", sku: "A&B,C", customerId: "c") == "https://x.test/O%201%2F2?sku=A%26B,C")
    }

    @Test func theTimelineTellsTheLifeOfEveryFollowup() throws {
        var journey = try FollowupJourney()
        let lines = [F.Line(sku: "KETTLE", category: "electronics"), F.Line(sku: "LAMP", category: "home")]
        try journey.paid(F.paid(lines: lines, at: "2025-03-03T09:00:00Z", consent: false))
        try journey.dispatched(F.dispatched(shipment: "SHP-1", items: [("KETTLE", 1)]), at: "2025-03-03T15:00:00Z")
        try journey.dispatched(F.dispatched(shipment: "SHP-2", items: [("LAMP", 1)]), at: "2025-03-03T16:00:00Z")
        try journey.delivered(shipment: "SHP-1", at: "2025-03-05T19:00:00Z")
        try journey.delayed(shipment: "SHP-2", at: "2025-03-06T09:00:00Z")
        try journey.delivered(shipment: "SHP-2", at: "2025-03-08T09:00:00Z")
        try journey.receive(EventType.orderCancelled, OrderCancelled(orderId: "ORD-1", reason: "customer asked"), at: "2025-03-10T08:00:00Z")
        let text = FollowupTimeline.render(orderId: "ORD-1", try journey.followups())
        #expect(text.hasPrefix("Order ORD-1: 5 follow-ups for customer CUS-1\n"), "\(text)")
        #expect(text.contains("followup.delight_check — CANCELLED"))
        #expect(text.contains("waiting    postponed: parcel SHP-2 is delayed (promise_missed); waits for its delivery"))
        #expect(text.contains("scheduled  rescheduled: parcel SHP-2 delivered at 2025-03-08T09:00:00Z: due 2025-03-10T09:00:00Z"))
        #expect(text.contains("cancelled  order cancelled: customer asked"))
        #expect(text.contains("followup.setup_help — SENT (parcel SHP-1; items KETTLE)"))
        #expect(text.contains("inside the quiet hours 21:00–08:00 (Asia/Riyadh)"))
        #expect(text.contains("skipped    no marketing consent"))
        #expect(FollowupTimeline.render(orderId: "NOPE", []) == "No follow-ups recorded for order NOPE.\n")
    }
}
