import Foundation
@testable import PostPurchaseCore
import PostPurchaseTesting
import PropertyBased
@testable import Returns
import Synchronization
import Testing

/// The money invariants, over random orders, returns, event orders and duplicates (with new
/// CloudEvent ids): refunds and credit never exceed what was paid, each return is settled at most
/// once, approved quantities never exceed what was bought, and the outputs do not depend on the
/// arrival order or on duplicates.
// A failing property shrinks its input; the limit turns a pathological shrink into a failure, not a hung CI.
@Suite("Returns money properties", .timeLimit(.minutes(5)))
struct ReturnMoneyPropertyTests {
    /// One generated case: an order, its returns and everything that happens to them.
    struct Scenario: CustomStringConvertible {
        var quantities: [Int]
        var prices: [Int]
        var shipping: Int
        var total: Int
        /// Per return: its lines (sku index, quantity, reason, inspected condition) and resolution.
        var returns: [(lines: [(sku: Int, quantity: Int, reason: ReturnReason, condition: ItemCondition)], resolution: ReturnResolution)]
        var trigger: ReturnPolicy.RefundTrigger

        static let skus = ["LAMP", "MUG", "TEE"]

        init(quantities: [Int], prices: [Int], shipping: Int, discount: Int, codes: [Int], trigger: ReturnPolicy.RefundTrigger) {
            self.quantities = quantities
            self.prices = Array(prices.prefix(quantities.count))
            self.shipping = shipping
            let list = zip(quantities, self.prices).reduce(shipping) { $0 + $1.0 * $1.1 }
            total = max(0, list - discount)
            self.trigger = trigger
            var returns: [Int: (lines: [(sku: Int, quantity: Int, reason: ReturnReason, condition: ItemCondition)], resolution: ReturnResolution)] = [:]
            for code in codes {
                let index = code % 4
                let line = (
                    sku: (code / 4) % (quantities.count + 1),  // one index past the order: an unknown SKU
                    quantity: (code / 16) % 3 + 1,
                    reason: ReturnReason.allCases[(code / 64) % ReturnReason.allCases.count],
                    condition: ItemCondition.allCases[(code / 384) % 3])
                let resolution = [ReturnResolution.refund, .refund, .storeCredit, .exchange][(code / 1_152) % 4]
                returns[index, default: ([], resolution)].lines.append(line)
            }
            self.returns = returns.keys.sorted().map { returns[$0]! }
        }

        var description: String {
            "quantities \(quantities) prices \(prices) shipping \(shipping) total \(total) trigger \(trigger) returns \(returns)"
        }

        func sku(_ index: Int) -> String { index < Self.skus.count ? Self.skus[index] : "NOPE" }

        /// Every input of the scenario, in a natural order; `isRequest` marks the return requests.
        func events(withCompletions: Bool) -> [(type: String, data: any Encodable & Sendable, time: String, isRequest: Bool)] {
            let items = quantities.indices.map { (sku: sku($0), quantity: quantities[$0], price: prices[$0]) }
            var events: [(type: String, data: any Encodable & Sendable, time: String, isRequest: Bool)] = [
                (EventType.orderPaid, ReturnsFixture.paid("ORD-P", items: items, shipping: shipping, total: total), "2025-03-01T08:00:00Z", false),
                (EventType.orderDelivered, ReturnsFixture.delivered("ORD-P"), "2025-03-05T12:00:00Z", false),
            ]
            for (index, spec) in returns.enumerated() {
                let id = "R\(index)"
                let request = ReturnRequested(
                    orderId: "ORD-P", returnId: id, items: spec.lines.map { .init(sku: sku($0.sku), quantity: $0.quantity, reason: $0.reason) },
                    resolution: spec.resolution, exchangeSku: spec.resolution == .exchange ? "SWAP-1" : nil)
                let inspection = ReturnsFixture.inspected(id, order: "ORD-P", items: spec.lines.map { (sku($0.sku), $0.quantity, $0.condition) })
                events += [
                    (EventType.returnRequested, request, "2025-03-1\(index)T09:00:00Z", true),
                    (EventType.returnLabelCreated, ReturnsFixture.label(id, order: "ORD-P"), "2025-03-1\(index)T09:05:00Z", false),
                    (EventType.shipmentStatusChanged, ReturnsFixture.returnParcel(.inTransit, returnId: id, order: "ORD-P", at: "2025-03-1\(index)T12:00:00Z"),
                     "2025-03-1\(index)T12:00:00Z", false),
                    (EventType.shipmentDelivered, ReturnsFixture.returnParcel(.delivered, returnId: id, order: "ORD-P", at: "2025-03-2\(index)T12:00:00Z"),
                     "2025-03-2\(index)T12:00:00Z", false),
                    (EventType.returnInspected, inspection, "2025-03-2\(index)T15:00:00Z", false),
                ]
                if withCompletions {
                    events.append((
                        EventType.refundCompleted,
                        RefundCompleted(orderId: "ORD-P", refundId: "refund:ORD-P:\(id)", returnId: id, amount: Money(amount: 1, currency: "SAR")),
                        "2025-03-2\(index)T18:00:00Z", false))
                }
            }
            return events
        }
    }

