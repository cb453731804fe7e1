import Foundation

/// Reads ahead, in a few batched reads, the entities that a batch of handler runs in one
/// transaction is about to read one by one.
///
/// On PostgreSQL every entity read is a round trip, and a handler's reads depend on each other
/// (a follow-up's timer names the follow-up, which names its order and customer), so a batch of
/// 500 timers would wait for 1 500 answers in turn. Only the handler knows which keys it reads,
/// and handlers are pure functions of (state, input, now), so it can be asked: each run is
/// rehearsed against a view of the transaction that answers only what has been read already and
/// stops at the first read it cannot answer; the keys the rehearsals stopped at are read with one
/// ``StateTransaction/entities(namespace:keys:)`` per namespace, and the runs that stopped are
/// rehearsed again, for a few rounds (one per level of that dependency). The transaction keeps
/// what it read (see ``StateTransaction/entities(namespace:keys:)``), so the real runs afterwards
/// find their reads answered without a round trip.
///
/// A rehearsal changes nothing: it also stops at its first write and at anything but an entity
/// read (its other reads are left to the real run), its errors are dropped, and what it decided
/// is thrown away. Reading ahead is only worth it where reads are round trips
/// (``StateStore/readsAreRoundTrips``); the real runs are correct with or without it.
public enum EntityReadAhead {
    /// Rehearses `run` for each of `items` against `transaction`, reading ahead what they read.
    ///
    /// - Parameters:
    ///   - rounds: batched reads at most, one per level of the handlers' read dependency; a
    ///     handler reading deeper reads the rest itself, one round trip each, as without this.
    ///   - run: one handler run for an item, reading through the transaction it is given.
    public static func warm<Item>(_ transaction: any StateTransaction, for items: [Item], rounds: Int = 3,
                                  _ run: (Item, any StateTransaction) throws -> Void) throws {
        let view = ReadAheadTransaction()
        var rehearsing = items
        for _ in 0..<rounds where !rehearsing.isEmpty {
            var stopped: [Item] = []
            for item in rehearsing {
                let missesBefore = view.missCount
                // Errors are the rehearsal's end, not failures: the real run meets them again.
                try? run(item, view)
                if view.missCount > missesBefore { stopped.append(item) }
            }
            for (namespace, keys) in view.takeMisses() {
                view.learn(namespace: namespace, keys: keys, found: try transaction.entities(namespace: namespace, keys: keys))
            }
            rehearsing = stopped
        }
    }
}
