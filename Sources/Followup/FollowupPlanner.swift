import Foundation
import PostPurchaseCore

/// The follow-up worker's decisions: from an input (or a timer) and the stored state to new
/// state, customer messages and durable timers, through any ``PostPurchaseCore/DomainContext``.
///
/// Every follow-up is a ``Followup`` entity plus a durable timer at its due time, computed from
/// the events' own times (`paidAt`, `deliveredAt`), never from when the worker read them. What is
/// only known when it falls due — consent, quiet hours, the marketing cap, staleness, a return or
/// a review meanwhile — is decided when its timer fires.
public struct FollowupPlanner: Sendable {
    /// The worker name used as CloudEvent `source`.
    public let source: String
    /// Renders the customer messages.
    public let composer: NotificationComposer
    /// Delays, categories, quiet hours, caps, links and cross-sell rules.
    public let policy: FollowupPolicy
    let quiet: QuietWindow

    /// The kind of every follow-up timer; its payload is the ``Followup`` key.
    public static let timerKind = "followup"

    /// Creates the decisions; throws ``PostPurchaseCore/ConfigurationError`` for an invalid policy.
    public init(source: String = WorkerRole.followup.name, composer: NotificationComposer, policy: FollowupPolicy = FollowupPolicy()) throws {
        try policy.validate()
        self.source = source
        self.composer = composer
        self.policy = policy
        self.quiet = try QuietWindow(policy)
    }

    // MARK: - Inputs

    /// Reacts to one input of `orders` or `shipment-updates`.
    public func handle<C: DomainContext>(_ input: WorkerInput, context: inout C) throws -> HandleOutcome {
        guard let event = input.event else { return .ignored }
        switch event.type {
        case EventType.orderPaid:
            let paid = try event.decodeData(OrderPaid.self)
            try nonEmpty(paid.orderId, "data.orderId")
            try nonEmpty(paid.customer.id, "data.customer.id")
            try orderPaid(paid, context: &context)
        case EventType.shipmentDispatched:
            let dispatched = try event.decodeData(ShipmentDispatched.self)
            try nonEmpty(dispatched.orderId, "data.orderId")
            try nonEmpty(dispatched.shipmentId, "data.shipmentId")
            try update(orderId: dispatched.orderId, context: &context) { order in
                order.parcel(dispatched.shipmentId) { if $0.items == nil { $0.items = dispatched.items } }
            }
        case EventType.shipmentDelivered:
            let delivered = try event.decodeData(ShipmentStatusChanged.self)
            try nonEmpty(delivered.orderId, "data.orderId")
            try nonEmpty(delivered.shipmentId, "data.shipmentId")
            // A return parcel reaching the warehouse is the returns worker's business.
            guard delivered.kind == .outbound else { return .ignored }
            try update(orderId: delivered.orderId, context: &context) { order in
                order.parcel(delivered.shipmentId) { if $0.deliveredAt == nil { $0.deliveredAt = delivered.deliveredAt ?? delivered.occurredAt } }
            }
        case EventType.shipmentDelayed:
            let delayed = try event.decodeData(ShipmentStatusChanged.self)
            try nonEmpty(delayed.orderId, "data.orderId")
            try nonEmpty(delayed.shipmentId, "data.shipmentId")
            guard delayed.kind == .outbound else { return .ignored }
            try update(orderId: delayed.orderId, context: &context) { order in
                order.parcel(delayed.shipmentId) { if $0.deliveredAt == nil { $0.delay = delayed.reason ?? .promiseMissed } }
            }
        case EventType.orderCancelled:
            let cancelled = try event.decodeData(OrderCancelled.self)
            try nonEmpty(cancelled.orderId, "data.orderId")
            try orderCancelled(cancelled, at: event.time, context: &context)
        case EventType.returnRequested:
            let requested = try event.decodeData(ReturnRequested.self)
            try nonEmpty(requested.orderId, "data.orderId")
            try returnRequested(requested, at: event.time, context: &context)
        case EventType.reviewSubmitted:
            let review = try event.decodeData(ReviewSubmitted.self)
            try nonEmpty(review.orderId, "data.orderId")
            try nonEmpty(review.sku, "data.sku")
            try reviewSubmitted(review, context: &context)
        case EventType.customerPreferencesUpdated:
            let preferences = try event.decodeData(CustomerPreferencesUpdated.self)
            try nonEmpty(preferences.customerId, "data.customerId")
            if let zone = preferences.timeZone, TimeZone(identifier: zone) == nil {
                throw EventRejection(field: "data.timeZone", reason: "'\(zone)' is not an IANA time zone", code: .invalidData)
            }
            var customer = try context.load(FollowupCustomer.self, key: preferences.customerId) ?? FollowupCustomer(customerId: preferences.customerId)
            customer.apply(locale: preferences.locale, timeZone: preferences.timeZone, marketingConsent: preferences.marketingConsent, at: event.time)
            try context.save(customer, key: customer.customerId)
        default:
            return .ignored
        }
        return .applied
    }

