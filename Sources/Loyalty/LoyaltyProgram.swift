import Foundation
import PostPurchaseCore

/// The loyalty worker's decisions: from an input (or a timer) and the stored order and account to
/// ledger entries, `loyalty-updates`, customer messages and timers, through a ``DomainContext``.
///
/// The booking rules themselves are the pure ``LoyaltyLedger``; this type records what is known
/// about each order (``LoyaltyOrder``), decides when points are earned, confirmed, reversed, given
/// or expired, and announces every entry.
///
/// State is customer-scoped (the account, keyed by customer id) while most inputs are keyed by
/// order id: one worker instance (or the shared PostgreSQL backend of issue 9) must see all of a
/// customer's orders. See the README's loyalty-worker section.
public struct LoyaltyProgram: Sendable {
    /// The worker name used as CloudEvent `source`.
    public let source: String
    /// Renders the customer messages.
    public let composer: NotificationComposer
    /// The rules.
    public let policy: LoyaltyPolicy

    /// Timer kinds.
    enum TimerKind {
        /// The return window of an order closes: payload is the order id.
        static let confirm = "loyalty.confirm"
        /// Tell the customer a lot expires soon: payload is ``LotTimer``.
        static let expiring = "loyalty.expiring"
        /// A lot expires: payload is ``LotTimer``.
        static let expire = "loyalty.expire"
        /// An earning leaves the tier window: payload is the customer id.
        static let tier = "loyalty.tier"
    }

    /// The payload of lot timers.
    struct LotTimer: Codable {
        var customerId: String
        var lotId: String
    }

    private static let encoder = JSONEncoder()
    private static let decoder = JSONDecoder()

    /// Creates the decisions with a composer and the rules.
    public init(source: String = WorkerRole.loyalty.name, composer: NotificationComposer, policy: LoyaltyPolicy = LoyaltyPolicy()) {
        self.source = source
        self.composer = composer
        self.policy = policy
    }

    // MARK: - Inputs

    /// Reacts to one input of `orders`, `shipment-updates` or `return-updates`.
    public func handle<C: DomainContext>(_ input: WorkerInput, context: inout C) throws -> HandleOutcome {
        guard let decoded = try LoyaltyInput.of(input) else { return .ignored }
        let key = input.record.keyText
        switch decoded {
        case .orderPaid(let paid): try orderPaid(paid, context: &context)
        case .orderCancelled(let cancelled): try orderCancelled(cancelled, context: &context)
        case .preferencesUpdated(let update): try preferencesUpdated(update, context: &context)
        case .orderDelivered(let delivered): try orderDelivered(delivered, context: &context)
        case .shipmentDelayed(let delayed): try shipmentDelayed(delayed, context: &context)
        case .reviewSubmitted(let review): try reviewSubmitted(review, context: &context)
        case .returnRequested(let requested):
            try nonEmpty(requested.returnId, "data.returnId")
            try updateReturn(orderId: requested.orderId, returnId: requested.returnId, context: &context) { _ in }
        case .returnApproved(let approved):
            try updateReturn(orderId: try orderId(approved.orderId, key: key), returnId: approved.returnId, context: &context) { $0.approved = true }
        case .refundRequested(let requested):
            // A refund on its way: the return was (at least partly) accepted and is still open.
            try updateReturn(orderId: requested.orderId, returnId: requested.returnId, context: &context) { $0.approved = true }
        case .returnRejected(let rejected):
            try updateReturn(orderId: try orderId(rejected.orderId, key: key), returnId: rejected.returnId, context: &context) { $0.rejected = true }
        case .exchangeRequested(let exchange):
            try updateReturn(orderId: exchange.orderId, returnId: exchange.returnId, context: &context) { $0.settled = true }
        case .refundCompleted(let refund):
            try nonEmpty(refund.refundId, "data.refundId")
            try refunded(orderId: refund.orderId, returnId: refund.returnId,
                         parked: .init(id: "refund:\(refund.refundId)", amount: refund.amount, storeCredit: false, record: input.record),
                         context: &context)
        case .storeCreditIssued(let credit):
            try nonEmpty(credit.creditId, "data.creditId")
            try refunded(orderId: credit.orderId, returnId: credit.returnId,
                         parked: .init(id: "credit:\(credit.creditId)", amount: credit.amount, storeCredit: true, record: input.record),
                         context: &context)
        }
        return .applied
    }

