import Foundation

/// Entities saved by a batch's handlers, encoded and written to the store at the batch's end.
///
/// Encoding an entity is a pure function of its value, so the pipeline does it for the whole
/// batch at once, on every core (``ParallelMap``), instead of one entity at a time on its own
/// thread between handlers. An entity saved several times in a batch is encoded and written
/// once, with its last value. Until then, loads in the batch see the pending value (through
/// ``WorkerContext``), and prefix scans write the pending entities first, so every read sees
/// every earlier save. If an entity cannot be encoded (``BatchEncodingFailure``), the
/// pipeline handles the batch again with each entity encoded as it is saved.
/// Confined to the pipeline's thread; emptied at the end of each transaction, written or rolled back.
final class PendingEntities {
    private var entries: [WorkerContext.EntityKey: any StoredEntity] = [:]
    /// Keys in the order of their first save, so writes are made in a fixed order.
    private var order: [WorkerContext.EntityKey] = []

    var isEmpty: Bool { entries.isEmpty }

    /// The pending value of `key`, if this batch saved it and has not written it yet.
    func value(_ key: WorkerContext.EntityKey) -> (any StoredEntity)? {
        entries[key]
    }

    /// Records a save, replacing an earlier pending one of the same key.
    func save(_ key: WorkerContext.EntityKey, _ value: any StoredEntity) {
        if entries.updateValue(value, forKey: key) == nil { order.append(key) }
    }

    /// Drops a pending save (the entity was deleted after it).
    func discard(_ key: WorkerContext.EntityKey) {
        entries.removeValue(forKey: key)
    }

    /// Forgets everything pending (the transaction was rolled back).
    func reset() {
        entries.removeAll(keepingCapacity: true)
        order.removeAll(keepingCapacity: true)
    }

    /// Encodes every pending entity (on every core), writes it in `transaction` and remembers it
    /// in `cache`; afterwards nothing is pending.
    func write(to transaction: any StateTransaction, cache: EntityCache) throws {
        defer { reset() }
        guard !entries.isEmpty else { return }
        let keys = order.filter { entries[$0] != nil }
        let values = keys.map { entries[$0]! }
        let encoded: [Data]
        do {
            encoded = try ParallelMap.map(values) { value in try CloudEventCodec.encoder.encode(value) }
        } catch {
            throw BatchEncodingFailure(error: error)
        }
        for (index, key) in keys.enumerated() {
            try transaction.putEntity(namespace: key.namespace, key: key.key, value: encoded[index])
            cache.remember(key, bytes: encoded[index], value: values[index])
        }
    }
}