    private func nonEmpty(_ value: String, _ field: String) throws {
        if value.isEmpty { throw EventRejection(field: field, reason: "must not be empty", code: .invalidData) }
    }

    /// Loads the order, changes it, plans what the change makes possible, saves it.
    private func update<C: DomainContext>(orderId: String, context: inout C, _ change: (inout FollowupOrder) -> Void) throws {
        var order = try context.load(FollowupOrder.self, key: orderId) ?? FollowupOrder(orderId: orderId)
        change(&order)
        try plan(&order, context: &context)
        try context.save(order, key: orderId)
    }

    func orderPaid<C: DomainContext>(_ paid: OrderPaid, context: inout C) throws {
        var order = try context.load(FollowupOrder.self, key: paid.orderId) ?? FollowupOrder(orderId: paid.orderId)
        var customer = try context.load(FollowupCustomer.self, key: paid.customer.id) ?? FollowupCustomer(customerId: paid.customer.id)
        if paid.customer.timeZone.isEmpty || TimeZone(identifier: paid.customer.timeZone) == nil {
            throw EventRejection(field: "data.customer.timeZone", reason: "'\(paid.customer.timeZone)' is not an IANA time zone", code: .invalidData)
        }
        customer.apply(locale: paid.customer.locale, timeZone: paid.customer.timeZone, marketingConsent: paid.customer.marketingConsent, at: paid.paidAt)
        customer.email = paid.customer.email ?? customer.email
        customer.phone = paid.customer.phone ?? customer.phone
        customer.name = paid.customer.name ?? customer.name
        try context.save(customer, key: customer.customerId)
        // A second `order.paid` (a new event id for the same payment) changes nothing else.
        guard !order.isPaid else { return }
        order.customerId = paid.customer.id
        order.paidAt = paid.paidAt
        for item in paid.items {
            if order.items[item.sku] == nil { order.skus.append(item.sku) }
            order.items[item.sku] = .init(name: item.name, category: item.category, replenishAfterDays: item.replenishAfterDays)
        }
        let step = policy.templates.orderPreparing
        let key = Followup.key(orderId: order.orderId, kind: .orderPreparing, part: nil)
        if step.enabled, try context.load(Followup.self, key: key) == nil {
            var followup = Followup(
                key: key, kind: .orderPreparing, orderId: order.orderId, customerId: paid.customer.id, shipmentId: nil,
                skus: order.skus, dueAt: paid.paidAt.addingTimeInterval(step.delayDays * 86_400))
            if order.cancelledAt != nil {
                followup.record(.cancelled, at: context.now, "the order was cancelled before its payment was seen")
            } else if order.parcels.values.contains(where: { $0.items != nil || $0.deliveredAt != nil }) {
                followup.record(.skipped, at: context.now, "the order already shipped before its payment was seen")
            } else {
                schedule(&followup, because: "payment at \(Self.time(paid.paidAt))", context: &context)
            }
            try context.save(followup, key: key)
        }
        try plan(&order, context: &context)
        try context.save(order, key: order.orderId)
    }

    func orderCancelled<C: DomainContext>(_ cancelled: OrderCancelled, at time: Date, context: inout C) throws {
        var order = try context.load(FollowupOrder.self, key: cancelled.orderId) ?? FollowupOrder(orderId: cancelled.orderId)
        guard order.cancelledAt == nil else { return }
        order.cancelledAt = time
        order.cancelReason = cancelled.reason
        try context.save(order, key: order.orderId)
        let why = "order cancelled" + (cancelled.reason.map { ": \($0)" } ?? "")
        try cancel(orderId: order.orderId, kinds: nil, because: why, context: &context)
    }

    func returnRequested<C: DomainContext>(_ requested: ReturnRequested, at time: Date, context: inout C) throws {
        var order = try context.load(FollowupOrder.self, key: requested.orderId) ?? FollowupOrder(orderId: requested.orderId)
        if order.returnRequestedAt == nil {
            order.returnRequestedAt = time
            order.returnId = requested.returnId
            try context.save(order, key: order.orderId)
        }
        let items = requested.items.map(\.sku).joined(separator: ", ")
        try cancel(orderId: order.orderId, kinds: Set(FollowupKind.allCases.filter(\.endsWithReturn)),
                   because: "return \(requested.returnId) requested (\(items))", context: &context)
    }

