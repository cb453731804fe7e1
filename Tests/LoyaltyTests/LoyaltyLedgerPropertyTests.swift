import Foundation
@testable import Loyalty
@testable import PostPurchaseCore
import PostPurchaseTesting
import PropertyBased
import Testing

/// Property-based tests of the ledger through the real decisions: for any sequence of a
/// customer's events, in any order and with any duplicates (new CloudEvent ids), the ledger
/// stays exact.
// A failing property shrinks its input; the limit turns a pathological shrink into a failure, not a hung CI.
@Suite("Loyalty ledger properties", .timeLimit(.minutes(5)))
struct LoyaltyLedgerPropertyTests {
    typealias F = LoyaltyFixture

    /// One input of a scenario, decoded from a generated integer so the generator shrinks well.
    struct Step: CustomStringConvertible {
        var type: String
        var topic: TopicName
        var data: any Encodable & Sendable
        /// Days the clock moves before this step.
        var days: Double
        var description: String { "\(type)@+\(days)d" }
    }

    static let orders = ["ORD-A", "ORD-B", "ORD-C"]

    /// Turns a generated code into an event about one of three orders of one customer.
    static func step(_ code: Int) -> Step {
        let order = orders[code % 3]
        let variant = (code / 3) % 13
        let amount = [0, 99, 4_999, 12_999, 100_000, 600_000][(code / 39) % 6]
        let days = Double((code / 234) % 5) * [0, 1, 7, 20, 200][(code / 1_170) % 5]
        let refundId = "RF-\((code / 7) % 3)"
        let returnId = "RET-\((code / 11) % 2)"
        let money = Money(amount: amount, currency: "SAR")
        let (type, topic, data): (String, TopicName, any Encodable & Sendable) = switch variant {
        case 0, 1: (EventType.orderPaid, .orders, F.paid(order, amount: max(amount, 1)))
        case 2: (EventType.orderCancelled, .orders, OrderCancelled(orderId: order))
        case 3: (EventType.orderDelivered, .shipmentUpdates, F.delivered(order, at: F.date("2025-03-05T00:00:00Z")))
        case 4: (EventType.returnRequested, .orders, F.returnRequested(order, returnId: returnId))
        case 5: (EventType.returnApproved, .returnUpdates, ReturnApproved(orderId: order, returnId: returnId, items: [], refundEstimate: money, labelRequired: false))
        case 6: (EventType.returnRejected, .returnUpdates, ReturnRejected(orderId: order, returnId: returnId, items: []))
        case 7: (EventType.refundCompleted, .orders, RefundCompleted(orderId: order, refundId: refundId, returnId: returnId, amount: money))
        case 8: (EventType.storeCreditIssued, .returnUpdates,
                 StoreCreditIssued(orderId: order, returnId: returnId, customerId: "CUS-1", amount: money, bonus: Money(amount: 0, currency: "SAR"), creditId: refundId))
        case 9: (EventType.reviewSubmitted, .orders, ReviewSubmitted(orderId: order, customerId: "CUS-1", sku: "LAMP", rating: 5))
        case 10: (EventType.shipmentDelayed, .shipmentUpdates, F.delayed(order))
        case 11: (EventType.exchangeRequested, .returnUpdates, ExchangeRequested(orderId: order, returnId: returnId, items: [], exchangeSku: "X"))
        default: (EventType.refundCompleted, .orders, RefundCompleted(orderId: order, refundId: "RF-FULL", amount: Money(amount: 600_000, currency: "SAR")))
        }
        return Step(type: type, topic: topic, data: data, days: days)
    }

    /// Runs `steps` (then two years of timers) and returns the final context.
    static func run(_ steps: [Step]) throws -> InMemoryDomainContext {
        let program = LoyaltyProgram(composer: try F.composer())
        var context = InMemoryDomainContext(now: F.date("2025-03-03T09:00:00Z"))
        for step in steps {
            try context.advance(to: context.now.addingTimeInterval(step.days * 86_400)) { try program.fire($0, context: &$1) }
            _ = try program.handle(try F.event(step.type, step.data, time: context.now, topic: step.topic), context: &context)
        }
        try context.advance(to: context.now.addingTimeInterval(2 * 366 * 86_400)) { try program.fire($0, context: &$1) }
        return context
    }

