import Foundation

/// What a transaction learnt about event ids from the store, so that a batch asks
/// ``StateTransaction/processed(among:)`` once and its handlers' ``StateTransaction/isProcessed(_:)``
/// calls are answered from memory. Shared by the transactions whose reads cost more than a lookup
/// (PostgreSQL's round trips, reads behind the SQLite writer); each keeps its own reasons why an
/// answer stays valid for the rest of its transaction.
struct AppliedEventReads {
    /// Ids read, and whether the store had them applied.
    private var read: [String: Bool] = [:]

    /// What the store said of `eventId`; `nil` when it was not asked.
    func answer(_ eventId: String) -> Bool? { read[eventId] }

    /// The applied ones among `eventIds`: those the transaction applied itself (`appliedHere`) or
    /// learnt of before, and of the rest those `readStore` returns, which is called once with them
    /// all (and not at all when none is left). What it returns is remembered.
    mutating func processed(
        among eventIds: [String], appliedHere: (String) -> Bool, readStore: ([String]) throws -> Set<String>
    ) rethrows -> Set<String> {
        var found = Set<String>()
        var unknown: [String] = []
        for eventId in eventIds {
            if appliedHere(eventId) || read[eventId] == true {
                found.insert(eventId)
            } else if read[eventId] == nil {
                unknown.append(eventId)
            }
        }
        guard !unknown.isEmpty else { return found }
        let applied = try readStore(unknown)
        for eventId in unknown { read[eventId] = applied.contains(eventId) }
        return found.union(applied)
    }
}
