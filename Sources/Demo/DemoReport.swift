import Foundation
import PostPurchaseCore

/// What the demo prints at the end: a few customer journeys as readable timelines (each message
/// with its local send time and language) and a summary table of everything the workers did.
public struct DemoReport {
    public var simulator: StoreSimulator
    /// Published input labels by order, with their simulated times.
    public var inputs: [String: [(at: Date, label: String)]]
    public var outputs: [ObservedOutput]
    public var publishedCount: Int

    public init(simulator: StoreSimulator, inputs: [String: [(at: Date, label: String)]], outputs: [ObservedOutput], publishedCount: Int) {
        self.simulator = simulator
        self.inputs = inputs
        self.outputs = outputs
        self.publishedCount = publishedCount
    }

    // MARK: - Journeys

    /// Orders worth showing: an Arabic split order, a missed promise, a refunded return, store
    /// credit, a cancellation; at most `limit`.
    public func interestingOrders(limit: Int) -> [String] {
        let plans = simulator.orderIds.compactMap { simulator.orders[$0] }
        let wishes: [(StoreSimulator.OrderPlan) -> Bool] = [
            { $0.customer.locale.hasPrefix("ar") && $0.story.contains { $0.hasPrefix("split") } },
            { $0.story.contains { $0.contains("promise missed") } },
            { $0.story.contains { $0.contains("for refund") && !$0.hasPrefix("late") } },
            { $0.story.contains { $0.contains("store-credit") } },
            { $0.story.contains { $0.contains("exception") || $0.contains("attempt failed") } },
            { $0.story.contains { $0.hasPrefix("cancelled") } },
        ]
        var chosen: [String] = []
        for wish in wishes where chosen.count < limit {
            if let plan = plans.first(where: { wish($0) && !chosen.contains($0.orderId) }) { chosen.append(plan.orderId) }
        }
        return chosen
    }

    /// One order's timeline: what the store's services published (→) and what the workers
    /// answered (←), in the customer's local time; messages at their `sendAt`.
    public func journey(_ orderId: String) -> String {
        guard let plan = simulator.orders[orderId] else { return "" }
        let zone = TimeZone(identifier: plan.customer.timeZone) ?? .gmt
        let formatter = DateFormatter()
        formatter.locale = Locale(identifier: "en_US_POSIX")
        formatter.timeZone = zone
        formatter.dateFormat = "EEE d MMM HH:mm"
        var lines: [(Date, Int, String)] = (inputs[orderId] ?? []).enumerated().map { ($0.element.at, $0.offset, "→ \($0.element.label)") }
        for (index, output) in outputs.enumerated() where output.data["orderId"]?.stringValue == orderId {
            var time = output.time
            if output.type == EventType.notificationRequested, let sendAt = output.data["sendAt"]?.stringValue.flatMap(RFC3339.parse) {
                time = sendAt
            }
            lines.append((time, 100_000 + index, "← \(describe(output))"))
        }
        let header = "\(orderId) · \(plan.customer.name) · \(plan.customer.locale) · \(plan.customer.timeZone)"
            + (plan.story.isEmpty ? "" : " · " + plan.story.joined(separator: "; "))
        // Outputs are stamped with their cause's time to the millisecond: compare whole seconds so a
        // cause is listed before what it caused.
        func second(_ date: Date) -> Double { date.timeIntervalSince1970.rounded(.down) }
        return ([header] + lines.sorted { (second($0.0), $0.1) < (second($1.0), $1.1) }.map { "  \(formatter.string(from: $0.0))  \($0.2)" })
            .joined(separator: "\n")
    }

    private func describe(_ output: ObservedOutput) -> String {
        let d = output.data
        func text(_ key: String) -> String { d[key]?.stringValue ?? "?" }
        func money(_ key: String) -> String { d[key].flatMap(Money.init(json:)).map(format) ?? "?" }
        switch output.type {
        case EventType.notificationRequested:
            let language = text("locale").prefix(2)
            return "message \(text("template")) [\(language), \(text("category"))]: \(text("subject"))"
        case EventType.shipmentStatusChanged:
            return "\(text("kind")) shipment \(text("shipmentId")): \(text("previousStatus")) → \(text("status"))"
        case EventType.shipmentDelayed:
            return "shipment \(text("shipmentId")) delayed: \(text("reason"))"
        case EventType.shipmentDelivered:
            return "shipment \(text("shipmentId")) delivered"
        case EventType.orderDelivered:
            return "order delivered (every parcel)"
        case EventType.returnApproved:
            return "return approved, refund estimate \(money("refundEstimate"))\(d["labelRequired"] == .bool(true) ? ", label required" : "")"
        case EventType.returnRejected:
            return "return rejected: \(d["items"].map(reasons) ?? "?")"
        case EventType.refundRequested:
            return "refund requested \(money("amount")) (\(text("refundId")))"
        case EventType.storeCreditIssued:
            return "store credit \(money("amount")) incl. bonus \(money("bonus"))"
        case EventType.exchangeRequested:
            return "exchange requested for \(text("exchangeSku"))"
        case EventType.loyaltyPointsChanged:
            let delta = d["delta"]?.intValue ?? 0
            return "points \(delta >= 0 ? "+" : "")\(delta) \(text("reason")) → pending \(d["pendingBalance"]?.intValue ?? 0), available \(d["availableBalance"]?.intValue ?? 0), \(text("tier"))"
        default:
            return output.type
        }
    }

