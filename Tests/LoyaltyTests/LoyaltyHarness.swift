import Foundation
@testable import Loyalty
@testable import PostPurchaseCore
import PostPurchaseTesting
import Testing

/// The loyalty decisions over an in-memory context with a clock the test moves.
struct LoyaltyHarness {
    var program: LoyaltyProgram
    var context: InMemoryDomainContext

    init(policy: LoyaltyPolicy = LoyaltyPolicy(), now: String = "2025-03-03T09:00:00Z") throws {
        program = LoyaltyProgram(composer: try LoyaltyFixture.composer(), policy: policy)
        context = InMemoryDomainContext(now: LoyaltyFixture.date(now))
    }

    /// Handles one event (a new CloudEvent id each time unless given).
    @discardableResult
    mutating func send(_ type: String, _ data: any Encodable & Sendable, topic: TopicName = .orders, key: String = "k",
                       id: String = UUID().uuidString) throws -> HandleOutcome {
        try program.handle(try LoyaltyFixture.event(type, data, id: id, time: context.now, topic: topic, key: key), context: &context)
    }

    /// Moves the clock by `days` and fires every timer that fell due, in order.
    mutating func advance(days: Double) throws {
        try advance(to: context.now.addingTimeInterval(days * 86_400))
    }

    mutating func advance(to time: Date) throws {
        let program = program
        try context.advance(to: time) { timer, context in try program.fire(timer, context: &context) }
    }

    func account(_ customerId: String = "CUS-1") throws -> LoyaltyAccount {
        try #require(try context.load(LoyaltyAccount.self, key: customerId))
    }

    func changes() throws -> [LoyaltyPointsChanged] {
        try context.outputs(EventType.loyaltyPointsChanged, as: LoyaltyPointsChanged.self)
    }

    func notifications() throws -> [NotificationRequested] {
        try context.outputs(EventType.notificationRequested, as: NotificationRequested.self)
    }

    func tierChanges() throws -> [LoyaltyTierChanged] {
        try context.outputs(EventType.loyaltyTierChanged, as: LoyaltyTierChanged.self)
    }
}