    /// What ``handle(_:context:)`` will load for `input`, in its order: the order, then the
    /// account of the customer the event names or, failing that, the order's. Loads and decides
    /// nothing else (see ``Worker/readAhead(_:context:)``); an input it cannot read is left to the
    /// handler, which rejects it.
    public func readAhead<C: DomainContext>(_ input: WorkerInput, context: inout C) throws {
        guard let decoded = try LoyaltyInput.of(input) else { return }
        let key = input.record.keyText
        let orderId: String?
        var customerId: String?
        switch decoded {
        case .orderPaid(let paid): (orderId, customerId) = (paid.orderId, paid.customer.id)
        case .orderCancelled(let cancelled): orderId = cancelled.orderId
        case .preferencesUpdated(let update): (orderId, customerId) = (nil, update.customerId)
        case .orderDelivered(let delivered): orderId = delivered.orderId
        case .shipmentDelayed(let delayed): orderId = delayed.kind == .outbound ? delayed.orderId : nil
        case .reviewSubmitted(let review): (orderId, customerId) = (review.orderId, review.customerId)
        case .returnRequested(let requested): orderId = requested.orderId
        case .returnApproved(let approved): orderId = approved.orderId ?? key
        case .refundRequested(let requested): orderId = requested.orderId
        case .returnRejected(let rejected): orderId = rejected.orderId ?? key
        case .exchangeRequested(let exchange): orderId = exchange.orderId
        case .refundCompleted(let refund): orderId = refund.orderId
        case .storeCreditIssued(let credit): orderId = credit.orderId
        }
        if let orderId, !orderId.isEmpty, let order = try context.load(LoyaltyOrder.self, key: orderId) {
            customerId = customerId ?? order.customerId
        }
        if let customerId, !customerId.isEmpty { _ = try context.load(LoyaltyAccount.self, key: customerId) }
    }

    private func nonEmpty(_ value: String, _ field: String) throws {
        if value.isEmpty { throw EventRejection(field: field, reason: "must not be empty", code: .invalidData) }
    }

    /// The order id of a return-updates event: its `orderId`, else the record key (the contract keys them by order).
    private func orderId(_ value: String?, key: String?) throws -> String {
        guard let id = value ?? key, !id.isEmpty else {
            throw EventRejection(field: "data.orderId", reason: "required field is missing (and the record has no key)", code: .invalidData)
        }
        return id
    }

    private func load(order orderId: String, context: some DomainContext) throws -> LoyaltyOrder {
        try context.load(LoyaltyOrder.self, key: orderId) ?? LoyaltyOrder(orderId: orderId)
    }

    private func load(account customerId: String, context: some DomainContext) throws -> LoyaltyAccount {
        try context.load(LoyaltyAccount.self, key: customerId) ?? LoyaltyAccount(customerId: customerId)
    }

    func orderPaid<C: DomainContext>(_ paid: OrderPaid, context: inout C) throws {
        try nonEmpty(paid.orderId, "data.orderId")
        try nonEmpty(paid.customer.id, "data.customer.id")
        var itemsTotal = 0
        for (index, item) in paid.items.enumerated() {
            guard item.quantity > 0 else {
                throw EventRejection(field: "data.items[\(index)].quantity", reason: "must be at least 1", code: .invalidData)
            }
            guard item.unitPrice.currency == paid.total.currency else {
                throw EventRejection(
                    field: "data.items[\(index)].unitPrice.currency",
                    reason: "'\(item.unitPrice.currency)' differs from the order total's '\(paid.total.currency)'", code: .invalidData)
            }
            let (line, overflow) = item.unitPrice.amount.multipliedReportingOverflow(by: item.quantity)
            let (sum, overflow2) = itemsTotal.addingReportingOverflow(line)
            guard !overflow, !overflow2 else {
                throw EventRejection(field: "data.items[\(index)]", reason: "the items' total is out of range", code: .invalidData)
            }
            itemsTotal = sum
        }
        var order = try load(order: paid.orderId, context: context)
        if let known = order.customerId, known != paid.customer.id, order.paid {
            throw EventRejection(field: "data.customer.id", reason: "order \(paid.orderId) was already paid by customer \(known)", code: .rejected)
        }
        var account = try load(account: paid.customer.id, context: context)
        account.contact.locale = paid.customer.locale
        account.contact.timeZone = paid.customer.timeZone
        account.contact.email = paid.customer.email ?? account.contact.email
        account.contact.phone = paid.customer.phone ?? account.contact.phone
        account.contact.name = paid.customer.name ?? account.contact.name
        guard !order.paid else {
            // The same order paid again (a new event id): nothing to earn twice.
            try context.save(account, key: account.customerId)
            return
        }
        order.paid = true
        order.customerId = paid.customer.id
        order.itemsTotal = Money(amount: itemsTotal, currency: paid.total.currency)
        order.ruleVersion = policy.ruleVersion
        order.earnedAt = context.now
        var booked: [LedgerEntry] = []
        if !order.cancelled {
            // The tier before this purchase sets its multiplier.
            let tier = account.ledger.tier(at: context.now, policy: policy)
            order.points = policy.purchasePoints(itemsTotal: Money(amount: itemsTotal, currency: paid.total.currency), tier: tier)
            booked += account.ledger.earnPending(booking(order, "purchase:\(order.orderId)", .purchase, context.now), points: order.points)
            // What waited for the purchase: refunds, a delay, a delivery whose window already closed.
            for parked in order.parkedRefunds {
                do {
                    booked += try reverse(parked, order: &order, account: &account, context: &context)
                } catch let rejection as EventRejection {
                    // The refund was invalid for this order (another currency): it, not the payment, is dead-lettered.
                    if let record = parked.record { context.deadLetter(record, because: rejection) }
                }
            }
            order.parkedRefunds = []
            if order.delayAwaitingPayment {
                order.delayAwaitingPayment = false
                booked += try grantServiceRecovery(order: &order, account: &account, context: &context)
            }
            booked += try settle(order: &order, account: &account, context: &context)
        }
        try context.save(order, key: order.orderId)
        try finish(account: &account, booked: booked, context: &context)
    }

