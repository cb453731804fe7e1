import Foundation
import PostPurchaseCore

/// The returns worker's decisions: from an input (or a timer) and the stored state to new state,
/// outputs and timers, through a ``DomainContext`` (the runtime's in production, an in-memory one
/// in tests).
///
/// Each input records one fact about an order or a return (``ReturnOrder``, ``ReturnCase``); then
/// the return is moved as far as its facts allow: decision → label request → customer messages →
/// `return.received` → refund, store credit or exchange. Every output is flagged as done in the
/// return's state and carries an id derived from the order and the return, so duplicates (even
/// with new CloudEvent ids) and redeliveries change nothing, and the facts may arrive in any order.
/// The one order that matters is that of competing requests: units are approved first come, first
/// served, so two returns of the same units cannot both be approved.
public struct ReturnDesk: Sendable {
    /// The worker name used as CloudEvent `source`.
    public let source: String
    /// Renders the customer messages.
    public let composer: NotificationComposer
    /// The store's policy.
    public let policy: ReturnPolicy

    /// Timer kinds.
    enum TimerKind {
        /// When a parked return's wait for its order or request runs out: payload is the case key.
        static let park = "returns.park"
    }

    /// Creates the decisions with a composer and a policy.
    public init(source: String = WorkerRole.returns.name, composer: NotificationComposer, policy: ReturnPolicy = ReturnPolicy()) {
        self.source = source
        self.composer = composer
        self.policy = policy
    }

    // MARK: - Inputs

    /// Reacts to one input of `orders` or `shipment-updates`.
    public func handle<C: DomainContext>(_ input: WorkerInput, context: inout C) throws -> HandleOutcome {
        guard let event = input.event else { return .ignored }
        switch event.type {
        case EventType.orderPaid:
            try orderPaid(try event.decodeData(OrderPaid.self), context: &context)
        case EventType.orderCancelled:
            let cancelled = try event.decodeData(OrderCancelled.self)
            try nonEmpty(cancelled.orderId, "data.orderId")
            var order = try context.load(ReturnOrder.self, key: cancelled.orderId) ?? ReturnOrder(orderId: cancelled.orderId)
            guard !order.cancelled else { return .applied }
            order.cancelled = true
            try context.save(order, key: order.orderId)
        case EventType.orderDelivered:
            let delivered = try event.decodeData(OrderDelivered.self)
            try nonEmpty(delivered.orderId, "data.orderId")
            var order = try context.load(ReturnOrder.self, key: delivered.orderId) ?? ReturnOrder(orderId: delivered.orderId)
            // The window runs from the last parcel's delivery.
            guard order.deliveredAt.map({ $0 < delivered.deliveredAt }) ?? true else { return .applied }
            order.deliveredAt = delivered.deliveredAt
            try context.save(order, key: order.orderId)
        case EventType.customerPreferencesUpdated:
            let update = try event.decodeData(CustomerPreferencesUpdated.self)
            var contact = try context.load(CustomerContact.self, key: update.customerId) ?? CustomerContact(customerId: update.customerId)
            contact.apply(update)
            try context.save(contact, key: contact.customerId)
        case EventType.returnRequested:
            let request = try event.decodeData(ReturnRequested.self)
            try validate(request)
            try record(orderId: request.orderId, returnId: request.returnId, input: input, context: &context) { item in
                guard item.request == nil else { return }
                item.request = request
                item.requestedAt = event.time
            }
        case EventType.returnLabelCreated:
            let label = try event.decodeData(ReturnLabelCreated.self)
            try nonEmpty(label.orderId, "data.orderId")
            try nonEmpty(label.returnId, "data.returnId")
            try record(orderId: label.orderId, returnId: label.returnId, input: input, context: &context) { item in
                if item.label == nil { item.label = label }
            }
        case EventType.shipmentStatusChanged, EventType.shipmentDelivered:
            let change = try event.decodeData(ShipmentStatusChanged.self)
            guard change.kind == .return else { return .ignored }
            try nonEmpty(change.orderId, "data.orderId")
            try nonEmpty(change.shipmentId, "data.shipmentId")
            guard Self.carrierHasIt.contains(change.status) else { return .applied }
            // The tracking worker names a return parcel's shipment after its returnId.
            try record(orderId: change.orderId, returnId: change.shipmentId, input: input, context: &context) { item in
                item.firstScanAt = min(item.firstScanAt ?? change.occurredAt, change.occurredAt)
                item.trackingNumber = item.trackingNumber ?? change.trackingNumber
                if change.status == .delivered {
                    let at = change.deliveredAt ?? change.occurredAt
                    item.receivedAt = min(item.receivedAt ?? at, at)
                }
            }
        case EventType.returnInspected:
            let inspected = try event.decodeData(ReturnInspected.self)
            try nonEmpty(inspected.orderId, "data.orderId")
            try nonEmpty(inspected.returnId, "data.returnId")
            for (index, line) in inspected.items.enumerated() where line.quantity < 0 {
                throw EventRejection(field: "data.items[\(index)].quantity", reason: "must not be negative", code: .invalidData)
            }
            try record(orderId: inspected.orderId, returnId: inspected.returnId, input: input, context: &context) { item in
                guard item.inspection == nil else { return }
                item.inspection = inspected
                item.inspectedAt = event.time
            }
        case EventType.refundCompleted:
            let completed = try event.decodeData(RefundCompleted.self)
            try nonEmpty(completed.orderId, "data.orderId")
            try refundAnswered(orderId: completed.orderId, refundId: completed.refundId, context: &context) { settlement in
                guard settlement.status != .completed else { return false }
                settlement.status = .completed
                settlement.confirmedAmount = completed.amount.amount
                return true
            }
        case EventType.refundFailed:
            let failed = try event.decodeData(RefundFailed.self)
            try nonEmpty(failed.orderId, "data.orderId")
            try refundAnswered(orderId: failed.orderId, refundId: failed.refundId, context: &context) { settlement in
                guard settlement.status == .requested else { return false }
                settlement.status = .failed
                settlement.failure = failed.reason
                return false
            }
        default:
            return .ignored
        }
        return .applied
    }