    /// The invariants every ledger keeps, checked on the final state and every output.
    static func checkInvariants(_ context: InMemoryDomainContext, sourceLocation: SourceLocation = #_sourceLocation) throws {
        let account = try context.load(LoyaltyAccount.self, key: "CUS-1") ?? LoyaltyAccount(customerId: "CUS-1")
        let ledger = account.ledger
        let balance = ledger.balance
        // The sum of deltas equals the balances, bucket by bucket and in total.
        #expect(ledger.entries.reduce(0) { $0 + $1.delta } == balance.net, sourceLocation: sourceLocation)
        for state in LedgerEntry.State.allCases {
            let sum = ledger.entries.filter { $0.state == state }.reduce(0) { $0 + $1.delta }
            let expected = switch state { case .pending: balance.pending; case .available: balance.available; case .debt: -balance.debt }
            #expect(sum == expected, "\(state)", sourceLocation: sourceLocation)
        }
        // Never negative: the balances, every order's pending points, every lot.
        #expect(balance.pending >= 0 && balance.available >= 0 && balance.debt >= 0, "\(balance)", sourceLocation: sourceLocation)
        for order in orders { #expect(ledger.pending(orderId: order) >= 0, sourceLocation: sourceLocation) }
        #expect(ledger.lots.reduce(0) { $0 + $1.remaining } == balance.available, "lots add up to the available balance", sourceLocation: sourceLocation)
        // No grant twice: entry ids are unique and each order earns, confirms, is reviewed and compensated at most once.
        let ids = ledger.entries.map(\.entryId)
        #expect(Set(ids).count == ids.count, sourceLocation: sourceLocation)
        for reason in [LoyaltyReason.purchase, .reviewBonus, .serviceRecovery, .cancellation] {
            for order in orders {
                let causes = Set(ledger.entries.filter { $0.reason == reason && $0.orderId == order }.map(\.cause))
                #expect(causes.count <= 1, "\(reason) of \(order) booked by \(causes)", sourceLocation: sourceLocation)
            }
        }
        for order in orders {
            let earned = ledger.entries.filter { $0.reason == .purchase && $0.orderId == order }.reduce(0) { $0 + $1.delta }
            let confirmed = ledger.entries.filter { $0.reason == .confirmed && $0.orderId == order && $0.state == .pending }.reduce(0) { $0 - $1.delta }
            #expect(confirmed <= earned, "never confirms more than was earned", sourceLocation: sourceLocation)
        }
        // Every entry was announced exactly once, with the balances the ledger had after it.
        let changes = try context.outputs(EventType.loyaltyPointsChanged, as: LoyaltyPointsChanged.self)
        #expect(changes.map(\.entryId) == ids, sourceLocation: sourceLocation)
        #expect(changes.allSatisfy { $0.pendingBalance >= 0 && $0.availableBalance >= 0 }, sourceLocation: sourceLocation)
        if let last = changes.last {
            #expect(last.pendingBalance == balance.pending && last.availableBalance == balance.available, sourceLocation: sourceLocation)
        }
        let outputIds = context.emitted.map(\.id)
        #expect(Set(outputIds).count == outputIds.count, "no output twice", sourceLocation: sourceLocation)
    }

    @Test func anySequenceOfEventsKeepsTheLedgerExact() async {
        await propertyCheck(count: 150, input: Gen.int(in: 0...5_849).array(of: 1...30)) { codes in
            try Self.checkInvariants(try Self.run(codes.map(Self.step)))
        }
    }

    @Test func duplicatesWithNewIdsChangeNothingInAnyOrder() async {
        // A scenario, then the same scenario with copies of some of its events (new CloudEvent ids)
        // delivered again later: the ledger and every output are the same.
        await propertyCheck(count: 120, input: Gen.int(in: 0...5_849).array(of: 1...25), Gen.int(in: 0...1_000).array(of: 1...12)) { codes, picks in
            let steps = codes.map(Self.step)
            // (index into steps, is a copy); a copy always goes after its original.
            var plan = steps.indices.map { ($0, false) }
            for pick in picks {
                let original = pick % steps.count
                let at = plan.firstIndex { $0.0 == original && !$0.1 }!
                let position = at + 1 + (pick / steps.count) % (plan.count - at)
                plan.insert((original, true), at: position)
            }
            let duplicated = plan.map { index, copy in
                var step = steps[index]
                if copy { step.days = 0 }  // a redelivery does not move the clock
                return step
            }
            let once = try Self.run(steps)
            let twice = try Self.run(duplicated)
            try Self.checkInvariants(twice)
            let ledgerOnce = try once.load(LoyaltyAccount.self, key: "CUS-1")?.ledger.entries.map(\.entryId)
            let ledgerTwice = try twice.load(LoyaltyAccount.self, key: "CUS-1")?.ledger.entries.map(\.entryId)
            #expect(ledgerOnce == ledgerTwice)
            #expect(once.emitted.map(\.id) == twice.emitted.map(\.id))
        }
    }

    @Test func shuffledArrivalKeepsTheInvariants() async {
        await propertyCheck(count: 120, input: Gen.int(in: 0...5_849).array(of: 2...30), Gen.int(in: 0...Int(Int32.max))) { codes, seed in
            var generator = SplitMix(seed: UInt64(seed))
            let steps = codes.map(Self.step).shuffled(using: &generator)
            try Self.checkInvariants(try Self.run(steps))
        }
    }

    /// A small seeded generator, so a shuffled order is reproducible from the reported input.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        init(seed: UInt64) { state = seed }
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }
}
