import Foundation
import PostPurchaseCore

/// The demo store's upstream services — checkout, fulfilment, carriers, returns portal, warehouse
/// and payment service — as one deterministic simulation in simulated time.
///
/// ``plan(orders:)`` generates the customers' behaviour up front; ``react(to:)`` answers what the
/// workers publish the way the real services would (a label for a `return.label_requested`, an
/// inspection for a `return.received`, a payment for a `refund.requested`), so the journeys close.
public struct StoreSimulator {
    /// What the scenario decided for one order (for the journeys and the summary).
    public struct OrderPlan: Sendable {
        public var orderId: String
        public var customerId: String
        public var customer: DemoCatalog.Customer
        public var paid: OrderPaid
        public var story: [String]
    }

    public private(set) var orders: [String: OrderPlan] = [:]
    public private(set) var orderIds: [String] = []
    private var queue: [PlannedEvent] = []
    private var rng: SeededGenerator
    private let start: Date
    private var returnItems: [String: [ReturnRequested.Item]] = [:]
    private var inspections: [String: [ItemCondition]] = [:]
    private var reacted: Set<String> = []
    private var sequence = 0

    /// A store whose simulated day one starts at `start`.
    public init(start: Date, seed: UInt64) {
        self.start = start
        rng = SeededGenerator(seed: seed)
    }

    /// Events not yet published.
    public var pendingCount: Int { queue.count }
    /// The time of the last planned event.
    public var lastPlannedTime: Date? { queue.map(\.at).max() }

    /// Removes and returns every event due by `time`, in time order.
    public mutating func due(by time: Date) -> [PlannedEvent] {
        guard let first = queue.first, first.at <= time else { return [] }
        let split = queue.firstIndex { $0.at > time } ?? queue.count
        let due = Array(queue[..<split])
        queue.removeFirst(split)
        return due
    }

    private mutating func add(_ event: PlannedEvent) {
        let index = queue.firstIndex { $0.at > event.at } ?? queue.count
        queue.insert(event, at: index)
    }

    private mutating func nextId(_ prefix: String) -> String {
        sequence += 1
        return "\(prefix)-\(sequence)"
    }

    // MARK: - Plan

    /// Plans `count` random journeys over the first simulated day and a half, and a few malformed records.
    public mutating func plan(orders count: Int) throws {
        var customerIds: [Int: String] = [:]
        for index in 0..<count {
            let customerIndex = Int.random(in: 0..<DemoCatalog.customers.count * 3, using: &rng)
            let customerId = customerIds[customerIndex] ?? String(format: "CUS-%03d", customerIndex + 1)
            customerIds[customerIndex] = customerId
            let journey = randomJourney(
                number: index + 1, customer: DemoCatalog.customers[customerIndex % DemoCatalog.customers.count],
                customerId: customerId, consent: customerIndex % 4 != 3, paidAtHour: 1 + Double(index) * 36 / Double(max(count, 1)))
            try plan(journey)
        }
        try planPoison()
    }

    private mutating func randomJourney(number: Int, customer: DemoCatalog.Customer, customerId: String, consent: Bool, paidAtHour: Double) -> Journey {
        var products = Array(DemoCatalog.products.shuffled(using: &rng).prefix(Int.random(in: 1...3, using: &rng)))
        if rng.chance(0.25), !products.contains(where: { $0.category == "coffee" }) { products[0] = DemoCatalog.products[5] }
        let items = products.map { ($0, $0.category == "coffee" && rng.chance(0.4) ? 2 : 1) }
        func travel() -> Journey.Parcel {
            let roll = Double.random(in: 0..<1, using: &rng)
            return roll < 0.08 ? .late : roll < 0.14 ? .exception : roll < 0.20 ? .attemptFailed : roll < 0.25 ? .pickup : .onTime
        }
        // Split parcels: the first item ships alone when there are several.
        let parcels: [(items: [Int], travel: Journey.Parcel)] = items.count > 1 && rng.chance(0.4)
            ? [([0], travel()), (Array(1..<items.count), travel())]
            : [(Array(0..<items.count), travel())]
        var journey = Journey(
            orderNumber: number, customer: customer, customerId: customerId, marketingConsent: consent, items: items, parcels: parcels,
            paidAtHour: paidAtHour + Double.random(in: 0..<0.5, using: &rng))
        if rng.chance(0.04) {
            journey.cancelledBeforeShipping = true
            journey.parcels = []
            return journey
        }
        if rng.chance(0.35) { journey.reviewAfterDays = Double.random(in: 4.5...6, using: &rng) }
        if rng.chance(0.2) {
            let reasons: [ReturnReason] = [.damaged, .wrongItem, .notAsDescribed, .changedMind, .doesntFit, .other]
            let chosen = Array(0..<items.count).shuffled(using: &rng).prefix(Int.random(in: 1...items.count, using: &rng))
            let roll = Double.random(in: 0..<1, using: &rng)
            journey.returnRequest = Journey.Return(
                items: chosen.map { ($0, reasons.randomElement(using: &rng)!) },
                resolution: roll < 0.65 ? .refund : roll < 0.85 ? .storeCredit : .exchange,
                afterDays: rng.chance(0.1) ? 33 : Double.random(in: 2...9, using: &rng),
                conditions: chosen.map { _ in
                    let condition = Double.random(in: 0..<1, using: &rng)
                    return condition < 0.85 ? .resellable : condition < 0.95 ? .damaged : .missing
                })
        }
        if rng.chance(0.05) { journey.consentChangeAfterDays = 2 }
        return journey
    }

