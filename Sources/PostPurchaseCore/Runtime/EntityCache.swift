import Foundation

/// Decoded entities from earlier loads and saves of one pipeline, reused instead of reading and
/// decoding them again.
///
/// Decoding a JSON document is most of what a load costs, and reading its bytes from the store
/// most of the rest. An entry is *current* when nothing can have changed it since it was
/// remembered: the store said the write transaction continues the previous one (nobody else
/// committed, ``StateTransaction/continuesLastWrite``) and no transaction of ours was rolled back
/// since. A current entry is returned without touching the store. Any other entry is only a
/// candidate: the load reads the stored bytes and reuses the value when they are identical, so a
/// stale value is never used — with another process on the same file, another host on the same
/// server, or after a rolled-back batch. Confined to the pipeline's thread.
final class EntityCache {
    /// A class, so a lookup (several per event) retains one reference instead of copying the
    /// bytes and the boxed value out of the dictionary, and an update changes it in place.
    private final class Entry {
        var bytes: Data
        var value: any StoredEntity
        /// The ``generation`` in which the bytes were known to be the stored ones.
        var generation: UInt64

        init(bytes: Data, value: any StoredEntity, generation: UInt64) {
            self.bytes = bytes
            self.value = value
            self.generation = generation
        }
    }

    private var entries: [WorkerContext.EntityKey: Entry] = [:]
    /// Moves on whenever the store may hold something the entries do not know about.
    private var generation: UInt64 = 0
    /// Entries kept at most; past it the cache starts over (cheaper than tracking recency per load,
    /// and a worker's working set is refilled within a few batches).
    let capacity: Int

    init(capacity: Int = 200_000) {
        self.capacity = capacity
    }

    /// Entries held now.
    var count: Int { entries.count }

    /// Called at the start of each write transaction: unless it continues our previous one,
    /// every entry has to be checked against the store again before use.
    func begin(_ transaction: any StateTransaction) {
        if !transaction.continuesLastWrite { generation &+= 1 }
    }

    /// Called when a write transaction of ours was rolled back: what it remembered was never stored.
    func rolledBack() {
        generation &+= 1
    }

    /// The value of `key` if it is known to be what the store holds, without reading the store.
    func current<T: StoredEntity>(_ type: T.Type, _ key: WorkerContext.EntityKey) -> T? {
        guard let entry = entries[key], entry.generation == generation else { return nil }
        return entry.value as? T
    }

    /// The value decoded earlier from exactly `bytes` (just read from the store), if any.
    func value<T: StoredEntity>(_ type: T.Type, _ key: WorkerContext.EntityKey, bytes: Data) -> T? {
        guard let entry = entries[key], entry.bytes == bytes, let value = entry.value as? T else { return nil }
        entry.generation = generation
        return value
    }

    /// Remembers that the store holds `bytes` for `key` (read, or written in this transaction),
    /// and that they decode to `value` (unless its kind keeps no decoded copies).
    func remember(_ key: WorkerContext.EntityKey, bytes: Data, value: any StoredEntity) {
        guard type(of: value).keepsDecodedCopy else { return }
        if let entry = entries[key] {
            entry.bytes = bytes
            entry.value = value
            entry.generation = generation
            return
        }
        if entries.count >= capacity { entries.removeAll(keepingCapacity: true) }
        entries[key] = Entry(bytes: bytes, value: value, generation: generation)
    }

    /// Forgets `key` (deleted entities).
    func forget(_ key: WorkerContext.EntityKey) {
        entries.removeValue(forKey: key)
    }
}