    private func reasons(_ items: JSONValue) -> String {
        guard case .array(let list) = items else { return "?" }
        return list.compactMap { item -> String? in
            guard case .object(let fields) = item else { return nil }
            return "\(fields["sku"]?.stringValue ?? "?") \(fields["reason"]?.stringValue ?? "?")"
        }.joined(separator: ", ")
    }

    // MARK: - Summary

    /// The summary table.
    public func summary() -> String {
        var out: [String] = []
        let plans = simulator.orderIds.compactMap { simulator.orders[$0] }
        let byType = Dictionary(grouping: outputs, by: \.type)
        func count(_ type: String) -> Int { byType[type]?.count ?? 0 }
        out.append("Orders        \(plans.count) paid, \(plans.filter { $0.story.contains { $0.hasPrefix("cancelled") } }.count) cancelled, "
                   + "\(plans.filter { $0.story.contains { $0.hasPrefix("split") } }.count) split; \(publishedCount) input records published")
        let delays = Dictionary(grouping: byType[EventType.shipmentDelayed] ?? [], by: { $0.data["reason"]?.stringValue ?? "?" })
        out.append("Shipments     \(count(EventType.shipmentDelivered)) delivered, \(count(EventType.orderDelivered)) orders complete, "
                   + "\(count(EventType.shipmentStatusChanged)) status changes; delays: "
                   + (delays.isEmpty ? "none" : delays.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.count)" }.joined(separator: ", ")))
        out.append("Returns       \(count(EventType.returnApproved)) approved, \(count(EventType.returnRejected)) rejected, "
                   + "\(count(EventType.returnLabelRequested)) labels, \(count(EventType.returnReceived)) received, "
                   + "\(count(EventType.exchangeRequested)) exchanges")
        out.append("Refunds       \(count(EventType.refundRequested)) requested: \(totals(byType[EventType.refundRequested] ?? [], "amount"))")
        out.append("Store credit  \(count(EventType.storeCreditIssued)) issued: \(totals(byType[EventType.storeCreditIssued] ?? [], "amount"))")
        let points = byType[EventType.loyaltyPointsChanged] ?? []
        // A confirmation moves points from pending to available (two entries): neither a grant nor a reversal.
        let deltas = points.filter { $0.data["reason"]?.stringValue != "confirmed" }.compactMap { $0.data["delta"]?.intValue }
        let granted = deltas.filter { $0 > 0 }.reduce(0, +)
        let reversed = deltas.filter { $0 < 0 }.reduce(0, +)
        let reasons = Dictionary(grouping: points, by: { $0.data["reason"]?.stringValue ?? "?" }).sorted { $0.key < $1.key }
            .map { "\($0.key) \($0.value.count)" }.joined(separator: ", ")
        out.append("Loyalty       \(points.count) entries, \(granted) points granted, \(-reversed) reversed\(reasons.isEmpty ? "" : " (\(reasons))"); "
                   + "\(count(EventType.loyaltyTierChanged)) tier changes")
        let dead = byType["dead-letter"] ?? []
        let deadReasons = Dictionary(grouping: dead, by: { String(($0.data["error"]?.stringValue ?? "?").prefix { $0 != ":" }) })
            .sorted { $0.key < $1.key }.map { "\($0.key) \($0.value.count)" }.joined(separator: ", ")
        out.append("Dead letters  \(dead.count)\(dead.isEmpty ? "" : " (\(deadReasons))")")
        out.append("")
        // Messages by template and language.
        let messages = byType[EventType.notificationRequested] ?? []
        var table: [String: [String: Int]] = [:]
        for message in messages {
            let template = message.data["template"]?.stringValue ?? "?"
            let language = String((message.data["locale"]?.stringValue ?? "?").prefix(2))
            table[template, default: [:]][language, default: 0] += 1
        }
        let languages = Set(table.values.flatMap(\.keys)).sorted()
        let width = max(28, (table.keys.map(\.count).max() ?? 0) + 2)
        out.append("Messages".padding(toLength: width, withPad: " ", startingAt: 0)
                   + languages.map { $0.leftPadded(6) }.joined() + "total".leftPadded(7))
        for (template, counts) in table.sorted(by: { $0.key < $1.key }) {
            out.append("  " + template.padding(toLength: width - 2, withPad: " ", startingAt: 0)
                       + languages.map { String(counts[$0] ?? 0).leftPadded(6) }.joined()
                       + String(counts.values.reduce(0, +)).leftPadded(7))
        }
        out.append("  " + "all".padding(toLength: width - 2, withPad: " ", startingAt: 0)
                   + languages.map { language in String(table.values.map { $0[language] ?? 0 }.reduce(0, +)).leftPadded(6) }.joined()
                   + String(messages.count).leftPadded(7))
        return out.joined(separator: "\n")
    }

    private func totals(_ outputs: [ObservedOutput], _ key: String) -> String {
        let sums = outputs.compactMap { $0.data[key].flatMap(Money.init(json:)) }.reduce(into: [String: Int]()) { $0[$1.currency, default: 0] += $1.amount }
        return sums.isEmpty ? "—" : sums.sorted { $0.key < $1.key }.map { format(Money(amount: $0.value, currency: $0.key)) }.joined(separator: ", ")
    }
}

extension String {
    func leftPadded(_ width: Int) -> String { count >= width ? self : String(repeating: " ", count: width - count) + self }
}