    func reviewSubmitted<C: DomainContext>(_ review: ReviewSubmitted, context: inout C) throws {
        var order = try context.load(FollowupOrder.self, key: review.orderId) ?? FollowupOrder(orderId: review.orderId)
        guard order.reviewedSkus.insert(review.sku).inserted else { return }
        try context.save(order, key: order.orderId)
        let prefix = Followup.key(orderId: review.orderId, kind: .reviewRequest, part: nil) + "|"
        for (key, var followup) in try context.loadAll(Followup.self, keyPrefix: prefix, limit: 10_000)
        where !followup.status.isFinal && followup.skus.contains(review.sku) {
            followup.skus.removeAll { $0 == review.sku }
            if followup.skus.isEmpty {
                context.cancelTimer(id: followup.timerId)
                followup.fireAt = nil
                followup.record(.cancelled, at: context.now, "review submitted for \(review.sku) (\(review.rating)★)")
            } else {
                followup.record(followup.status, at: context.now,
                                "review submitted for \(review.sku); still asking about \(followup.skus.joined(separator: ", "))")
            }
            try context.save(followup, key: key)
        }
    }

    /// Cancels the order's unfinished follow-ups of `kinds` (all when `nil`).
    private func cancel<C: DomainContext>(orderId: String, kinds: Set<FollowupKind>?, because reason: String, context: inout C) throws {
        for (key, var followup) in try context.loadAll(Followup.self, keyPrefix: orderId + "|", limit: 10_000)
        where !followup.status.isFinal && (kinds?.contains(followup.kind) ?? true) {
            context.cancelTimer(id: followup.timerId)
            followup.fireAt = nil
            followup.record(.cancelled, at: context.now, reason)
            try context.save(followup, key: key)
        }
    }

    // MARK: - Planning

    /// Creates the follow-ups that what is known about `order` makes possible, once each.
    func plan<C: DomainContext>(_ order: inout FollowupOrder, context: inout C) throws {
        guard order.isPaid, order.cancelledAt == nil else { return }
        for shipmentId in order.parcelIds {
            guard let parcel = order.parcels[shipmentId], !parcel.planned, let items = parcel.items, let deliveredAt = parcel.deliveredAt
            else { continue }
            try planParcel(shipmentId, items: items, deliveredAt: deliveredAt, order: &order, context: &context)
            order.parcels[shipmentId]?.planned = true
        }
        try planDelightCheck(&order, context: &context)
    }

    /// The per-item follow-ups of one delivered parcel; SKUs already covered by an earlier parcel are left out.
    private func planParcel<C: DomainContext>(
        _ shipmentId: String, items: [ItemQuantity], deliveredAt: Date, order: inout FollowupOrder, context: inout C
    ) throws {
        let inParcel = Set(items.map(\.sku))
        let skus = order.skus.filter(inParcel.contains)
        let delivery = "delivery of \(shipmentId) at \(Self.time(deliveredAt))"
        for kind in [FollowupKind.setupHelp, .careInstructions, .reviewRequest] {
            let step = policy.templates[kind]
            guard step.enabled else { continue }
            let covered = order.covered(kind)
            let matching = skus.filter { sku in
                !covered.contains(sku) && (kind != .reviewRequest || !order.reviewedSkus.contains(sku))
                    && (step.itemCategories.isEmpty || step.itemCategories.contains { $0.caseInsensitiveCompare(order.items[sku]?.category ?? "") == .orderedSame })
            }
            guard !matching.isEmpty else { continue }
            try create(kind, part: shipmentId, shipmentId: shipmentId, skus: matching, dueAt: deliveredAt.addingTimeInterval(step.delayDays * 86_400),
                       because: delivery, order: order, context: &context)
            order.cover(matching, by: kind)
        }
        let replenishment = policy.templates.replenishment
        if replenishment.enabled {
            for sku in skus where !order.covered(.replenishment).contains(sku) {
                guard let days = order.items[sku]?.replenishAfterDays, days > 0 else { continue }
                // An item that runs out within the lead time is reminded about a day after delivery.
                let offset = max(1, Double(days) + replenishment.delayDays)
                try create(.replenishment, part: sku, shipmentId: shipmentId, skus: [sku], dueAt: deliveredAt.addingTimeInterval(offset * 86_400),
                           because: "\(delivery); runs out after \(days) d", order: order, context: &context)
                order.cover([sku], by: .replenishment)
            }
        }
        let crossSell = policy.templates.crossSell
        if crossSell.enabled {
            for rule in policy.crossSell where order.items[rule.suggestSku] == nil && !order.covered(.crossSell).contains(rule.suggestSku) {
                guard let trigger = skus.first(where: { rule.matches(sku: $0, category: order.items[$0]?.category ?? "") }) else { continue }
                try create(.crossSell, part: rule.suggestSku, shipmentId: shipmentId, skus: [trigger], suggestSku: rule.suggestSku,
                           dueAt: deliveredAt.addingTimeInterval(crossSell.delayDays * 86_400),
                           because: "\(delivery); \(trigger) suggests \(rule.suggestSku)", order: order, context: &context)
                order.cover([rule.suggestSku], by: .crossSell)
            }
        }
    }

