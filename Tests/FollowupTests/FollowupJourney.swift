import Foundation
@testable import Followup
@testable import PostPurchaseCore
import PostPurchaseTesting

/// One customer's post-purchase journey through the planner, in memory, with a clock the test
/// moves: events are handled at their own time (after every timer due before it has fired).
struct FollowupJourney {
    let planner: FollowupPlanner
    var context: InMemoryDomainContext

    init(policy: FollowupPolicy = FollowupPolicy(), start: String = "2025-03-03T08:00:00Z") throws {
        planner = try FollowupPlanner(composer: try FollowupFixture.composer(), policy: policy)
        context = InMemoryDomainContext(now: FollowupFixture.date(start))
    }

    /// Moves the clock to `time` as it passes: every follow-up due by then fires at its own due time, earliest first.
    mutating func advance(to time: String) throws {
        try advance(to: FollowupFixture.date(time))
    }

    mutating func advance(to time: Date) throws {
        while let timer = context.timers.values.filter({ $0.dueAt <= time }).min(by: { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }) {
            context.now = max(context.now, timer.dueAt)
            context.timers[timer.id] = nil
            try planner.fire(timer, context: &context)
        }
        context.now = max(context.now, time)
    }

    /// The worker was down until `time`: it wakes up then and fires everything that fell due meanwhile at once.
    mutating func outage(until time: String) throws {
        context.now = FollowupFixture.date(time)
        while let timer = context.timers.values.filter({ $0.dueAt <= context.now }).min(by: { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }) {
            context.timers[timer.id] = nil
            try planner.fire(timer, context: &context)
        }
    }

    /// Handles one event at `time` (or at `readAt`, when the worker reads it later than it happened).
    @discardableResult
    mutating func receive(_ type: String, _ data: any Encodable & Sendable, at time: String, readAt: String? = nil,
                          topic: TopicName = .orders, key: String = "ORD-1", id: String = UUID().uuidString) throws -> HandleOutcome {
        try advance(to: readAt ?? time)
        return try planner.handle(
            FollowupFixture.event(type, data, id: id, time: FollowupFixture.date(time), topic: topic, key: key), context: &context)
    }

    mutating func paid(_ paid: OrderPaid, readAt: String? = nil, id: String = UUID().uuidString) throws {
        try receive(EventType.orderPaid, paid, at: FollowupFixture.iso(paid.paidAt), readAt: readAt, key: paid.orderId, id: id)
    }

    mutating func dispatched(_ dispatched: ShipmentDispatched, at: String, id: String = UUID().uuidString) throws {
        try receive(EventType.shipmentDispatched, dispatched, at: at, key: dispatched.orderId, id: id)
    }

    mutating func delivered(_ order: String = "ORD-1", shipment: String = "SHP-1", at: String, readAt: String? = nil, id: String = UUID().uuidString) throws {
        try receive(EventType.shipmentDelivered, FollowupFixture.parcel(order, shipment: shipment, at: at), at: at, readAt: readAt,
                    topic: .shipmentUpdates, key: order, id: id)
    }

    mutating func delayed(_ order: String = "ORD-1", shipment: String, at: String) throws {
        try receive(EventType.shipmentDelayed, FollowupFixture.parcel(order, shipment: shipment, at: at, status: .inTransit, reason: .promiseMissed),
                    at: at, topic: .shipmentUpdates, key: order)
    }

    /// The messages handed to the sender so far.
    func messages() throws -> [NotificationRequested] {
        try context.outputs(EventType.notificationRequested, as: NotificationRequested.self)
    }

    /// The messages of one template.
    func messages(_ kind: FollowupKind) throws -> [NotificationRequested] {
        try messages().filter { $0.template == kind.template }
    }

    /// The stored follow-up `key`.
    func followup(_ key: String) throws -> Followup? {
        try context.load(Followup.self, key: key)
    }

    /// Every follow-up of `orderId`, as `postpurchase why` lists them.
    func followups(of orderId: String = "ORD-1") throws -> [Followup] {
        FollowupTimeline.sorted(try context.loadAll(Followup.self, keyPrefix: orderId + "|", limit: 1_000).map(\.value))
    }
}