    /// Statuses that prove the carrier has the return parcel (its first scan, or later).
    static let carrierHasIt: Set<ShipmentStatus> = [
        .inTransit, .outForDelivery, .availableForPickup, .attemptFailed, .delivered, .exception, .returnedToSender,
    ]

    private func nonEmpty(_ value: String, _ field: String) throws {
        if value.isEmpty { throw EventRejection(field: field, reason: "must not be empty", code: .invalidData) }
    }

    private func validate(_ request: ReturnRequested) throws {
        try nonEmpty(request.orderId, "data.orderId")
        try nonEmpty(request.returnId, "data.returnId")
        guard !request.items.isEmpty else { throw EventRejection(field: "data.items", reason: "must not be empty", code: .invalidData) }
        for (index, item) in request.items.enumerated() {
            try nonEmpty(item.sku, "data.items[\(index)].sku")
            guard item.quantity > 0 else {
                throw EventRejection(field: "data.items[\(index)].quantity", reason: "must be at least 1", code: .invalidData)
            }
        }
        if request.resolution == .exchange, request.exchangeSku?.isEmpty ?? true {
            throw EventRejection(field: "data.exchangeSku", reason: "is required when the resolution is 'exchange'", code: .invalidData)
        }
    }

    func orderPaid<C: DomainContext>(_ paid: OrderPaid, context: inout C) throws {
        try nonEmpty(paid.orderId, "data.orderId")
        var order = try context.load(ReturnOrder.self, key: paid.orderId) ?? ReturnOrder(orderId: paid.orderId)
        // A second order.paid (new event id) changes nothing: the first one fixed the amounts.
        guard !order.isPaid else { return }
        try order.record(paid)
        var contact = try context.load(CustomerContact.self, key: paid.customer.id) ?? CustomerContact(customerId: paid.customer.id)
        contact.apply(paid.customer)
        try context.save(contact, key: contact.customerId)
        // Returns that waited for the order, decided in the order they were requested (so competing
        // requests for the same units resolve as if the order had been known all along).
        var waiting: [(item: ReturnCase, arrival: Int)] = []
        for (arrival, returnId) in order.returnIds.enumerated() {
            if let item = try context.load(ReturnCase.self, key: ReturnCase.key(orderId: order.orderId, returnId: returnId)) {
                waiting.append((item, arrival))
            }
        }
        waiting.sort { ($0.item.requestedAt ?? .distantFuture, $0.arrival) < ($1.item.requestedAt ?? .distantFuture, $1.arrival) }
        for (var item, _) in waiting {
            let before = item
            try advance(&item, order: &order, context: &context)
            if item != before { try context.save(item, key: item.key) }
        }
        try context.save(order, key: order.orderId)
    }