    /// A small deterministic generator, so one seed always gives the same arrival order.
    struct SplitMix: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// The indices of `count` events shuffled by `seed`, with about a quarter of them delivered
    /// again later (the caller gives copies new ids); the `requests` keep their relative order when
    /// `keepRequestOrder` (first come, first served is the one order the policy depends on).
    static func arrival(count: Int, requests: Set<Int>, seed: UInt64, keepRequestOrder: Bool) -> [Int] {
        var random = SplitMix(state: seed)
        var order = Array(0..<count).shuffled(using: &random)
        if keepRequestOrder {
            var next = requests.sorted().makeIterator()
            for position in order.indices where requests.contains(order[position]) { order[position] = next.next()! }
        }
        for index in order where random.next() % 4 == 0 {
            // Later than the original, so a request's first copy keeps its place.
            let original = order.firstIndex(of: index)!
            order.insert(index, at: Int.random(in: (original + 1)...order.count, using: &random))
        }
        return order
    }

    /// What a run produced.
    struct Outcome {
        var context: InMemoryDomainContext
        /// `return-updates` outputs as `id → data JSON` (sorted keys), each id once.
        var updates: [String: String]
        /// Notification ids, without the label follow-up (sent only when the label comes after the approval).
        var notifications: Set<String>
        var duplicateIds: Int
    }

    static func run(_ scenario: Scenario, seed: UInt64, keepRequestOrder: Bool, withCompletions: Bool, cancel: Bool = false) throws -> Outcome {
        var policy = ReturnPolicy()
        policy.refundTrigger = scenario.trigger
        let desk = ReturnDesk(composer: ReturnsFixture.composer, policy: policy)
        var context = InMemoryDomainContext(now: ReturnsFixture.date("2025-04-01T00:00:00Z"))
        var events = scenario.events(withCompletions: withCompletions)
        if cancel { events.append((EventType.orderCancelled, OrderCancelled(orderId: "ORD-P"), "2025-03-15T00:00:00Z", false)) }
        let requests = Set(events.indices.filter { events[$0].isRequest })
        for index in arrival(count: events.count, requests: requests, seed: seed, keepRequestOrder: keepRequestOrder) {
            let event = events[index]
            let topic: TopicName = [EventType.orderDelivered, EventType.shipmentStatusChanged, EventType.shipmentDelivered].contains(event.type)
                ? .shipmentUpdates : .orders
            let input = try ReturnsFixture.input(event.type, event.data, time: ReturnsFixture.date(event.time), topic: topic, key: "ORD-P")
            _ = try desk.handle(input, context: &context)
        }
        let encoder = JSONEncoder()
        encoder.outputFormatting = [.sortedKeys]
        encoder.dateEncodingStrategy = .iso8601
        var updates: [String: String] = [:]
        for event in context.emitted where event.topic == .returnUpdates {
            updates[event.id] = String(decoding: try encoder.encode(Box(event.data)), as: UTF8.self)
        }
        let notifications = Set(context.emitted.filter { $0.topic == .notifications }.map(\.id).filter { !$0.hasPrefix("ntf:return.approved.label:") })
        let ids = context.emitted.map(\.id)
        return Outcome(context: context, updates: updates, notifications: notifications, duplicateIds: ids.count - Set(ids).count)
    }

    struct Box: Encodable {
        let value: any Encodable
        init(_ value: any Encodable) { self.value = value }
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }

    static let quantities = Gen.int(in: 1...3).array(of: 1...3)
    static let prices = Gen.int(in: 0...20_000).array(of: 3)
    static let shipping = Gen.int(in: 0...3_000)
    static let discount = Gen.int(in: 0...6_000)
    static let codes = Gen.int(in: 0...1_000_000).array(of: 1...10)
    static let seed = Gen.int(in: 0...Int(Int32.max))
    static let trigger = Gen<ReturnPolicy.RefundTrigger>.case

    @Test func refundsAndCreditNeverExceedWhatWasPaidAndEachReturnIsSettledOnce() async {
        // How many runs paid something out, and how many paid out everything: the property is not
        // vacuous (checked after the runs).
        let paying = Mutex(0)
        let everything = Mutex(0)
        await propertyCheck(count: 200, input: Self.quantities, Self.prices, Self.shipping, Self.discount, Self.codes, Self.seed, Self.trigger) {
            quantities, prices, shipping, discount, codes, seed, trigger in
            let scenario = Scenario(quantities: quantities, prices: prices, shipping: shipping, discount: discount, codes: codes, trigger: trigger)
            let outcome = try Self.run(scenario, seed: UInt64(seed), keepRequestOrder: false, withCompletions: true, cancel: seed % 5 == 0)
            let context = outcome.context
            let refunds = try context.outputs(EventType.refundRequested, as: RefundRequested.self)
            let credits = try context.outputs(EventType.storeCreditIssued, as: StoreCreditIssued.self)
            let exchanges = try context.outputs(EventType.exchangeRequested, as: ExchangeRequested.self)
            let paidOut = refunds.reduce(0) { $0 + $1.amount.amount } + credits.reduce(0) { $0 + $1.amount.amount }
            #expect(paidOut <= scenario.total, "\(scenario)")
            #expect(refunds.allSatisfy { $0.amount.amount > 0 && $0.refundId == "refund:ORD-P:\($0.returnId)" })
            // At most one settlement per return, whatever its kind.
            let settled = refunds.map(\.returnId) + credits.map(\.returnId) + exchanges.map(\.returnId)
            #expect(settled.count == Set(settled).count, "\(scenario)")
            #expect(outcome.duplicateIds == 0)
            // Approved units never exceed what was bought.
            var approvedUnits: [String: Int] = [:]
            for approval in try context.outputs(EventType.returnApproved, as: ReturnApproved.self) {
                for item in approval.items { approvedUnits[item.sku, default: 0] += item.quantity }
            }
            for (index, quantity) in scenario.quantities.enumerated() {
                #expect(approvedUnits[scenario.sku(index), default: 0] <= quantity, "\(scenario)")
            }
            #expect(approvedUnits["NOPE"] == nil)
            let order = try #require(try context.load(ReturnOrder.self, key: "ORD-P"))
            #expect(order.committed == paidOut && order.committed <= order.paidTotal)
            if paidOut > 0 { paying.withLock { $0 += 1 } }
            if paidOut > 0 && paidOut == scenario.total { everything.withLock { $0 += 1 } }
        }
        #expect(paying.withLock { $0 } >= 50, "most runs refund something")
        #expect(everything.withLock { $0 } >= 1, "some runs refund the whole order")
    }

    @Test func theOutputsDoNotDependOnArrivalOrderOrDuplicates() async {
        await propertyCheck(count: 150, input: Self.quantities, Self.prices, Self.shipping, Self.discount, Self.codes, Self.seed, Self.trigger) {
            quantities, prices, shipping, discount, codes, seed, trigger in
            let scenario = Scenario(quantities: quantities, prices: prices, shipping: shipping, discount: discount, codes: codes, trigger: trigger)
            let natural = try Self.run(scenario, seed: 0, keepRequestOrder: true, withCompletions: false)
            let shuffled = try Self.run(scenario, seed: UInt64(seed) &+ 1, keepRequestOrder: true, withCompletions: false)
            #expect(shuffled.updates == natural.updates, "\(scenario)")
            #expect(shuffled.notifications == natural.notifications, "\(scenario)")
            #expect(shuffled.duplicateIds == 0 && natural.duplicateIds == 0)
            // Every return reached its end: a decision, and for approved ones the settlement (all facts were delivered).
            for index in scenario.returns.indices {
                let item = try #require(try shuffled.context.load(ReturnCase.self, key: "ORD-P/R\(index)"))
                #expect(item.decision != nil)
                if item.decision?.isApproved == true { #expect(item.settlement != nil, "\(scenario)") }
                #expect(item.parked.isEmpty)
            }
            #expect(shuffled.context.timers.isEmpty)
        }
    }
}