    /// `amount` (minor units of a 1:1 currency) in `currency`, priced to end in .99.
    private func money(_ amount: Int, _ currency: String) -> Money {
        // A rough exchange so prices read naturally in each currency.
        let factor: Double = switch currency {
        case "SAR", "AED": 3.75
        case "EGP": 48
        case "GBP": 0.8
        case "EUR": 0.92
        case "AUD": 1.5
        default: 1
        }
        return Money(amount: Int((Double(amount) * factor / 100).rounded()) * 100 - 1, currency: currency)
    }

    /// Plans one journey: the payment, the parcels' dispatch and scans, the review, the return.
    public mutating func plan(_ journey: Journey) throws {
        let orderId = journey.orderId
        let customer = journey.customer
        let paidAt = start.addingTimeInterval(journey.paidAtHour * 3600)
        let items = journey.items.map { product, quantity in
            OrderPaid.Item(
                sku: product.sku, name: product.name, category: product.category, quantity: quantity,
                unitPrice: money(product.price, customer.currency), tags: product.tags, replenishAfterDays: product.replenishAfterDays)
        }
        let shipping = money(1_500, customer.currency)
        let total = Money(amount: items.reduce(0) { $0 + $1.unitPrice.amount * $1.quantity } + shipping.amount, currency: customer.currency)
        let paid = OrderPaid(
            orderId: orderId,
            customer: .init(id: journey.customerId, email: customer.email, phone: customer.phone, name: customer.name, locale: customer.locale,
                            timeZone: customer.timeZone, marketingConsent: journey.marketingConsent),
            items: items, shipping: shipping, total: total, paidAt: paidAt)
        var plan = OrderPlan(orderId: orderId, customerId: journey.customerId, customer: customer, paid: paid, story: [])
        try add(.cloudEvent(orderEvent(EventType.orderPaid, key: orderId, at: paidAt, paid), orderId: orderId,
                            label: "paid \(format(total)) for \(items.count) item(s)"))
        if journey.cancelledBeforeShipping {
            plan.story.append("cancelled before shipping")
            // Before the first dispatch (10 h at the earliest), late enough that a worker has sent the
            // order's immediate messages whatever its lag.
            try add(.cloudEvent(orderEvent(EventType.orderCancelled, key: orderId, at: paidAt.addingTimeInterval(8 * 3600),
                                           OrderCancelled(orderId: orderId, reason: "customer-request")),
                                orderId: orderId, label: "order cancelled by the customer"))
        }
        if journey.parcels.count > 1 { plan.story.append("split into \(journey.parcels.count) parcels") }
        var lastDelivery = paidAt
        for (index, parcel) in journey.parcels.enumerated() {
            if parcel.travel != .onTime { plan.story.append("parcel \(index + 1) \(parcel.travel.rawValue)") }
            let delivered = try planParcel(
                index: index, parcel: parcel.items.map { items[$0] }, travel: parcel.travel, orderId: orderId, paidAt: paidAt)
            lastDelivery = max(lastDelivery, delivered)
        }
        if let days = journey.reviewAfterDays, !journey.parcels.isEmpty {
            let sku = items[0].sku
            let review = ReviewSubmitted(orderId: orderId, customerId: journey.customerId, sku: sku, rating: 3 + journey.orderNumber % 3)
            plan.story.append("reviewed \(sku)")
            try add(.cloudEvent(orderEvent(EventType.reviewSubmitted, key: orderId, at: lastDelivery.addingTimeInterval(days * 86_400), review),
                                orderId: orderId, label: "review of \(sku): \(review.rating)★"))
        }
        if let request = journey.returnRequest, !journey.parcels.isEmpty {
            try planReturn(orderId: orderId, items: items, request: request, after: lastDelivery, plan: &plan)
        }
        if let days = journey.consentChangeAfterDays {
            let update = CustomerPreferencesUpdated(customerId: journey.customerId, marketingConsent: !journey.marketingConsent)
            plan.story.append(journey.marketingConsent ? "withdrew marketing consent" : "gave marketing consent")
            try add(.cloudEvent(orderEvent(EventType.customerPreferencesUpdated, key: journey.customerId, at: paidAt.addingTimeInterval(days * 86_400), update),
                                orderId: orderId, label: "preferences: marketing consent \(journey.marketingConsent ? "withdrawn" : "given")"))
        }
        orders[plan.orderId] = plan
        orderIds.append(plan.orderId)
    }