    private func booking(_ order: LoyaltyOrder, _ cause: String, _ reason: LoyaltyReason, _ now: Date) -> LoyaltyLedger.Booking {
        .init(cause: cause, reason: reason, orderId: order.orderId, ruleVersion: order.ruleVersion ?? policy.ruleVersion, at: now)
    }

    func orderCancelled<C: DomainContext>(_ cancelled: OrderCancelled, context: inout C) throws {
        try nonEmpty(cancelled.orderId, "data.orderId")
        var order = try load(order: cancelled.orderId, context: context)
        guard !order.cancelled else { return }
        order.cancelled = true
        order.parkedRefunds = []
        order.delayAwaitingPayment = false
        context.cancelTimer(id: "\(TimerKind.confirm):\(order.orderId)")
        // After confirmation a cancellation changes nothing: refunds reverse what was confirmed.
        guard order.paid, !order.confirmed, let customerId = order.customerId else {
            try context.save(order, key: order.orderId)
            return
        }
        var account = try load(account: customerId, context: context)
        let remaining = order.points - order.reversedPoints
        let before = account.ledger.pending(orderId: order.orderId)
        let booked = account.ledger.cancel(
            booking(order, "cancellation:\(order.orderId)", .cancellation, context.now), tierPoints: -remaining, earnedAt: order.earnedAt)
        order.reversedPoints = order.points
        try context.save(order, key: order.orderId)
        if before > 0 {
            try tell(.reversed(.cancellation, orderId: order.orderId, points: before), account: account, context: &context)
        }
        try finish(account: &account, booked: booked, context: &context)
    }

    func preferencesUpdated<C: DomainContext>(_ update: CustomerPreferencesUpdated, context: inout C) throws {
        try nonEmpty(update.customerId, "data.customerId")
        var account = try load(account: update.customerId, context: context)
        if let locale = update.locale { account.contact.locale = locale }
        if let timeZone = update.timeZone { account.contact.timeZone = timeZone }
        try context.save(account, key: account.customerId)
    }

    func orderDelivered<C: DomainContext>(_ delivered: OrderDelivered, context: inout C) throws {
        try nonEmpty(delivered.orderId, "data.orderId")
        var order = try load(order: delivered.orderId, context: context)
        guard order.deliveredAt == nil else { return }
        order.deliveredAt = delivered.deliveredAt
        if !order.cancelled && !order.confirmed {
            context.schedule(
                timerId: "\(TimerKind.confirm):\(order.orderId)", at: policy.returnWindowEnd(deliveredAt: delivered.deliveredAt),
                kind: TimerKind.confirm, payload: Data(order.orderId.utf8))
        }
        try settleAndSave(&order, context: &context)
    }

