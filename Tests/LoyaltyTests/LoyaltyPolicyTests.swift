import Foundation
@testable import Loyalty
import PostPurchaseCore
import Testing

@Suite("Loyalty policy")
struct LoyaltyPolicyTests {
    static let configFile = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("Config/postpurchase.yaml").path

    func policy(_ yaml: String) throws -> LoyaltyPolicy {
        var configuration = PostPurchaseConfiguration()
        try ConfigurationLoader.apply(yaml: yaml, to: &configuration)
        return try configuration.workerSettings(.loyalty, defaults: LoyaltyPolicy())
    }

    @Test func theShippedConfigurationStatesTheDefaults() throws {
        let configuration = try ConfigurationLoader.load(file: Self.configFile, environment: [:])
        let policy = try configuration.workerSettings(.loyalty, defaults: LoyaltyPolicy())
        #expect(policy == LoyaltyPolicy())
        #expect(policy.reviewBonusPoints == 50 && policy.serviceRecoveryPoints == 100 && policy.returnWindowDays == 30)
        #expect(policy.tiers.silver == .init(minimumPoints: 1_000, multiplier: 1.25))
        #expect(policy.tiers.gold == .init(minimumPoints: 5_000, multiplier: 1.5))
        #expect(policy.expiryMonths == 12 && policy.expiringNoticeDays == 14 && policy.tierWindowMonths == 12)
        try policy.validate()
    }

    @Test func aSectionChangesOnlyWhatItNames() throws {
        let policy = try policy("loyalty:\n  reviewBonusPoints: 75\n  tiers:\n    gold:\n      multiplier: 2\n")
        #expect(policy.reviewBonusPoints == 75 && policy.tiers.gold.multiplier == 2)
        #expect(policy.tiers.gold.minimumPoints == 5_000 && policy.serviceRecoveryPoints == 100)
    }

    @Test func unknownKeysWrongTypesAndBadRangesNameTheKey() throws {
        #expect { try policy("loyalty:\n  reviewBonus: 75\n") } throws: { ($0 as? ConfigurationError)?.key.contains("loyalty.reviewBonus") == true }
        #expect { try policy("loyalty:\n  returnWindowDays: soon\n") } throws: { ($0 as? ConfigurationError)?.key == "loyalty.returnWindowDays" }
        let cases: [(String, String)] = [
            ("loyalty:\n  tiers:\n    gold:\n      minimumPoints: 500\n", "loyalty.tiers.gold.minimumPoints"),
            ("loyalty:\n  tiers:\n    bronze:\n      minimumPoints: 5\n", "loyalty.tiers.bronze.minimumPoints"),
            ("loyalty:\n  tiers:\n    silver:\n      multiplier: -1\n", "loyalty.tiers.silver.multiplier"),
            ("loyalty:\n  returnWindowDays: -1\n", "loyalty.returnWindowDays"),
            ("loyalty:\n  ruleVersion: \"\"\n", "loyalty.ruleVersion"),
            ("loyalty:\n  expiryMonths: 0\n", "loyalty.expiryMonths"),
        ]
        for (yaml, key) in cases {
            let policy = try policy(yaml)
            #expect { try policy.validate() } throws: { ($0 as? ConfigurationError)?.key == key }
        }
    }

    @Test func tiersAndWindows() {
        let policy = LoyaltyPolicy()
        #expect(policy.tier(for: 0) == .bronze && policy.tier(for: 999) == .bronze && policy.tier(for: 1_000) == .silver)
        #expect(policy.tier(for: 4_999) == .silver && policy.tier(for: 5_000) == .gold)
        let paid = LoyaltyFixture.date("2025-01-31T10:00:00Z")
        #expect(policy.expiry(earnedAt: paid) == LoyaltyFixture.date("2026-01-31T10:00:00Z"))
        #expect(policy.expiringNotice(expiresAt: policy.expiry(earnedAt: paid)) == LoyaltyFixture.date("2026-01-17T10:00:00Z"))
        #expect(policy.returnWindowEnd(deliveredAt: paid) == LoyaltyFixture.date("2025-03-02T10:00:00Z"))
    }
}
