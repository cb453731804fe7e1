import Foundation
@testable import Followup
@testable import PostPurchaseCore
import Testing

/// The `followup:` section of the configuration: defaults, merging, and what stops start-up.
@Suite("Follow-up policy")
struct FollowupPolicyTests {
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func policy(_ yaml: String) throws -> FollowupPolicy {
        var configuration = PostPurchaseConfiguration()
        try ConfigurationLoader.apply(yaml: yaml, to: &configuration)
        let policy = try configuration.workerSettings(.followup, defaults: FollowupPolicy())
        try policy.validate()
        return policy
    }

    @Test func theShippedConfigurationDocumentsExactlyTheDefaults() throws {
        let text = try String(contentsOf: Self.repository.appendingPathComponent("Config/postpurchase.yaml"), encoding: .utf8)
        #expect(try policy(text) == FollowupPolicy())
        let defaults = FollowupPolicy()
        #expect(defaults.templates.setupHelp.itemCategories == ["electronics", "appliances"])
        #expect(defaults.staleAfter == 3 * 86_400 && defaults.marketingCap == 24 * 3_600 && defaults.reviewBonusPoints == 50)
        #expect(defaults.quietHours.start == "21:00" && defaults.quietHours.end == "08:00")
    }

    @Test func aSectionNamesOnlyWhatItChanges() throws {
        let changed = try policy("""
            followup:
              quietHours: {start: "22:30"}
              templates:
                reviewRequest: {delayDays: 5}
              crossSell:
                - {ifSku: GRINDER-1, suggestSku: BRUSH-1, suggestName: {en: cleaning brush}}
            """)
        #expect(changed.quietHours.start == "22:30" && changed.quietHours.end == "08:00")
        #expect(changed.templates.reviewRequest.delayDays == 5 && changed.templates.reviewRequest.category == .marketing)
        #expect(changed.crossSell == [.init(ifSku: "GRINDER-1", suggestSku: "BRUSH-1", suggestName: ["en": "cleaning brush"])])
    }

    @Test(arguments: [
        ("followup:\n  quietHours: {start: \"7pm\"}", "followup.quietHours.start"),
        ("followup:\n  quietHours: {end: \"24:00\"}", "followup.quietHours.end"),
        ("followup:\n  quietHour: {start: \"21:00\"}", "followup.quietHour"),
        ("followup:\n  staleAfterDays: soon", "followup.staleAfterDays"),
        ("followup:\n  staleAfterDays: 0", "followup.staleAfterDays"),
        ("followup:\n  templates: {setupHelp: {delayDays: -1}}", "followup.templates.setupHelp.delayDays"),
        ("followup:\n  templates: {reviewRequest: {category: promo}}", "followup.templates.reviewRequest.category"),
        ("followup:\n  links: {review: \"not a url\"}", "followup.links.review"),
        ("followup:\n  crossSell: [{suggestSku: X, suggestName: {en: x}}]", "followup.crossSell[0]"),
        ("followup:\n  crossSell: [{ifSku: A, suggestSku: X, suggestName: {ar: س}}]", "followup.crossSell[0].suggestName.en"),
        ("followup:\n  marketingCapHours: -1", "followup.marketingCapHours"),
    ])
    func invalidSettingsStopStartUpNamingTheKey(yaml: String, key: String) throws {
        do {
            _ = try policy(yaml)
            Issue.record("accepted: \(yaml)")
        } catch let error as ConfigurationError {
            #expect(error.key == key, "\(error)")
        }
    }
}
