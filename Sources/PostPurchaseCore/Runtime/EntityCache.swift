import Foundation

/// Decoded entities from earlier loads and saves of one pipeline, reused while the stored bytes
/// are unchanged.
///
/// Decoding a JSON document is most of what a load costs; reading its bytes from the store is
/// cheap. So a load still reads the store (another process sharing the file, or a rolled-back
/// batch, may have changed the entity), and only when the bytes equal the cached ones is the
/// cached value returned instead of decoding them again. A stale entry can therefore never be
/// used. Confined to the pipeline's thread.
final class EntityCache {
    private struct Entry {
        var bytes: Data
        var value: any StoredEntity
    }

    private var entries: [WorkerContext.EntityKey: Entry] = [:]
    /// Entries kept at most; past it the cache starts over (cheaper than tracking recency per load,
    /// and a worker's working set is refilled within a few batches).
    let capacity: Int

    init(capacity: Int = 200_000) {
        self.capacity = capacity
    }

    /// The value decoded earlier from exactly `bytes`, if any.
    func value<T: StoredEntity>(_ type: T.Type, _ key: WorkerContext.EntityKey, bytes: Data) -> T? {
        guard let entry = entries[key], entry.bytes == bytes else { return nil }
        return entry.value as? T
    }

    /// Remembers that `bytes` decode to `value`.
    func remember(_ key: WorkerContext.EntityKey, bytes: Data, value: any StoredEntity) {
        if entries.count >= capacity, entries[key] == nil { entries.removeAll(keepingCapacity: true) }
        entries[key] = Entry(bytes: bytes, value: value)
    }

    /// Forgets `key` (deleted entities).
    func forget(_ key: WorkerContext.EntityKey) {
        entries.removeValue(forKey: key)
    }
}