    private func create<C: DomainContext>(
        _ kind: FollowupKind, part: String, shipmentId: String, skus: [String], suggestSku: String? = nil, dueAt: Date,
        because reason: String, order: FollowupOrder, context: inout C
    ) throws {
        let key = Followup.key(orderId: order.orderId, kind: kind, part: part)
        guard try context.load(Followup.self, key: key) == nil, let customerId = order.customerId else { return }
        var followup = Followup(key: key, kind: kind, orderId: order.orderId, customerId: customerId, shipmentId: shipmentId, skus: skus, dueAt: dueAt)
        followup.suggestSku = suggestSku
        if kind.endsWithReturn, let returnedAt = order.returnRequestedAt {
            followup.record(.cancelled, at: context.now, "return \(order.returnId ?? "") requested at \(Self.time(returnedAt))")
        } else {
            schedule(&followup, because: reason, context: &context)
        }
        try context.save(followup, key: key)
    }

    /// The delight check: once per order, two days after the last delivered parcel; while another
    /// parcel is delayed it waits for that parcel's delivery.
    private func planDelightCheck<C: DomainContext>(_ order: inout FollowupOrder, context: inout C) throws {
        let step = policy.templates.delightCheck
        let delivered = order.parcelIds.compactMap { id in order.parcels[id]?.deliveredAt.map { (id, $0) } }
        guard step.enabled, let customerId = order.customerId, let last = delivered.max(by: { $0.1 < $1.1 }) else { return }
        let key = Followup.key(orderId: order.orderId, kind: .delightCheck, part: nil)
        let existing = try context.load(Followup.self, key: key)
        if existing?.status.isFinal == true { return }
        let dueAt = last.1.addingTimeInterval(step.delayDays * 86_400)
        var followup = existing ?? Followup(
            key: key, kind: .delightCheck, orderId: order.orderId, customerId: customerId, shipmentId: nil, skus: order.skus, dueAt: dueAt)
        if let blocked = order.parcelIds.first(where: { order.parcels[$0]?.deliveredAt == nil && order.parcels[$0]?.delay != nil }) {
            guard followup.status != .waiting else { return }
            if existing != nil { context.cancelTimer(id: followup.timerId) }
            followup.fireAt = nil
            let reason = order.parcels[blocked]?.delay?.rawValue ?? "delayed"
            followup.record(.waiting, at: context.now, "postponed: parcel \(blocked) is delayed (\(reason)); waits for its delivery")
        } else if existing == nil || followup.status == .waiting || followup.dueAt != dueAt {
            followup.dueAt = dueAt
            followup.shipmentId = last.0
            let why = existing == nil ? "delivery of \(last.0) at \(Self.time(last.1))" : "rescheduled: parcel \(last.0) delivered at \(Self.time(last.1))"
            schedule(&followup, because: why, context: &context)
        } else {
            return
        }
        try context.save(followup, key: key)
    }

    /// Sets the timer for `followup.dueAt`, or skips it at once when it is already stale (a replay).
    private func schedule<C: DomainContext>(_ followup: inout Followup, because reason: String, context: inout C) {
        let overdue = context.now.timeIntervalSince(followup.dueAt)
        if overdue > policy.staleAfter {
            followup.fireAt = nil
            followup.record(.skipped, at: context.now,
                            "\(reason): due \(Self.time(followup.dueAt)), already overdue by \(Self.span(overdue)) (staleAfter \(Self.span(policy.staleAfter)))")
            return
        }
        followup.fireAt = followup.dueAt
        context.schedule(timerId: followup.timerId, at: followup.dueAt, kind: Self.timerKind, payload: Data(followup.key.utf8))
        followup.record(.scheduled, at: context.now, "\(reason): due \(Self.time(followup.dueAt))")
    }

