import Foundation
import PostPurchaseCore

/// A customer's balance and ledger as plain text, for `postpurchase loyalty CUSTOMER_ID`.
public enum LoyaltyStatement {
    /// The statement of `account` at `now`: balances, tier, lots with their expiry, then every entry.
    public static func text(_ account: LoyaltyAccount, policy: LoyaltyPolicy, now: Date) -> String {
        let ledger = account.ledger
        let balance = ledger.balance
        var lines = [
            "customer \(account.customerId)",
            "available \(balance.available)  pending \(balance.pending)  debt \(balance.debt)",
            "tier \(ledger.tier(at: now, policy: policy).rawValue) (\(ledger.tierPoints(at: now, policy: policy)) points earned in the last \(policy.tierWindowMonths) months)",
        ]
        for lot in ledger.lots.sorted(by: { $0.expiresAt < $1.expiresAt }) {
            lines.append("  \(lot.remaining) points expire \(RFC3339.format(lot.expiresAt)) (\(lot.id))")
        }
        lines.append("ledger (\(ledger.entries.count) entries):")
        for entry in ledger.entries {
            let delta = entry.delta > 0 ? "+\(entry.delta)" : "\(entry.delta)"
            var line = "  \(RFC3339.format(entry.createdAt))  \(delta.padding(toLength: 7, withPad: " ", startingAt: 0)) \(entry.state.rawValue.padding(toLength: 9, withPad: " ", startingAt: 0)) \(entry.reason.rawValue.padding(toLength: 16, withPad: " ", startingAt: 0)) \(entry.entryId)  rules \(entry.ruleVersion)"
            if let expiresAt = entry.expiresAt { line += "  expires \(RFC3339.format(expiresAt))" }
            lines.append(line)
        }
        return lines.joined(separator: "\n")
    }
}