    /// Records a fact about a return, then moves the return on (or parks the input while the order
    /// or the request is missing).
    func record<C: DomainContext>(
        orderId: String, returnId: String, input: WorkerInput, context: inout C, change: (inout ReturnCase) -> Void
    ) throws {
        let key = ReturnCase.key(orderId: orderId, returnId: returnId)
        let stored = try context.load(ReturnCase.self, key: key)
        var item = stored ?? ReturnCase(orderId: orderId, returnId: returnId)
        let before = item
        change(&item)
        // The same fact again (a duplicate with a new event id, or a later copy): nothing to do.
        guard item != before || stored == nil else { return }
        let storedOrder = try context.load(ReturnOrder.self, key: orderId)
        var order = storedOrder ?? ReturnOrder(orderId: orderId)
        if !order.returnIds.contains(returnId) { order.returnIds.append(returnId) }
        if order.isPaid && item.request != nil {
            try advance(&item, order: &order, context: &context)
        } else {
            try park(input.record, item: &item, context: &context)
        }
        try context.save(item, key: key)
        if order != storedOrder { try context.save(order, key: orderId) }
    }

    private func park<C: DomainContext>(_ record: KafkaRecord, item: inout ReturnCase, context: inout C) throws {
        // The same record parked twice (a redelivery) is kept once.
        guard !item.parked.contains(where: { $0.position == record.position }) else { return }
        guard item.parked.count < policy.maxParkedPerReturn else {
            throw EventRejection(
                field: "returnId",
                reason: "too-many-parked: \(item.parked.count) events of return '\(item.returnId)' already wait for order '\(item.orderId)' or its return.requested",
                code: .rejected)
        }
        if item.parked.isEmpty {
            context.schedule(
                timerId: parkTimerId(item.key), at: context.now.addingTimeInterval(policy.parkingTimeout), kind: TimerKind.park,
                payload: Data(item.key.utf8))
        }
        item.parked.append(record)
    }

    private func parkTimerId(_ key: String) -> String { "returns.park:\(key)" }

    /// `refund.completed` / `refund.failed`: finds the return by its refund id among the order's
    /// returns; `change` returns whether the customer should now hear that the money is on its way.
    func refundAnswered<C: DomainContext>(
        orderId: String, refundId: String, context: inout C, change: (inout ReturnCase.Settlement) -> Bool
    ) throws {
        // A refund this worker did not request (or not yet) is not its business: nothing changes.
        guard let order = try context.load(ReturnOrder.self, key: orderId) else { return }
        for returnId in order.returnIds {
            let key = ReturnCase.key(orderId: orderId, returnId: returnId)
            guard var item = try context.load(ReturnCase.self, key: key), var settlement = item.settlement,
                  settlement.resolution == .refund, settlement.id == refundId
            else { continue }
            let announce = change(&settlement)
            item.settlement = settlement
            if announce && !item.refundAnnounced {
                item.refundAnnounced = true
                let amount = Money(amount: settlement.confirmedAmount ?? settlement.amount, currency: order.currency)
                try notify(ReturnMessages.refundIssued(item, amount: amount, order: order, recipient: try recipient(order, context), now: context.now), context: &context)
            }
            try context.save(item, key: key)
            return
        }
    }

    // MARK: - Moving a return on

    /// Takes every step the return's facts allow, once each.
    func advance<C: DomainContext>(_ item: inout ReturnCase, order: inout ReturnOrder, context: inout C) throws {
        guard order.isPaid, let request = item.request, let requestedAt = item.requestedAt else { return }
        if !item.parked.isEmpty {
            item.parked = []
            context.cancelTimer(id: parkTimerId(item.key))
        }
        if item.decision == nil {
            let decision = RefundCalculator.decide(request, requestedAt: requestedAt, order: &order, policy: policy, now: context.now)
            item.decision = decision
            try announce(decision, item: &item, order: order, context: &context)
        }
        guard let decision = item.decision, decision.isApproved else { return }
        if decision.labelRequired, let label = item.label, !item.labelAnnounced {
            item.labelAnnounced = true
            try notify(
                ReturnMessages.approved(item, decision: decision, order: order, policy: policy, label: label, recipient: try recipient(order, context), now: context.now),
                context: &context)
        }
        var receivedNow = false
        if decision.labelRequired, let receivedAt = item.receivedAt, !item.receivedAnnounced {
            item.receivedAnnounced = true
            receivedNow = true
            emit(EventType.returnReceived, item, ReturnReceived(
                orderId: item.orderId, returnId: item.returnId, trackingNumber: item.trackingNumber ?? item.label?.trackingNumber, receivedAt: receivedAt),
                context: &context)
        }
        // A cancelled order is refunded in full by checkout: nothing more may be paid out.
        if item.settlement == nil && !order.cancelled {
            try settle(&item, request: request, decision: decision, order: &order, context: &context)
        }
        // After the settlement, so the message can say what already happened.
        if receivedNow {
            try notify(
                ReturnMessages.received(item, decision: decision, order: order, policy: policy, recipient: try recipient(order, context), now: context.now),
                context: &context)
        }
    }