    // MARK: - Timers

    /// A follow-up fell due: send it, defer it, or skip it, and say why.
    public func fire<C: DomainContext>(_ timer: DurableTimer, context: inout C) throws {
        guard timer.kind == Self.timerKind else { return }
        let key = String(decoding: timer.payload, as: UTF8.self)
        guard var followup = try context.load(Followup.self, key: key), !followup.status.isFinal, followup.status != .waiting,
              let order = try context.load(FollowupOrder.self, key: followup.orderId)
        else { return }
        var customer = try context.load(FollowupCustomer.self, key: followup.customerId) ?? FollowupCustomer(customerId: followup.customerId)
        let now = context.now
        followup.fireAt = nil
        let step = policy.templates[followup.kind]
        let overdue = now.timeIntervalSince(timer.dueAt)
        if order.cancelledAt != nil {
            followup.record(.cancelled, at: now, "order cancelled")
        } else if followup.kind.endsWithReturn, let returnId = order.returnId {
            followup.record(.cancelled, at: now, "return \(returnId) requested")
        } else if overdue > policy.staleAfter {
            followup.record(.skipped, at: now, "overdue by \(Self.span(overdue)) (staleAfter \(Self.span(policy.staleAfter))): not sent late")
        } else if step.category == .marketing && customer.marketingConsent != true {
            let when = customer.consentAt.map { " (latest preference at \(Self.time($0)))" } ?? ""
            followup.record(.skipped, at: now, "no marketing consent\(when)")
        } else {
            let calendar = QuietWindow.calendar(zone: customer.timeZone ?? "UTC")
            let wanted = max(now, timer.dueAt)
            let sendAt = quiet.sendTime(for: wanted, calendar: calendar)
            if step.category == .marketing {
                let slot = customer.nextMarketingSlot(from: sendAt, cap: policy.marketingCap, quiet: quiet, calendar: calendar)
                if slot > sendAt {
                    followup.fireAt = slot
                    context.schedule(timerId: followup.timerId, at: slot, kind: Self.timerKind, payload: Data(key.utf8))
                    followup.record(.deferred, at: now,
                                    "one marketing message per \(Self.span(policy.marketingCap)): moved to the next free slot \(Self.time(slot))")
                    try context.save(followup, key: key)
                    return
                }
                customer.recordMarketing(at: sendAt, cap: policy.marketingCap)
                try context.save(customer, key: customer.customerId)
            }
            let notification = try composer.prepare(
                FollowupMessages.draft(followup, order: order, customer: customer, policy: policy, sendAt: sendAt))
            context.emit(OutgoingEvent(
                topic: .notifications, key: followup.customerId, id: notification.notificationId, type: EventType.notificationRequested,
                source: source, subject: followup.orderId, time: now, data: notification))
            followup.sendAt = sendAt
            let quietNote = sendAt > wanted
                ? ", sendAt \(Self.time(sendAt)): \(Self.clock(wanted, calendar)) local is inside the quiet hours \(policy.quietHours.start)–\(policy.quietHours.end) (\(calendar.timeZone.identifier))"
                : ""
            followup.record(.sent, at: now, "notification \(notification.notificationId) (\(notification.locale))\(quietNote)")
        }
        try context.save(followup, key: key)
    }

    // MARK: - Wording

    /// RFC 3339 in UTC, for reasons.
    static func time(_ date: Date) -> String { FollowupTimeline.format(date) }

    /// `HH:mm` in `calendar`'s zone.
    static func clock(_ date: Date, _ calendar: Calendar) -> String {
        let parts = calendar.dateComponents([.hour, .minute], from: date)
        return String(format: "%02d:%02d", parts.hour ?? 0, parts.minute ?? 0)
    }

    /// `15 min`, `5 h 30 min`, `24 h`, `3 d`, `4 d 2 h`.
    static func span(_ interval: TimeInterval) -> String {
        let minutes = Int((interval / 60).rounded())
        let days = minutes / 1_440, hours = minutes % 1_440 / 60, rest = minutes % 60
        if minutes < 48 * 60 {
            let total = minutes / 60
            if total == 0 { return "\(rest) min" }
            return rest == 0 ? "\(total) h" : "\(total) h \(rest) min"
        }
        return hours == 0 ? "\(days) d" : "\(days) d \(hours) h"
    }
}