    func shipmentDelayed<C: DomainContext>(_ delayed: ShipmentStatusChanged, context: inout C) throws {
        try nonEmpty(delayed.orderId, "data.orderId")
        // A late return parcel is the customer's own shipment: no apology owed.
        guard delayed.kind == .outbound else { return }
        var order = try load(order: delayed.orderId, context: context)
        guard !order.serviceRecoveryGranted, !order.cancelled else { return }
        guard order.paid, let customerId = order.customerId else {
            order.delayAwaitingPayment = true
            try context.save(order, key: order.orderId)
            return
        }
        var account = try load(account: customerId, context: context)
        let booked = try grantServiceRecovery(order: &order, account: &account, context: &context)
        try context.save(order, key: order.orderId)
        try finish(account: &account, booked: booked, context: &context)
    }

    private func grantServiceRecovery<C: DomainContext>(order: inout LoyaltyOrder, account: inout LoyaltyAccount, context: inout C) throws -> [LedgerEntry] {
        guard !order.serviceRecoveryGranted else { return [] }
        order.serviceRecoveryGranted = true
        let points = policy.serviceRecoveryPoints
        let booked = account.ledger.grant(
            .init(cause: "service_recovery:\(order.orderId)", reason: .serviceRecovery, orderId: order.orderId, ruleVersion: policy.ruleVersion, at: context.now),
            points: points, expiresAt: policy.expiry(earnedAt: context.now), tierPoints: points)
        if !booked.isEmpty {
            try tell(.goodwill(.serviceRecovery, orderId: order.orderId, points: points), account: account, context: &context)
        }
        return booked
    }

    func reviewSubmitted<C: DomainContext>(_ review: ReviewSubmitted, context: inout C) throws {
        try nonEmpty(review.orderId, "data.orderId")
        try nonEmpty(review.customerId, "data.customerId")
        guard (1...5).contains(review.rating) else {
            throw EventRejection(field: "data.rating", reason: "\(review.rating) is not between 1 and 5", code: .invalidData)
        }
        var order = try load(order: review.orderId, context: context)
        if let buyer = order.customerId, buyer != review.customerId {
            throw EventRejection(field: "data.customerId", reason: "order \(review.orderId) belongs to another customer", code: .rejected)
        }
        guard !order.reviewBonusGranted, !order.cancelled else { return }
        order.reviewBonusGranted = true
        order.customerId = order.customerId ?? review.customerId
        var account = try load(account: review.customerId, context: context)
        let points = policy.reviewBonusPoints
        let booked = account.ledger.grant(
            .init(cause: "review_bonus:\(order.orderId)", reason: .reviewBonus, orderId: order.orderId, ruleVersion: policy.ruleVersion, at: context.now),
            points: points, expiresAt: policy.expiry(earnedAt: context.now), tierPoints: points)
        if !booked.isEmpty {
            try tell(.goodwill(.reviewBonus, orderId: order.orderId, points: points), account: account, context: &context)
        }
        try context.save(order, key: order.orderId)
        try finish(account: &account, booked: booked, context: &context)
    }

    /// Records a change to one return, then confirms the order's points if that closed its last open return after the window.
    private func updateReturn<C: DomainContext>(
        orderId: String, returnId: String, context: inout C, _ change: (inout LoyaltyOrder.ReturnProgress) -> Void
    ) throws {
        try nonEmpty(orderId, "data.orderId")
        try nonEmpty(returnId, "data.returnId")
        var order = try load(order: orderId, context: context)
        var progress = order.returns[returnId] ?? .init()
        change(&progress)
        guard order.returns[returnId] != progress else { return }
        order.returns[returnId] = progress
        try settleAndSave(&order, context: &context)
    }

    /// A refund (`refund.completed`) or store credit (`storecredit.issued`): settles its return,
    /// reverses points in proportion, then confirms what is left if the window is over.
    private func refunded<C: DomainContext>(orderId: String, returnId: String?, parked: LoyaltyOrder.ParkedRefund, context: inout C) throws {
        try nonEmpty(orderId, "data.orderId")
        var order = try load(order: orderId, context: context)
        if let returnId, !returnId.isEmpty { order.returns[returnId, default: .init()].settled = true }
        guard !order.reversals.contains(parked.id), !order.parkedRefunds.contains(where: { $0.id == parked.id }) else { return }
        guard order.paid, let customerId = order.customerId else {
            if !order.cancelled { order.parkedRefunds.append(parked) }
            try context.save(order, key: order.orderId)
            return
        }
        var account = try load(account: customerId, context: context)
        var booked = try reverse(parked, order: &order, account: &account, context: &context)
        booked += try settle(order: &order, account: &account, context: &context)
        try context.save(order, key: order.orderId)
        try finish(account: &account, booked: booked, context: &context)
    }