    /// `return.approved` / `return.rejected`, the label request, and their customer messages.
    private func announce<C: DomainContext>(_ decision: ReturnCase.Decision, item: inout ReturnCase, order: ReturnOrder, context: inout C) throws {
        let recipient = try recipient(order, context)
        if decision.isApproved {
            emit(EventType.returnApproved, item, ReturnApproved(
                orderId: item.orderId, returnId: item.returnId,
                items: decision.approved.map { .init(sku: $0.sku, quantity: $0.quantity, reason: $0.reason) },
                refundEstimate: Money(amount: decision.estimate, currency: order.currency), labelRequired: decision.labelRequired),
                context: &context)
            // A label that is already known goes into this first message; otherwise a second one brings it.
            let label = decision.labelRequired ? item.label : nil
            item.labelAnnounced = label != nil
            try notify(
                ReturnMessages.approved(item, decision: decision, order: order, policy: policy, label: label, recipient: recipient, now: context.now)
                    .withCause("return.approved:\(item.orderId):\(item.returnId)"),
                context: &context)
            if decision.labelRequired && !item.labelRequested {
                item.labelRequested = true
                emit(EventType.returnLabelRequested, item, ReturnLabelRequested(
                    orderId: item.orderId, returnId: item.returnId, items: decision.approved.map { ItemQuantity(sku: $0.sku, quantity: $0.quantity) }),
                    context: &context)
            }
        }
        if !decision.rejected.isEmpty {
            emit(EventType.returnRejected, item, ReturnRejected(orderId: item.orderId, returnId: item.returnId, items: decision.rejected), context: &context)
            try notify(
                ReturnMessages.rejected(item, decision: decision, order: order, policy: policy, recipient: recipient, now: context.now), context: &context)
        }
    }

    /// The refund, store credit or exchange, once its moment has come; never more than the order
    /// has left to refund.
    private func settle<C: DomainContext>(
        _ item: inout ReturnCase, request: ReturnRequested, decision: ReturnCase.Decision, order: inout ReturnOrder, context: inout C
    ) throws {
        let kept = !decision.labelRequired
        switch request.resolution {
        case .refund:
            let due: Bool = switch policy.refundTrigger {
            case .firstScan: kept || item.isScanned
            case .delivered: kept || item.isReceived
            case .inspected: kept || item.inspection != nil
            }
            guard due else { return }
            var amount = decision.estimate
            if policy.refundTrigger == .inspected && !kept {
                amount = RefundCalculator.amount(
                    decision.approved, shippingShare: decision.shippingShare, order: order, policy: policy, inspection: item.inspection).total
            }
            amount = min(amount, order.refundable)
            guard amount > 0 else {
                item.settlement = .init(resolution: .refund, id: item.refundId, amount: 0, bonus: 0, status: .nothingDue, at: context.now)
                return
            }
            order.committed += amount
            item.settlement = .init(resolution: .refund, id: item.refundId, amount: amount, bonus: 0, status: .requested, at: context.now)
            let reasons = decision.approved.map(\.reason.rawValue).reduce(into: [String]()) { if !$0.contains($1) { $0.append($1) } }
            emit(EventType.refundRequested, item, RefundRequested(
                refundId: item.refundId, orderId: item.orderId, returnId: item.returnId, amount: Money(amount: amount, currency: order.currency),
                reason: "return \(item.returnId): \(reasons.joined(separator: ", "))"),
                context: &context)
        case .storeCredit:
            // Credit as soon as the carrier has the parcel: it stays in the store, so it can go early.
            guard kept || item.isScanned else { return }
            let amount = min(decision.estimate, order.refundable)
            guard amount > 0 else {
                item.settlement = .init(resolution: .storeCredit, id: item.creditId, amount: 0, bonus: 0, status: .nothingDue, at: context.now)
                return
            }
            let bonus = MoneyMath.percent(policy.storeCreditBonusPercent, of: amount)
            order.committed += amount
            item.settlement = .init(resolution: .storeCredit, id: item.creditId, amount: amount, bonus: bonus, status: .issued, at: context.now)
            guard let customerId = order.customerId else { return }
            let credit = StoreCreditIssued(
                orderId: item.orderId, returnId: item.returnId, customerId: customerId, amount: Money(amount: amount, currency: order.currency),
                bonus: Money(amount: bonus, currency: order.currency), creditId: item.creditId)
            emit(EventType.storeCreditIssued, item, credit, context: &context)
            try notify(
                ReturnMessages.storeCreditIssued(item, credit: credit, order: order, recipient: try recipient(order, context), now: context.now),
                context: &context)
        case .exchange:
            // The replacement ships once the carrier has the returned item; no money moves.
            guard kept || item.isScanned, let sku = request.exchangeSku else { return }
            item.settlement = .init(resolution: .exchange, id: item.exchangeId, amount: 0, bonus: 0, status: .issued, at: context.now)
            emit(EventType.exchangeRequested, item, ExchangeRequested(
                orderId: item.orderId, returnId: item.returnId, items: decision.approved.map { ItemQuantity(sku: $0.sku, quantity: $0.quantity) },
                exchangeSku: sku), context: &context)
        }
    }

