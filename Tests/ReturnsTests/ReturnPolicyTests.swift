import Foundation
@testable import PostPurchaseCore
@testable import Returns
import Testing

/// The `returns:` section of the configuration file and the money arithmetic behind the policy.
@Suite("Returns policy and money arithmetic")
struct ReturnPolicyTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func policy(_ yaml: String) throws -> ReturnPolicy {
        let file = FileManager.default.temporaryDirectory.appendingPathComponent("returns-\(UUID().uuidString).yaml")
        try yaml.write(to: file, atomically: true, encoding: .utf8)
        defer { try? FileManager.default.removeItem(at: file) }
        let configuration = try ConfigurationLoader.load(file: file.path, environment: [:])
        let policy = try configuration.workerSettings(.returns, defaults: ReturnPolicy())
        try policy.validate()
        return policy
    }

    func error(_ yaml: String) -> ConfigurationError? {
        do {
            _ = try policy(yaml)
            return nil
        } catch {
            return error as? ConfigurationError
        }
    }

    @Test func theShippedSectionDocumentsExactlyTheDefaults() throws {
        let configuration = try ConfigurationLoader.load(file: Self.repository.appendingPathComponent("Config/postpurchase.yaml").path, environment: [:])
        #expect(try configuration.workerSettings(.returns, defaults: ReturnPolicy()) == ReturnPolicy())
        let defaults = ReturnPolicy()
        #expect(defaults.windowDays == 30 && defaults.refundTrigger == .inspected && defaults.storeCreditBonusPercent == 10)
        #expect(defaults.nonReturnableTags == ["final-sale"] && defaults.nonReturnableCategories == ["hygiene", "gift-card"])
        #expect(defaults.freeReturnReasons == [.damaged, .wrongItem, .notAsDescribed])
        #expect(defaults.inspection.missingPercent == 0 && defaults.inspection.damagedCustomerChoicePercent == 50)
        #expect(defaults.returnShippingFee.isEmpty && defaults.restockingPercent == 0)
    }

    @Test func aSectionChangesOnlyWhatItNames() throws {
        let policy = try policy("""
            returns:
              refundTrigger: first_scan
              returnShippingFee: {SAR: 1500}
              inspection:
                missingPercent: 10
            """)
        var expected = ReturnPolicy()
        expected.refundTrigger = .firstScan
        expected.returnShippingFee = ["SAR": 1_500]
        expected.inspection.missingPercent = 10
        #expect(policy == expected)
    }

    @Test func badSettingsNameTheirKey() {
        #expect(error("returns:\n  refundTrigger: on_a_whim\n")?.key == "returns.refundTrigger")
        #expect(error("returns:\n  windowDayz: 14\n")?.key == "returns.windowDayz")
        #expect(error("returns:\n  windowDays: 0\n")?.key == "returns.windowDays")
        #expect(error("returns:\n  restockingPercent: 150\n")?.key == "returns.restockingPercent")
        #expect(error("returns:\n  inspection:\n    damagedCustomerChoicePercent: -5\n")?.key == "returns.inspection.damagedCustomerChoicePercent")
        #expect(error("returns:\n  returnShippingFee: {sar: 100}\n")?.key == "returns.returnShippingFee.sar")
        #expect(error("returns:\n  keepItemBelow: {SAR: -1}\n")?.key == "returns.keepItemBelow.SAR")
        #expect(error("returns:\n  freeReturnReasons: [damaged, bored]\n")?.key == "returns.freeReturnReasons[1]")
        #expect(error("returns:\n  parkingHours: 0\n")?.key == "returns.parkingHours")
    }

    @Test func apportioningUsesTheLargestRemainderSoThePartsSumExactly() {
        #expect(MoneyMath.apportion(10_000, weights: [9_999, 1_000]) == [9_091, 909])
        #expect(MoneyMath.apportion(100, weights: [1, 1, 1]) == [34, 33, 33], "ties go to the earlier part")
        #expect(MoneyMath.apportion(2, weights: [1, 1, 1]) == [1, 1, 0])
        #expect(MoneyMath.apportion(500, weights: [0, 0]) == [0, 0])
        #expect(MoneyMath.apportion(0, weights: [3, 4]) == [0, 0])
        #expect(MoneyMath.apportion(Int.max, weights: [Int.max / 2, Int.max / 2]).reduce(0, +) == Int.max, "no overflow")
        for amount in [1, 7, 99, 12_345] {
            #expect(MoneyMath.apportion(amount, weights: [3, 5, 11, 0, 2]).reduce(0, +) == amount)
        }
    }

    @Test func percentagesRoundDownAndNeverTrap() {
        #expect(MoneyMath.percent(10, of: 12_999) == 1_299)
        #expect(MoneyMath.percent(50, of: 1) == 0)
        #expect(MoneyMath.percent(100, of: 4_321) == 4_321)
        #expect(MoneyMath.percent(1_000, of: Int.max) == Int.max, "saturates")
    }

    @Test func unitsOfALineSplitItsAmountExactly() {
        let line = ReturnOrder.Line(sku: "MUG", name: "Mug", category: "home", tags: [], quantity: 3, paid: 10_000)
        #expect((0..<3).map(line.unitAmount) == [3_334, 3_333, 3_333])
        #expect(line.amount(ofUnits: 0..<3) == 10_000)
        #expect(line.amount(ofUnits: 1..<3) == 6_666)
        #expect(line.amount(ofUnits: 0..<1) + line.amount(ofUnits: 1..<2) + line.amount(ofUnits: 2..<3) == 10_000)
    }

    @Test func moneyIsWrittenWithTheCurrencysDecimals() {
        #expect(MoneyText.format(12_999, currency: "SAR") == "129.99 SAR")
        #expect(MoneyText.format(5, currency: "USD") == "0.05 USD")
        #expect(MoneyText.format(12_345, currency: "KWD") == "12.345 KWD")
        #expect(MoneyText.format(1_500, currency: "JPY") == "1500 JPY")
    }
}