    /// Reverses the points of the refunded share of the items, cumulatively (so two half refunds
    /// take exactly what one full refund would) and at the rule version that earned them.
    private func reverse<C: DomainContext>(
        _ refund: LoyaltyOrder.ParkedRefund, order: inout LoyaltyOrder, account: inout LoyaltyAccount, context: inout C
    ) throws -> [LedgerEntry] {
        guard !order.reversals.contains(refund.id), let total = order.itemsTotal else { return [] }
        guard refund.amount.currency == total.currency else {
            throw EventRejection(
                field: "data.amount.currency", reason: "'\(refund.amount.currency)' differs from order \(order.orderId)'s '\(total.currency)'",
                code: .rejected)
        }
        order.reversals.append(refund.id)
        order.refunded = min(total.amount, order.refunded + refund.amount.amount)
        let target: Int
        if total.amount == 0 {
            target = order.points
        } else {
            // points × refunded / total without overflow, rounded down (the customer keeps the fraction).
            let product = order.points.multipliedFullWidth(by: order.refunded)
            target = total.amount.dividingFullWidth((product.high, product.low)).quotient
        }
        let points = max(0, min(order.points, target) - order.reversedPoints)
        guard points > 0 else { return [] }
        order.reversedPoints += points
        let cause = "refund_reversal:\(order.orderId):\(refund.id)"
        let booked = account.ledger.reverse(booking(order, cause, .refundReversal, context.now), points: points, earnedAt: order.earnedAt)
        let id = String(refund.id.drop { $0 != ":" }.dropFirst())
        try tell(.reversed(refund.storeCredit ? .storeCredit(id) : .refund(id), orderId: order.orderId, points: points), account: account, context: &context)
        return booked
    }

    private func settleAndSave<C: DomainContext>(_ order: inout LoyaltyOrder, context: inout C) throws {
        guard let customerId = order.customerId, order.paid, !order.confirmed, !order.cancelled else {
            try context.save(order, key: order.orderId)
            return
        }
        var account = try load(account: customerId, context: context)
        let booked = try settle(order: &order, account: &account, context: &context)
        try context.save(order, key: order.orderId)
        if !booked.isEmpty || order.confirmed { try finish(account: &account, booked: booked, context: &context) }
    }

    /// Confirms the order's pending points when its return window is over and no return is open.
    private func settle<C: DomainContext>(order: inout LoyaltyOrder, account: inout LoyaltyAccount, context: inout C) throws -> [LedgerEntry] {
        guard order.paid, !order.cancelled, !order.confirmed, let deliveredAt = order.deliveredAt,
              context.now >= policy.returnWindowEnd(deliveredAt: deliveredAt), !order.hasOpenReturn
        else { return [] }
        order.confirmed = true
        context.cancelTimer(id: "\(TimerKind.confirm):\(order.orderId)")
        let expiresAt = policy.expiry(earnedAt: order.earnedAt ?? context.now)
        let (booked, points) = account.ledger.confirm(booking(order, "confirmed:\(order.orderId)", .confirmed, context.now), expiresAt: expiresAt)
        if points > 0 {
            try tell(.pointsEarned(orderId: order.orderId, points: points, expiresAt: expiresAt), account: account, context: &context)
        }
        return booked
    }

    // MARK: - Timers

    /// Reacts to a confirmation, expiry notice, expiry or tier timer.
    public func fire<C: DomainContext>(_ timer: DurableTimer, context: inout C) throws {
        switch timer.kind {
        case TimerKind.confirm:
            let orderId = String(decoding: timer.payload, as: UTF8.self)
            guard var order = try context.load(LoyaltyOrder.self, key: orderId) else { return }
            try settleAndSave(&order, context: &context)
        case TimerKind.expiring:
            let lot = try Self.decoder.decode(LotTimer.self, from: timer.payload)
            guard let account = try context.load(LoyaltyAccount.self, key: lot.customerId),
                  let remaining = account.ledger.lots.first(where: { $0.id == lot.lotId })
            else { return }
            try tell(.expiring(lotId: lot.lotId, points: remaining.remaining, expiresAt: remaining.expiresAt), account: account, context: &context)
        case TimerKind.expire:
            let lot = try Self.decoder.decode(LotTimer.self, from: timer.payload)
            guard var account = try context.load(LoyaltyAccount.self, key: lot.customerId) else { return }
            let booked = account.ledger.expire(lotId: lot.lotId, at: context.now)
            guard !booked.isEmpty else { return }
            try finish(account: &account, booked: booked, context: &context)
        case TimerKind.tier:
            let customerId = String(decoding: timer.payload, as: UTF8.self)
            guard var account = try context.load(LoyaltyAccount.self, key: customerId) else { return }
            try finish(account: &account, booked: [], context: &context, tierTimerFired: true)
        default:
            return
        }
    }

