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

    /// Plans `count` orders over the first simulated day and a half, and what follows them.
    public mutating func plan(orders count: Int) throws {
        var customerIds: [Int: String] = [:]
        for index in 0..<count {
            let customerIndex = Int.random(in: 0..<DemoCatalog.customers.count * 3, using: &rng)
            let customer = DemoCatalog.customers[customerIndex % DemoCatalog.customers.count]
            let customerId = customerIds[customerIndex] ?? String(format: "CUS-%03d", customerIndex + 1)
            customerIds[customerIndex] = customerId
            try planOrder(number: index + 1, customer: customer, customerId: customerId, consent: customerIndex % 4 != 3)
        }
        try planPoison()
    }

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

    private mutating func planOrder(number: Int, customer: DemoCatalog.Customer, customerId: String, consent: Bool) throws {
        let orderId = String(format: "ORD-%05d", number)
        let paidAt = start.addingTimeInterval(3600 + Double(number) * 36 * 3600 / 220 + Double.random(in: 0..<1800, using: &rng))
        var products = DemoCatalog.products.shuffled(using: &rng).prefix(Int.random(in: 1...3, using: &rng))
        if rng.chance(0.25), !products.contains(where: { $0.category == "coffee" }) { products[products.startIndex] = DemoCatalog.products[5] }
        let items = products.map { product in
            OrderPaid.Item(
                sku: product.sku, name: product.name, category: product.category,
                quantity: product.category == "coffee" && rng.chance(0.4) ? 2 : 1, unitPrice: money(product.price, customer.currency),
                tags: product.tags, replenishAfterDays: product.replenishAfterDays)
        }
        let shipping = money(1_500, customer.currency)
        let total = Money(amount: items.reduce(0) { $0 + $1.unitPrice.amount * $1.quantity } + shipping.amount, currency: customer.currency)
        let paid = OrderPaid(
            orderId: orderId,
            customer: .init(id: customerId, email: customer.email, phone: customer.phone, name: customer.name, locale: customer.locale,
                            timeZone: customer.timeZone, marketingConsent: consent),
            items: items, shipping: shipping, total: total, paidAt: paidAt)
        var plan = OrderPlan(orderId: orderId, customerId: customerId, customer: customer, paid: paid, story: [])
        try add(.cloudEvent(orderEvent(EventType.orderPaid, key: orderId, at: paidAt, paid), orderId: orderId,
                            label: "paid \(format(total)) for \(items.count) item(s)"))

        if rng.chance(0.04) {
            plan.story.append("cancelled before shipping")
            let at = paidAt.addingTimeInterval(3 * 3600)
            try add(.cloudEvent(orderEvent(EventType.orderCancelled, key: orderId, at: at, OrderCancelled(orderId: orderId, reason: "customer-request")),
                                orderId: orderId, label: "order cancelled by the customer"))
            finish(plan)
            return
        }
        // Split parcels: the first item ships alone when there are several.
        let parcels: [[OrderPaid.Item]] = items.count > 1 && rng.chance(0.4) ? [[items[0]], Array(items.dropFirst())] : [items]
        if parcels.count > 1 { plan.story.append("split into \(parcels.count) parcels") }
        var lastDelivery = paidAt
        for (index, parcel) in parcels.enumerated() {
            let delivered = try planParcel(index: index, parcel: parcel, orderId: orderId, paidAt: paidAt, plan: &plan)
            lastDelivery = max(lastDelivery, delivered)
        }
        if rng.chance(0.35) {
            let sku = items[0].sku
            let at = lastDelivery.addingTimeInterval(Double.random(in: 4.5...6, using: &rng) * 86_400)
            let review = ReviewSubmitted(orderId: orderId, customerId: customerId, sku: sku, rating: Int.random(in: 3...5, using: &rng))
            plan.story.append("reviewed \(sku)")
            try add(.cloudEvent(orderEvent(EventType.reviewSubmitted, key: orderId, at: at, review), orderId: orderId,
                                label: "review of \(sku): \(review.rating)★"))
        }
        if rng.chance(0.2) {
            try planReturn(orderId: orderId, items: items, after: lastDelivery, late: rng.chance(0.1), plan: &plan)
        }
        if rng.chance(0.05) {
            let at = paidAt.addingTimeInterval(2 * 86_400)
            let update = CustomerPreferencesUpdated(customerId: customerId, marketingConsent: !consent)
            plan.story.append(consent ? "withdrew marketing consent" : "gave marketing consent")
            try add(.cloudEvent(orderEvent(EventType.customerPreferencesUpdated, key: customerId, at: at, update), orderId: orderId,
                                label: "preferences: marketing consent \(!consent ? "given" : "withdrawn")"))
        }
        finish(plan)
    }

    private mutating func finish(_ plan: OrderPlan) {
        orders[plan.orderId] = plan
        orderIds.append(plan.orderId)
    }

    /// Plans one parcel's dispatch and carrier scans; returns when it is delivered.
    private mutating func planParcel(index: Int, parcel: [OrderPaid.Item], orderId: String, paidAt: Date, plan: inout OrderPlan) throws -> Date {
        let carrier = DemoCatalog.carriers[Int.random(in: 0..<DemoCatalog.carriers.count, using: &rng)]
        let trackingNumber = "\(carrier.name.uppercased())\(orderId.filter(\.isNumber))\(index + 1)\(Int.random(in: 1000...9999, using: &rng))"
        let shipmentId = "SHP-\(orderId.dropFirst(4))-\(index + 1)"
        let dispatchedAt = paidAt.addingTimeInterval(Double(10 + index * 24) * 3600 + Double.random(in: 0..<6, using: &rng) * 3600)
        let roll = Double.random(in: 0..<1, using: &rng)
        var promisedBy = dispatchedAt.addingTimeInterval(4 * 86_400)
        var steps: [(ShipmentStatus, TimeInterval)] = [(.labelCreated, 0.2), (.inTransit, 5)]
        let story: String
        switch roll {
        case ..<0.08:
            story = "parcel \(index + 1) late: promise missed"
            promisedBy = dispatchedAt.addingTimeInterval(2 * 86_400)
            steps += [(.inTransit, 40), (.outForDelivery, 80), (.delivered, 84)]
        case ..<0.14:
            story = "parcel \(index + 1) hit a carrier exception"
            steps += [(.exception, 30), (.inTransit, 44), (.outForDelivery, 70), (.delivered, 74)]
        case ..<0.20:
            story = "parcel \(index + 1): first delivery attempt failed"
            steps += [(.outForDelivery, 46), (.attemptFailed, 50), (.outForDelivery, 70), (.delivered, 73)]
        case ..<0.25:
            story = "parcel \(index + 1) collected from a pickup point"
            steps += [(.availableForPickup, 50), (.delivered, 76)]
        default:
            story = ""
            steps += [(.outForDelivery, 46), (.delivered, 46 + Double.random(in: 2...7, using: &rng))]
        }
        if !story.isEmpty { plan.story.append(story) }
        let dispatched = ShipmentDispatched(
            orderId: orderId, shipmentId: shipmentId, carrier: carrier.name, trackingNumber: trackingNumber,
            items: parcel.map { ItemQuantity(sku: $0.sku, quantity: $0.quantity) }, promisedBy: promisedBy)
        // The first scan sometimes races ahead of the dispatch event (the tracking worker parks it).
        let dispatchDelay: TimeInterval = rng.chance(0.1) ? 0.5 * 3600 : 0
        try add(.cloudEvent(orderEvent(EventType.shipmentDispatched, key: orderId, at: dispatchedAt.addingTimeInterval(dispatchDelay), dispatched),
                            orderId: orderId, label: "parcel \(index + 1) dispatched with \(carrier.name.uppercased()) \(trackingNumber)"))
        var deliveredAt = dispatchedAt
        for (number, (status, hours)) in steps.enumerated() {
            let at = dispatchedAt.addingTimeInterval(hours * 3600)
            try add(CarrierWebhook.event(
                feed: carrier.format, carrier: carrier.name, trackingNumber: trackingNumber, status: status, at: at,
                estimatedDelivery: status == .delivered ? nil : promisedBy, city: "Hub \(index + 1)", sequence: number, orderId: orderId))
            if status == .delivered { deliveredAt = at }
        }
        return deliveredAt
    }

    private mutating func planReturn(orderId: String, items: [OrderPaid.Item], after delivered: Date, late: Bool, plan: inout OrderPlan) throws {
        let returnId = "RET-\(orderId.dropFirst(4))"
        let chosen = items.shuffled(using: &rng).prefix(Int.random(in: 1...items.count, using: &rng))
        let reasons: [ReturnReason] = [.damaged, .wrongItem, .notAsDescribed, .changedMind, .doesntFit, .other]
        let returned = chosen.map { ReturnRequested.Item(sku: $0.sku, quantity: $0.quantity, reason: reasons.randomElement(using: &rng)!) }
        let resolutionRoll = Double.random(in: 0..<1, using: &rng)
        let resolution: ReturnResolution = resolutionRoll < 0.65 ? .refund : resolutionRoll < 0.85 ? .storeCredit : .exchange
        let request = ReturnRequested(
            orderId: orderId, returnId: returnId, items: returned, resolution: resolution,
            exchangeSku: resolution == .exchange ? "\(returned[0].sku)-ALT" : nil)
        returnItems[returnId] = returned
        let at = delivered.addingTimeInterval((late ? 36 : Double.random(in: 2...9, using: &rng)) * 86_400)
        plan.story.append("\(late ? "late " : "")return of \(returned.count) item(s) for \(resolution.rawValue)")
        try add(.cloudEvent(orderEvent(EventType.returnRequested, key: orderId, at: at, request), orderId: orderId,
                            label: "return requested (\(returned.map { "\($0.sku) \($0.reason.rawValue)" }.joined(separator: ", ")); \(resolution.rawValue))"))
    }

    /// Malformed records on both input topics: each must reach `dead-letters` with a reason.
    private mutating func planPoison() throws {
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
            let inspected = ReturnInspected(orderId: orderId, returnId: returnId, items: items.map { item in
                let roll = Double.random(in: 0..<1, using: &rng)
                return ReturnInspected.Item(sku: item.sku, quantity: item.quantity, condition: roll < 0.85 ? .resellable : roll < 0.95 ? .damaged : .missing)
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
