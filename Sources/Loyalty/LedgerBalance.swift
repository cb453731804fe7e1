/// A customer's balances, derived from the ledger's entries.
public struct LedgerBalance: Sendable, Equatable, Codable, CustomStringConvertible {
    /// Points earned but not yet confirmed.
    public var pending: Int
    /// Points the customer can spend.
    public var available: Int
    /// Points still owed by a reversal that was larger than the balances; paid off by later earnings.
    public var debt: Int

    /// Creates balances.
    public init(pending: Int = 0, available: Int = 0, debt: Int = 0) {
        self.pending = pending
        self.available = available
        self.debt = debt
    }

    /// `pending + available − debt`: what the sum of all entries' deltas equals.
    public var net: Int { pending + available - debt }

    public var description: String { "pending \(pending), available \(available), debt \(debt)" }
}
