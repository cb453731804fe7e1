import Foundation
import PostPurchaseCore

/// The tracking worker's decisions: from an input (or a timer) and the stored state to new state,
/// outputs and timers, through a ``DomainContext``. The shipment rules themselves are the pure
/// ``ShipmentTimeline``; this type correlates, parks, announces and keeps the order's view.
public struct ShipmentTracker: Sendable {
    /// The worker name used as CloudEvent `source` and metric label.
    public let source: String
    /// Renders the customer messages.
    public let composer: NotificationComposer
    /// Timeouts and matching windows.
    public let settings: TrackingSettings

    /// Timer kinds.
    enum TimerKind {
        /// At a shipment's `promisedBy`: payload is the shipment key.
        static let promise = "tracking.promise"
        /// When a parked update's wait runs out: payload is the parked key.
        static let unmatched = "tracking.unmatched"
    }

    /// Creates the decisions with a composer and settings.
    public init(source: String = WorkerRole.tracking.name, composer: NotificationComposer, settings: TrackingSettings = TrackingSettings()) {
        self.source = source
        self.composer = composer
        self.settings = settings
    }

    // MARK: - Inputs

    /// Reacts to one input of `orders` or `carrier-events`.
    public func handle<C: DomainContext>(_ input: WorkerInput, context: inout C) throws -> HandleOutcome {
        if input.topic == .carrierEvents { return try carrierUpdate(input, context: &context) }
        guard let event = input.event else { return .ignored }
        switch event.type {
        case EventType.orderPaid: try orderPaid(try event.decodeData(OrderPaid.self), context: &context)
        case EventType.orderCancelled: try orderCancelled(try event.decodeData(OrderCancelled.self), context: &context)
        case EventType.customerPreferencesUpdated:
            try preferencesUpdated(try event.decodeData(CustomerPreferencesUpdated.self), context: &context)
        case EventType.shipmentDispatched:
            let dispatched = try event.decodeData(ShipmentDispatched.self)
            try nonEmpty(dispatched.shipmentId, "data.shipmentId")
            try nonEmpty(dispatched.trackingNumber, "data.trackingNumber")
            try track(
                Shipment(
                    orderId: dispatched.orderId, shipmentId: dispatched.shipmentId, kind: .outbound, carrier: dispatched.carrier,
                    trackingNumber: dispatched.trackingNumber, dispatchedAt: event.time, promisedBy: dispatched.promisedBy,
                    items: dispatched.items),
                context: &context)
        case EventType.returnLabelCreated:
            let label = try event.decodeData(ReturnLabelCreated.self)
            try nonEmpty(label.returnId, "data.returnId")
            try nonEmpty(label.trackingNumber, "data.trackingNumber")
            try track(
                Shipment(
                    orderId: label.orderId, shipmentId: label.returnId, kind: .return, carrier: label.carrier,
                    trackingNumber: label.trackingNumber, dispatchedAt: event.time),
                context: &context)
        default:
            return .ignored
        }
        return .applied
    }

    private func nonEmpty(_ value: String, _ field: String) throws {
        if value.isEmpty { throw EventRejection(field: field, reason: "must not be empty", code: .invalidData) }
    }

    func orderPaid<C: DomainContext>(_ paid: OrderPaid, context: inout C) throws {
        var order = try context.load(OrderProgress.self, key: paid.orderId) ?? OrderProgress(orderId: paid.orderId)
        order.customerId = paid.customer.id
        order.orderedItems = paid.items.reduce(into: [:]) { $0[$1.sku, default: 0] += $1.quantity }
        try context.save(order, key: order.orderId)
        var contact = try context.load(CustomerContact.self, key: paid.customer.id) ?? CustomerContact(customerId: paid.customer.id)
        contact.apply(paid.customer)
        try context.save(contact, key: contact.customerId)
        try announceOrderDeliveryIfComplete(orderId: paid.orderId, context: &context)
    }

