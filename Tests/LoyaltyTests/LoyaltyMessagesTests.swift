import Foundation
@testable import Loyalty
import PostPurchaseCore
import Testing

@Suite("Loyalty messages")
struct LoyaltyMessagesTests {
    static let messages: [LoyaltyMessages.Message] = [
        .pointsEarned(orderId: "ORD-1", points: 129, expiresAt: LoyaltyFixture.date("2026-03-03T09:00:00Z")),
        .goodwill(.reviewBonus, orderId: "ORD-1", points: 50),
        .goodwill(.serviceRecovery, orderId: "ORD-1", points: 100),
        .reversed(.refund("RF-1"), orderId: "ORD-1", points: 64),
        .reversed(.storeCredit("SC-1"), orderId: "ORD-1", points: 64),
        .reversed(.cancellation, orderId: "ORD-1", points: 129),
        .tierChanged(from: .bronze, to: .gold, tierPoints: 5_200, multiplier: 1.5, windowMonths: 12, sequence: 1),
        .tierChanged(from: .gold, to: .silver, tierPoints: 1_200, multiplier: 1.25, windowMonths: 12, sequence: 2),
        .expiring(lotId: "confirmed:ORD-1/available", points: 129, expiresAt: LoyaltyFixture.date("2026-03-03T09:00:00Z")),
    ]

    func account(locale: String, debt: Bool = false) -> LoyaltyAccount {
        var account = LoyaltyAccount(customerId: "CUS-1")
        account.contact.locale = locale
        account.contact.timeZone = "Asia/Riyadh"
        account.contact.name = locale.hasPrefix("ar") ? "نورة" : "Noura"
        account.contact.email = "noura@example.com"
        let booking = LoyaltyLedger.Booking(cause: "purchase:ORD-9", reason: .purchase, orderId: "ORD-9", ruleVersion: "v", at: Date())
        _ = account.ledger.earnPending(booking, points: 40)
        if debt {
            let reversal = LoyaltyLedger.Booking(cause: "refund_reversal:ORD-1:refund:RF-1", reason: .refundReversal, orderId: "ORD-1", ruleVersion: "v", at: Date())
            _ = account.ledger.reverse(reversal, points: 70, earnedAt: nil)
        }
        return account
    }

    @Test(arguments: ["en-US", "ar-SA"]) func everyMessageRendersCompletelyInBothLanguages(locale: String) throws {
        let composer = try LoyaltyFixture.composer()
        for debt in [false, true] {
            let account = account(locale: locale, debt: debt)
            for message in Self.messages {
                let note = try composer.compose(LoyaltyMessages.draft(message, account: account, now: Date()))
                #expect(!note.subject.isEmpty && !note.body.isEmpty)
                #expect(!note.subject.contains("{{") && !note.body.contains("{{") && !note.body.contains("}}"))
                #expect(note.locale == locale && note.category == .transactional && note.channels == ["email"])
                if locale.hasPrefix("ar") {
                    #expect(note.body.unicodeScalars.contains { (0x0600...0x06FF).contains($0.value) }, "Arabic copy")
                    #expect(!note.body.contains("ORD-1") || note.body.contains("\u{2068}ORD-1\u{2069}"), "ids isolated")
                }
                let tellsDebt = switch message {
                case .pointsEarned, .goodwill, .reversed: true
                case .tierChanged, .expiring: false
                }
                if debt && tellsDebt { #expect(note.body.contains(locale.hasPrefix("ar") ? "٣٠" : "30 "), "the debt is told: \(note.body)") }
            }
        }
    }

    @Test func reversalMessagesSayWhichRefundHowManyPointsAndTheNewBalance() throws {
        let composer = try LoyaltyFixture.composer()
        let note = try composer.compose(LoyaltyMessages.draft(.reversed(.refund("RF-7"), orderId: "ORD-1", points: 64), account: account(locale: "en"), now: Date()))
        #expect(note.subject == "Your points after the refund on order ORD-1")
        #expect(note.body == """
            Hi Noura,
            we've refunded you for items from order ORD-1 (refund RF-7). Because those items came back, we've taken back the 64 points they earned.
            Your balance now: 0 points available, 40 pending.

            Questions? Just reply to this message.
            """, "the absent debt line leaves one paragraph break")
        #expect(note.notificationId == "ntf:loyalty.points_reversed:ORD-1:refund:RF-7")
        #expect(note.data["refundId"] == .string("RF-7") && note.data["points"] == .number(64))
    }

    @Test func theTierMessageNamesTheTierAndItsMultiplier() throws {
        let composer = try LoyaltyFixture.composer()
        let up = try composer.compose(LoyaltyMessages.draft(Self.messages[6], account: account(locale: "ar-SA"), now: Date()))
        #expect(up.subject == "مرحباً بك في المستوى الذهبي!")
        #expect(up.body.contains("بمعامل ١٫٥"))
        let down = try composer.compose(LoyaltyMessages.draft(Self.messages[7], account: account(locale: "en"), now: Date()))
        #expect(down.subject == "Your membership is now Silver")
        #expect(down.body.contains("(1,200 now)") && down.body.contains("1.25× points"))
    }
}