    // MARK: - Timers

    /// Reacts to a parking timer: the order or the request never came, so the parked records are
    /// dead-lettered unchanged with the reason, and the return is forgotten.
    public func fire<C: DomainContext>(_ timer: DurableTimer, context: inout C) throws {
        guard timer.kind == TimerKind.park else { return }
        let key = String(decoding: timer.payload, as: UTF8.self)
        guard let item = try context.load(ReturnCase.self, key: key), !item.parked.isEmpty else { return }
        var order = try context.load(ReturnOrder.self, key: item.orderId)
        if order?.isPaid == true && item.request != nil { return }
        let hours = policy.parkingHours.formatted()
        let rejection = order?.isPaid == true
            ? EventRejection(
                field: "returnId",
                reason: "unknown-return: no return.requested for return '\(item.returnId)' of order '\(item.orderId)' arrived within \(hours) h")
            : EventRejection(
                field: "orderId", reason: "unknown-order: no order.paid for order '\(item.orderId)' arrived within \(hours) h")
        for record in item.parked { context.deadLetter(record, because: rejection) }
        context.delete(ReturnCase.self, key: key)
        if var known = order {
            known.returnIds.removeAll { $0 == item.returnId }
            order = known
            if !known.isPaid && known.deliveredAt == nil && !known.cancelled && known.returnIds.isEmpty {
                context.delete(ReturnOrder.self, key: known.orderId)
            } else {
                try context.save(known, key: known.orderId)
            }
        }
    }

    // MARK: - Outputs

    private func emit<C: DomainContext>(_ type: String, _ item: ReturnCase, _ data: any Encodable & Sendable, context: inout C) {
        context.emit(OutgoingEvent(
            topic: .returnUpdates, key: item.orderId, id: "\(type):\(item.orderId):\(item.returnId)", type: type, source: source,
            subject: item.returnId, time: occurredAt(type, item) ?? context.now, data: data))
    }

    /// The CloudEvent `time` of an output: when its cause happened (the request; the parcel's scan
    /// or delivery; the inspection), not when this worker got to it, so a replay, a restart or a
    /// parked return stamps the same time (and services reacting to it plan the same way).
    private func occurredAt(_ type: String, _ item: ReturnCase) -> Date? {
        guard let requestedAt = item.requestedAt else { return nil }
        let kept = item.decision?.labelRequired == false
        let scanned = [item.firstScanAt, item.receivedAt, item.inspectedAt].compactMap { $0 }.min()
        let fact: Date? = switch type {
        case EventType.returnReceived: item.receivedAt
        case EventType.storeCreditIssued, EventType.exchangeRequested: kept ? nil : scanned
        case EventType.refundRequested where !kept:
            switch policy.refundTrigger {
            case .firstScan: scanned
            case .delivered: [item.receivedAt, item.inspectedAt].compactMap { $0 }.min()
            case .inspected: item.inspectedAt
            }
        default: nil
        }
        return max(requestedAt, fact ?? requestedAt)
    }

    private func recipient<C: DomainContext>(_ order: ReturnOrder, _ context: C) throws -> NotificationRecipient {
        let customerId = order.customerId ?? ""
        return (try context.load(CustomerContact.self, key: customerId) ?? CustomerContact(customerId: customerId)).recipient
    }

    private func notify<C: DomainContext>(_ draft: NotificationDraft, context: inout C) throws {
        guard !draft.recipient.customerId.isEmpty else { return }
        let notification = try composer.prepare(draft)
        context.emit(OutgoingEvent(
            topic: .notifications, key: draft.recipient.customerId, id: notification.notificationId, type: EventType.notificationRequested,
            source: source, subject: draft.orderId, time: context.now, data: notification))
    }
}

extension NotificationDraft {
    /// The same draft with another cause (and so another `notificationId`).
    func withCause(_ cause: String) -> NotificationDraft {
        var draft = self
        draft.cause = cause
        return draft
    }
}