    // MARK: - Outputs

    private func tell<C: DomainContext>(_ message: LoyaltyMessages.Message, account: LoyaltyAccount, context: inout C) throws {
        let notification = try composer.prepare(LoyaltyMessages.draft(message, account: account, now: context.now))
        context.emit(OutgoingEvent(
            topic: .notifications, key: account.customerId, id: notification.notificationId, type: EventType.notificationRequested,
            source: source, subject: notification.orderId ?? account.customerId, time: context.now, data: notification))
    }

    /// Announces `booked` (one `loyalty.points_changed` each, with the balances after it), schedules
    /// the new lots' expiry, announces a tier change, keeps the tier timer and saves the account.
    private func finish<C: DomainContext>(
        account: inout LoyaltyAccount, booked: [LedgerEntry], context: inout C, tierTimerFired: Bool = false
    ) throws {
        let customerId = account.customerId
        let tier = account.ledger.tier(at: context.now, policy: policy)
        var balance = account.ledger.balance
        for entry in booked.reversed() {
            switch entry.state {
            case .pending: balance.pending -= entry.delta
            case .available: balance.available -= entry.delta
            case .debt: balance.debt += entry.delta
            }
        }
        for entry in booked {
            switch entry.state {
            case .pending: balance.pending += entry.delta
            case .available: balance.available += entry.delta
            case .debt: balance.debt -= entry.delta
            }
            context.emit(OutgoingEvent(
                topic: .loyaltyUpdates, key: customerId, id: entry.entryId, type: EventType.loyaltyPointsChanged, source: source,
                subject: customerId, time: context.now,
                data: LoyaltyPointsChanged(
                    entryId: entry.entryId, customerId: customerId, orderId: entry.orderId, delta: entry.delta, reason: entry.reason,
                    pendingBalance: balance.pending, availableBalance: balance.available, tier: tier)))
            if entry.state == .available, entry.delta > 0, let expiresAt = entry.expiresAt {
                let payload = try Self.encoder.encode(LotTimer(customerId: customerId, lotId: entry.entryId))
                context.schedule(timerId: "\(TimerKind.expire):\(customerId):\(entry.entryId)", at: expiresAt, kind: TimerKind.expire, payload: payload)
                let notice = policy.expiringNotice(expiresAt: expiresAt)
                if notice < expiresAt {
                    context.schedule(
                        timerId: "\(TimerKind.expiring):\(customerId):\(entry.entryId)", at: notice, kind: TimerKind.expiring, payload: payload)
                }
            }
        }
        let tierChanged = tier != account.announcedTier
        if tierChanged {
            let previous = account.announcedTier
            let points = account.ledger.tierPoints(at: context.now, policy: policy)
            account.tierChanges += 1
            account.announcedTier = tier
            context.emit(OutgoingEvent(
                topic: .loyaltyUpdates, key: customerId, id: "loyalty.tier_changed:\(customerId):\(account.tierChanges)",
                type: EventType.loyaltyTierChanged, source: source, subject: customerId, time: context.now,
                data: LoyaltyTierChanged(customerId: customerId, previousTier: previous, tier: tier, pointsLast12Months: points)))
            try tell(
                .tierChanged(from: previous, to: tier, tierPoints: points, multiplier: policy.tiers.rule(tier).multiplier,
                              windowMonths: policy.tierWindowMonths, sequence: account.tierChanges),
                account: account, context: &context)
        }
        if tierChanged || tierTimerFired || booked.contains(where: { $0.tierPoints != 0 }) {
            // Above bronze the tier can fall by time alone: wake up when the next earning leaves the window.
            let timerId = "\(TimerKind.tier):\(customerId)"
            if tier > .bronze, let next = account.ledger.nextTierWindowExit(after: context.now, policy: policy) {
                context.schedule(timerId: timerId, at: next, kind: TimerKind.tier, payload: Data(customerId.utf8))
            } else {
                context.cancelTimer(id: timerId)
            }
        }
        try context.save(account, key: customerId)
    }
}
