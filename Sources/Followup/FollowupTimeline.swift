import Foundation
import PostPurchaseCore

/// An order's follow-ups as a readable timeline: what `postpurchase why ORDER_ID` prints.
public enum FollowupTimeline {
    /// The follow-ups of `orderId` in `store`, read only, in the order they were first planned.
    public static func followups(of orderId: String, in store: any StateStore) throws -> [Followup] {
        let rows = try store.read { try $0.entities(namespace: Followup.namespace, keyPrefix: orderId + "|", limit: 100_000) }
        return try sorted(rows.map { try CloudEventCodec.decoder.decode(Followup.self, from: $0.value) })
    }

    /// Oldest first by their first decision, then by due time.
    public static func sorted(_ followups: [Followup]) -> [Followup] {
        followups.sorted {
            ($0.life.first?.at ?? $0.dueAt, $0.dueAt, $0.key) < ($1.life.first?.at ?? $1.dueAt, $1.dueAt, $1.key)
        }
    }

    /// RFC 3339 in UTC, without milliseconds when they are zero (easier to read).
    public static func format(_ date: Date) -> String {
        let text = RFC3339.format(date)
        return text.hasSuffix(".000Z") ? String(text.dropLast(5)) + "Z" : text
    }

    /// The timeline as text, one block per follow-up and one line per decision.
    public static func render(orderId: String, _ followups: [Followup]) -> String {
        guard !followups.isEmpty else { return "No follow-ups recorded for order \(orderId).\n" }
        var text = "Order \(orderId): \(followups.count) follow-up\(followups.count == 1 ? "" : "s") for customer \(followups[0].customerId)\n"
        for followup in followups {
            var about: [String] = []
            if let shipmentId = followup.shipmentId { about.append("parcel \(shipmentId)") }
            if !followup.skus.isEmpty { about.append("items \(followup.skus.joined(separator: ", "))") }
            if let suggested = followup.suggestSku { about.append("suggests \(suggested)") }
            text += "\n\(followup.kind.rawValue) — \(followup.status.rawValue.uppercased())"
            text += about.isEmpty ? "\n" : " (\(about.joined(separator: "; ")))\n"
            text += "  due        \(format(followup.dueAt))"
            if let sendAt = followup.sendAt { text += ", sendAt \(format(sendAt))" }
            if let fireAt = followup.fireAt, fireAt != followup.dueAt { text += ", timer \(format(fireAt))" }
            text += "\n"
            for step in followup.life {
                let status = step.status.rawValue.padding(toLength: 10, withPad: " ", startingAt: 0)
                text += "  \(format(step.at))  \(status) \(step.reason)\n"
            }
        }
        return text
    }
}