    func orderCancelled<C: DomainContext>(_ cancelled: OrderCancelled, context: inout C) throws {
        var order = try context.load(OrderProgress.self, key: cancelled.orderId) ?? OrderProgress(orderId: cancelled.orderId)
        order.cancelled = true
        try context.save(order, key: order.orderId)
    }

    func preferencesUpdated<C: DomainContext>(_ update: CustomerPreferencesUpdated, context: inout C) throws {
        var contact = try context.load(CustomerContact.self, key: update.customerId) ?? CustomerContact(customerId: update.customerId)
        contact.apply(update)
        try context.save(contact, key: contact.customerId)
    }

    /// Starts tracking a dispatched parcel (or a return label), then applies the updates that
    /// arrived before it.
    func track<C: DomainContext>(_ shipment: Shipment, context: inout C) throws {
        // A second dispatch event for the same shipment (new event id) changes nothing.
        guard try context.load(Shipment.self, key: shipment.key) == nil else { return }
        if shipment.kind == .outbound {
            var order = try context.load(OrderProgress.self, key: shipment.orderId) ?? OrderProgress(orderId: shipment.orderId)
            order.outboundShipmentIds.append(shipment.shipmentId)
            for item in shipment.items { order.dispatchedItems[item.sku, default: 0] += item.quantity }
            try context.save(order, key: order.orderId)
        }
        let indexKey = TrackingNumberIndex.key(shipment.trackingNumber)
        var index = try context.load(TrackingNumberIndex.self, key: indexKey) ?? TrackingNumberIndex()
        index.entries.append(.init(carrier: shipment.carrier, shipmentKey: shipment.key, dispatchedAt: shipment.dispatchedAt))
        try context.save(index, key: indexKey)
        try context.save(shipment, key: shipment.key)
        if let promisedBy = shipment.promisedBy {
            context.schedule(timerId: "promise:\(shipment.key)", at: promisedBy, kind: TimerKind.promise, payload: Data(shipment.key.utf8))
        }
        // Updates parked for this number, oldest first; those outside this shipment's window stay parked.
        let parked = try context.loadAll(ParkedCarrierUpdate.self, keyPrefix: indexKey + "|", limit: 1_000)
            .filter { TrackingNumberIndex.sameCarrier($0.value.update.carrier, shipment.carrier) && inWindow($0.value.update.occurredAt, of: shipment) }
            .sorted { ($0.value.update.occurredAt, $0.key) < ($1.value.update.occurredAt, $1.key) }
        for (key, entry) in parked {
            guard let current = try context.load(Shipment.self, key: shipment.key) else { break }
            try apply(entry.update, raw: entry.record.value, position: key, to: current, context: &context)
            context.delete(ParkedCarrierUpdate.self, key: key)
            context.cancelTimer(id: "unmatched:\(key)")
        }
    }

    private func inWindow(_ time: Date, of shipment: Shipment) -> Bool {
        time >= shipment.dispatchedAt.addingTimeInterval(-settings.matchLead) && time <= shipment.dispatchedAt.addingTimeInterval(settings.matchWindow)
    }

    /// The parsed update of a `carrier-events` input, or why it was rejected; `nil` for other
    /// inputs. Parsing needs no state, so the runtime does it for a whole batch on every core
    /// (``Worker/prepare(_:)``); ``handle(_:context:)`` parses inputs that come without it.
    public static func prepare(_ input: WorkerInput) -> Result<CarrierUpdate?, EventRejection>? {
        guard input.topic == .carrierEvents else { return nil }
        return Result { () throws(EventRejection) in try CarrierWebhookParser.update(from: input) }
    }