    /// Plans one parcel's dispatch and carrier scans; returns when it is delivered.
    private mutating func planParcel(index: Int, parcel: [OrderPaid.Item], travel: Journey.Parcel, orderId: String, paidAt: Date) throws -> Date {
        let number = Int(orderId.filter(\.isNumber)) ?? 0
        let carrier = DemoCatalog.carriers[(number + index) % DemoCatalog.carriers.count]
        let trackingNumber = "\(carrier.name.uppercased())\(orderId.filter(\.isNumber))\(index + 1)\(1000 + (number * 7919 + index * 104_729) % 9000)"
        let shipmentId = "SHP-\(orderId.dropFirst(4))-\(index + 1)"
        let dispatchedAt = paidAt.addingTimeInterval(Double(10 + index * 24 + number % 6) * 3600)
        var promisedBy = dispatchedAt.addingTimeInterval(5 * 86_400)
        var steps: [(ShipmentStatus, TimeInterval)] = [(.labelCreated, 0.2), (.inTransit, 5)]
        switch travel {
        case .late:
            promisedBy = dispatchedAt.addingTimeInterval(2 * 86_400)
            steps += [(.inTransit, 40), (.outForDelivery, 80), (.delivered, 84)]
        case .exception:
            steps += [(.exception, 30), (.inTransit, 44), (.outForDelivery, 70), (.delivered, 74)]
        case .attemptFailed:
            steps += [(.outForDelivery, 46), (.attemptFailed, 50), (.outForDelivery, 70), (.delivered, 73)]
        case .pickup:
            steps += [(.availableForPickup, 50), (.delivered, 76)]
        case .onTime:
            steps += [(.outForDelivery, 46), (.delivered, 48 + Double(number % 5))]
        }
        let dispatched = ShipmentDispatched(
            orderId: orderId, shipmentId: shipmentId, carrier: carrier.name, trackingNumber: trackingNumber,
            items: parcel.map { ItemQuantity(sku: $0.sku, quantity: $0.quantity) }, promisedBy: promisedBy)
        // Every tenth parcel's first scan races ahead of its dispatch event (the tracking worker parks it).
        let dispatchDelay: TimeInterval = number % 10 == 3 ? 0.5 * 3600 : 0
        try add(.cloudEvent(orderEvent(EventType.shipmentDispatched, key: orderId, at: dispatchedAt.addingTimeInterval(dispatchDelay), dispatched),
                            orderId: orderId, label: "parcel \(index + 1) dispatched with \(carrier.name.uppercased()) \(trackingNumber)"))
        var deliveredAt = dispatchedAt
        for (sequence, (status, hours)) in steps.enumerated() {
            let at = dispatchedAt.addingTimeInterval(hours * 3600)
            try add(CarrierWebhook.event(
                feed: carrier.format, carrier: carrier.name, trackingNumber: trackingNumber, status: status, at: at,
                estimatedDelivery: status == .delivered ? nil : promisedBy, city: "Hub \(index + 1)", sequence: sequence, orderId: orderId))
            if status == .delivered { deliveredAt = at }
        }
        return deliveredAt
    }

    private mutating func planReturn(orderId: String, items: [OrderPaid.Item], request: Journey.Return, after delivered: Date, plan: inout OrderPlan) throws {
        let returnId = "RET-\(orderId.dropFirst(4))"
        let returned = request.items.map { ReturnRequested.Item(sku: items[$0.index].sku, quantity: items[$0.index].quantity, reason: $0.reason) }
        let event = ReturnRequested(
            orderId: orderId, returnId: returnId, items: returned, resolution: request.resolution,
            exchangeSku: request.resolution == .exchange ? "\(returned[0].sku)-ALT" : nil)
        returnItems[returnId] = returned
        inspections[returnId] = request.conditions
        let late = request.afterDays > 30
        plan.story.append("\(late ? "late " : "")return of \(returned.count) item(s) for \(request.resolution.rawValue)")
        try add(.cloudEvent(orderEvent(EventType.returnRequested, key: orderId, at: delivered.addingTimeInterval(request.afterDays * 86_400), event),
                            orderId: orderId,
                            label: "return requested (\(returned.map { "\($0.sku) \($0.reason.rawValue)" }.joined(separator: ", ")); \(request.resolution.rawValue))"))
    }