    /// What ``carrierUpdate(_:context:)`` will load for a parsed carrier update, in its order: the
    /// tracking number's index, the matched shipment, its order and the order's customer.
    public func readAhead<C: DomainContext>(_ input: WorkerInput, context: inout C) throws {
        guard let parsed = input.prepared as? Result<CarrierUpdate?, EventRejection>, case .success(let update?) = parsed,
              let index = try context.load(TrackingNumberIndex.self, key: TrackingNumberIndex.key(update.trackingNumber)),
              let entry = index.match(carrier: update.carrier, at: update.occurredAt, lead: settings.matchLead, window: settings.matchWindow),
              let shipment = try context.load(Shipment.self, key: entry.shipmentKey),
              let customerId = try context.load(OrderProgress.self, key: shipment.orderId)?.customerId
        else { return }
        _ = try context.load(CustomerContact.self, key: customerId)
    }

    /// A carrier webhook or `tracking.updated`: correlate, then apply or park.
    func carrierUpdate<C: DomainContext>(_ input: WorkerInput, context: inout C) throws -> HandleOutcome {
        let parsed = input.prepared as? Result<CarrierUpdate?, EventRejection>
            ?? Result { () throws(EventRejection) in try CarrierWebhookParser.update(from: input) }
        guard let update = try parsed.get() else { return .ignored }
        if !update.isMapped { UnmappedStatusCounter.count(update, worker: source) }
        let record = input.record
        let position = record.position
        if let index = try context.load(TrackingNumberIndex.self, key: TrackingNumberIndex.key(update.trackingNumber)),
           let entry = index.match(carrier: update.carrier, at: update.occurredAt, lead: settings.matchLead, window: settings.matchWindow),
           let shipment = try context.load(Shipment.self, key: entry.shipmentKey) {
            try apply(update, raw: record.value, position: position, to: shipment, context: &context)
        } else {
            let parked = ParkedCarrierUpdate(update: update, record: record, parkedAt: context.now)
            try context.save(parked, key: parked.key)
            context.schedule(
                timerId: "unmatched:\(parked.key)", at: context.now.addingTimeInterval(settings.unmatchedTimeout),
                kind: TimerKind.unmatched, payload: Data(parked.key.utf8))
        }
        return .applied
    }

    /// Applies one update to a shipment: audit, new state, announcements.
    func apply<C: DomainContext>(_ update: CarrierUpdate, raw: Data?, position: String, to shipment: Shipment, context: inout C) throws {
        let step = ShipmentTimeline.apply(update, to: shipment)
        let audit = CarrierUpdateAudit(
            shipmentKey: shipment.key, update: update, statusBefore: shipment.status, statusAfter: step.shipment.status,
            appliedAt: context.now, raw: raw)
        try context.save(audit, key: CarrierUpdateAudit.key(shipmentKey: shipment.key, update: update, position: position))
        if step.shipment != shipment { try context.save(step.shipment, key: shipment.key) }
        try announce(step, context: &context)
    }

    // MARK: - Timers

    /// Reacts to a promise or unmatched-update timer.
    public func fire<C: DomainContext>(_ timer: DurableTimer, context: inout C) throws {
        let key = String(decoding: timer.payload, as: UTF8.self)
        switch timer.kind {
        case TimerKind.promise:
            guard let shipment = try context.load(Shipment.self, key: key) else { return }
            if try context.load(OrderProgress.self, key: shipment.orderId)?.cancelled == true { return }
            let step = ShipmentTimeline.checkPromise(shipment)
            if step.shipment != shipment { try context.save(step.shipment, key: key) }
            try announce(step, context: &context)
        case TimerKind.unmatched:
            guard let parked = try context.load(ParkedCarrierUpdate.self, key: key) else { return }
            context.delete(ParkedCarrierUpdate.self, key: key)
            let hours = settings.unmatchedTimeout / 3600
            context.deadLetter(parked.record, because: EventRejection(
                field: "trackingNumber",
                reason: "unknown-tracking-number: no shipment with carrier '\(parked.update.carrier)' and tracking number '\(parked.update.trackingNumber)' was dispatched within \(hours.formatted()) h",
                code: .rejected))
        default:
            return
        }
    }

    // MARK: - Outputs