    /// Malformed records on both input topics: each must reach `dead-letters` with a reason.
    public mutating func planPoison() throws {
        let at = start.addingTimeInterval(6 * 3600)
        add(PlannedEvent(at: at, topic: .orders, key: "poison-1", value: Data("{not json".utf8), headers: [], orderId: nil, label: "poison: not JSON"))
        add(PlannedEvent(at: at, topic: .carrierEvents, key: "poison-2", value: Data(#"{"hello":"world"}"#.utf8), headers: [], orderId: nil,
                         label: "poison: unknown carrier format"))
        struct Incomplete: Encodable, Sendable { var orderId = "ORD-BROKEN" }
        try add(.cloudEvent(orderEvent(EventType.orderPaid, key: "ORD-BROKEN", at: at, Incomplete()), orderId: nil,
                            label: "poison: order.paid without customer"))
    }

    private mutating func orderEvent(_ type: String, key: String, at time: Date, _ data: any Encodable & Sendable) -> OutgoingEvent {
        OutgoingEvent(topic: .orders, key: key, id: nextId("demo"), type: type, source: "demo/store", time: time, data: data)
    }

    // MARK: - Reactions

    /// Answers a worker's output as the store's services would; returns a description of what
    /// was planned, or nil when the output needs no answer.
    @discardableResult
    public mutating func react(to output: ObservedOutput) throws -> String? {
        guard reacted.insert(output.id).inserted else { return nil }
        let orderId = output.data["orderId"]?.stringValue ?? ""
        let returnId = output.data["returnId"]?.stringValue ?? ""
        switch output.type {
        case EventType.returnLabelRequested:
            // The label service creates the label; the customer drops the parcel off; the carrier scans it.
            let trackingNumber = "1ZRT\(returnId.filter(\.isNumber))"
            let label = ReturnLabelCreated(
                orderId: orderId, returnId: returnId, carrier: "ups", trackingNumber: trackingNumber,
                labelUrl: "https://labels.example.com/\(returnId).pdf")
            let created = output.time.addingTimeInterval(2 * 3600)
            try add(.cloudEvent(orderEvent(EventType.returnLabelCreated, key: orderId, at: created, label), orderId: orderId,
                                label: "return label created (UPS \(trackingNumber))"))
            for (number, (status, hours)) in [(ShipmentStatus.inTransit, 26.0), (.delivered, 74.0)].enumerated() {
                try add(CarrierWebhook.event(
                    feed: .tracking, carrier: "ups", trackingNumber: trackingNumber, status: status,
                    at: created.addingTimeInterval(hours * 3600), estimatedDelivery: nil, city: "Returns centre", sequence: number, orderId: orderId))
            }
            return "label for \(returnId)"
        case EventType.returnReceived:
            guard let items = returnItems[returnId] else { return nil }
            let conditions = inspections[returnId] ?? []
            let inspected = ReturnInspected(orderId: orderId, returnId: returnId, items: items.enumerated().map { index, item in
                ReturnInspected.Item(sku: item.sku, quantity: item.quantity, condition: index < conditions.count ? conditions[index] : .resellable)
            })
            try add(.cloudEvent(orderEvent(EventType.returnInspected, key: orderId, at: output.time.addingTimeInterval(20 * 3600), inspected),
                                orderId: orderId, label: "warehouse inspected: \(inspected.items.map { "\($0.sku) \($0.condition.rawValue)" }.joined(separator: ", "))"))
            return "inspection of \(returnId)"
        case EventType.refundRequested:
            guard let refundId = output.data["refundId"]?.stringValue, let amount = output.data["amount"].flatMap(Money.init(json:)) else { return nil }
            let completed = RefundCompleted(orderId: orderId, refundId: refundId, returnId: returnId.isEmpty ? nil : returnId, amount: amount)
            try add(.cloudEvent(orderEvent(EventType.refundCompleted, key: orderId, at: output.time.addingTimeInterval(3 * 3600), completed),
                                orderId: orderId, label: "payment service refunded \(format(amount))"))
            return "payment of \(refundId)"
        default:
            return nil
        }
    }
}

/// "GBP 59.99": minor units shown with two decimals (every demo currency has two).
func format(_ money: Money) -> String {
    let sign = money.amount < 0 ? "-" : ""
    let value = abs(money.amount)
    return "\(money.currency) \(sign)\(value / 100).\(String(format: "%02d", value % 100))"
}

extension JSONValue {
    /// The string, when this is one.
    var stringValue: String? {
        if case .string(let text) = self { return text }
        return nil
    }

    /// The number as an integer, when this is a whole number.
    var intValue: Int? {
        if case .number(let number) = self, number.rounded() == number { return Int(number) }
        return nil
    }
}

extension Money {
    /// A `{"amount", "currency"}` object.
    init?(json: JSONValue) {
        guard case .object(let fields) = json, let amount = fields["amount"]?.intValue, let currency = fields["currency"]?.stringValue else {
            return nil
        }
        self.init(amount: amount, currency: currency)
    }
}