    private func announce<C: DomainContext>(_ step: ShipmentTimeline.Step, context: inout C) throws {
        let shipment = step.shipment
        let base = shipment.statusChanged(previous: step.previousStatus)
        let at = Int64((base.occurredAt.timeIntervalSince1970 * 1000).rounded())
        if step.statusChanged {
            emit(EventType.shipmentStatusChanged, id: "\(EventType.shipmentStatusChanged):\(shipment.key):\(shipment.status.rawValue):\(at)",
                 data: base, shipment: shipment, context: &context)
        }
        if step.becameDelivered {
            var delivered = base
            delivered.deliveredAt = shipment.deliveredAt
            emit(EventType.shipmentDelivered, id: "\(EventType.shipmentDelivered):\(shipment.key)", data: delivered, shipment: shipment, context: &context)
            context.cancelTimer(id: "promise:\(shipment.key)")
        }
        for reason in step.delays {
            var delayed = base
            delayed.reason = reason
            delayed.promisedBy = shipment.promisedBy
            if reason == .promiseMissed {
                // Nothing changed at the carrier: the event is the promise passing.
                delayed.previousStatus = shipment.status
                delayed.occurredAt = shipment.promisedBy ?? context.now
            }
            emit(EventType.shipmentDelayed, id: "\(EventType.shipmentDelayed):\(shipment.key):\(reason.rawValue)", data: delayed,
                 shipment: shipment, context: &context)
        }
        if !step.messages.isEmpty, let order = try context.load(OrderProgress.self, key: shipment.orderId), !order.cancelled,
           let customerId = order.customerId {
            let contact = try context.load(CustomerContact.self, key: customerId) ?? CustomerContact(customerId: customerId)
            for message in step.messages {
                let draft = TrackingMessages.draft(message, shipment: shipment, order: order, recipient: contact.recipient, now: context.now)
                // Rendered when the batch's outputs are encoded, on every core.
                let notification = try composer.prepare(draft)
                context.emit(OutgoingEvent(
                    topic: .notifications, key: customerId, id: notification.notificationId, type: EventType.notificationRequested,
                    source: source, subject: shipment.orderId, time: context.now, data: notification))
            }
        }
        if step.becameDelivered && shipment.kind == .outbound {
            try announceOrderDeliveryIfComplete(orderId: shipment.orderId, context: &context)
        }
    }

    private func emit<C: DomainContext>(_ type: String, id: String, data: ShipmentStatusChanged, shipment: Shipment, context: inout C) {
        context.emit(OutgoingEvent(
            topic: .shipmentUpdates, key: shipment.orderId, id: id, type: type, source: source, subject: shipment.shipmentId,
            time: context.now, data: data))
    }

    /// `order.delivered`, once, when every outbound parcel of a non-cancelled order is delivered and
    /// (when `order.paid` is known) every unit bought was dispatched.
    private func announceOrderDeliveryIfComplete<C: DomainContext>(orderId: String, context: inout C) throws {
        guard var order = try context.load(OrderProgress.self, key: orderId), !order.cancelled, !order.deliveryAnnounced,
              !order.outboundShipmentIds.isEmpty, order.isFullyDispatched ?? true
        else { return }
        var deliveredAt = Date.distantPast
        for shipmentId in order.outboundShipmentIds {
            guard let shipment = try context.load(Shipment.self, key: Shipment.key(orderId: orderId, kind: .outbound, shipmentId: shipmentId)),
                  shipment.status == .delivered, let at = shipment.deliveredAt
            else { return }
            deliveredAt = max(deliveredAt, at)
        }
        order.deliveryAnnounced = true
        try context.save(order, key: orderId)
        context.emit(OutgoingEvent(
            topic: .shipmentUpdates, key: orderId, id: "\(EventType.orderDelivered):\(orderId)", type: EventType.orderDelivered,
            source: source, subject: orderId, time: context.now,
            data: OrderDelivered(orderId: orderId, deliveredAt: deliveredAt, shipmentIds: order.outboundShipmentIds)))
    }
}
