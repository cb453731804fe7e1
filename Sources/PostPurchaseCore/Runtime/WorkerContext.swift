import Foundation

/// What a handler sees and changes while it handles one input or timer.
///
/// Changes are collected here and applied by the runtime only if the handler returns normally,
/// so a failing handler leaves no partial state behind.
public struct WorkerContext {
    /// The time to decide by (from the injected clock).
    public let now: Date
    /// The worker's name, for output sources and ids.
    public let workerName: String
    let transaction: any StateTransaction
    let owner: TopicPartition
    /// The pipeline's decoded entities (`nil`: decode every load).
    let cache: EntityCache?
    /// The batch's saves not yet encoded (`nil`: each save is encoded at once).
    let pending: PendingEntities?
    /// This handler's writes by key, in ``entityWriteOrder``; applied by the runtime when it returns normally.
    var entityWrites: [EntityKey: EntityWrite] = [:]
    var entityWriteOrder: [EntityKey] = []
    var outputs: [OutgoingEvent] = []
    var timerChanges: [TimerChange] = []
    var deadLetters: [(record: KafkaRecord, rejection: EventRejection)] = []

    struct EntityKey: Hashable {
        var namespace: String
        var key: String
    }

    /// A save (the value, and its encoded bytes unless the batch encodes them at its end) or a delete.
    enum EntityWrite {
        case put(Data?, any StoredEntity)
        case delete
    }

    enum TimerChange {
        case schedule(DurableTimer)
        case cancel(String)
    }

    init(now: Date, workerName: String, transaction: any StateTransaction, owner: TopicPartition, cache: EntityCache? = nil,
         pending: PendingEntities? = nil) {
        self.now = now
        self.workerName = workerName
        self.transaction = transaction
        self.owner = owner
        self.cache = cache
        self.pending = pending
    }

    /// The stored entity of type `T` under `key`, seeing this handler's own earlier writes.
    public func load<T: StoredEntity>(_ type: T.Type, key: String) throws -> T? {
        let entityKey = EntityKey(namespace: T.namespace, key: key)
        switch entityWrites[entityKey] {
        case .put(_, let value): return try Self.cast(value, to: T.self)
        case .delete: return nil
        case nil: break
        }
        if let value = pending?.value(entityKey) { return try Self.cast(value, to: T.self) }
        if let current = cache?.current(T.self, entityKey) { return current }
        guard let data = try transaction.entity(namespace: T.namespace, key: key) else { return nil }
        if let cached = cache?.value(T.self, entityKey, bytes: data) { return cached }
        let value = try CloudEventCodec.decoder.decode(T.self, from: data)
        cache?.remember(entityKey, bytes: data, value: value)
        return value
    }

    /// Entities of type `T` whose key starts with `prefix` (stored ones; this handler's writes applied).
    public func loadAll<T: StoredEntity>(_ type: T.Type, keyPrefix: String, limit: Int = 1_000) throws -> [(key: String, value: T)] {
        // The scan is the store's: what the batch saved so far is written first.
        if let pending, let cache, !pending.isEmpty { try pending.write(to: transaction, cache: cache) }
        var merged: [String: T] = [:]
        for (key, value) in try transaction.entities(namespace: T.namespace, keyPrefix: keyPrefix, limit: limit) {
            merged[key] = try CloudEventCodec.decoder.decode(T.self, from: value)
        }
        for (entityKey, write) in entityWrites where entityKey.namespace == T.namespace && entityKey.key.hasPrefix(keyPrefix) {
            if case .put(_, let value) = write { merged[entityKey.key] = try Self.cast(value, to: T.self) } else { merged[entityKey.key] = nil }
        }
        return merged.keys.sorted().map { key in (key, merged[key]!) }
    }

    /// `value` as a `T`: itself, or re-read through its encoding when saved as another type of the same namespace.
    private static func cast<T: StoredEntity>(_ value: any StoredEntity, to type: T.Type) throws -> T {
        if let typed = value as? T { return typed }
        return try CloudEventCodec.decoder.decode(T.self, from: CloudEventCodec.encoder.encode(value))
    }

    /// Stores `value` under `key` (replacing what was there).
    public mutating func save<T: StoredEntity>(_ value: T, key: String) throws {
        let entityKey = EntityKey(namespace: T.namespace, key: key)
        // Encoded with the rest of the batch's saves when the pipeline collects them, else now.
        let data = pending == nil ? try CloudEventCodec.encoder.encode(value) : nil
        // Into the pipeline's cache only once the runtime applies this handler's changes.
        record(entityKey, .put(data, value))
    }

    /// Removes the entity of type `T` under `key`.
    public mutating func delete<T: StoredEntity>(_ type: T.Type, key: String) {
        let entityKey = EntityKey(namespace: T.namespace, key: key)
        cache?.forget(entityKey)
        record(entityKey, .delete)
    }

    private mutating func record(_ key: EntityKey, _ write: EntityWrite) {
        if entityWrites.updateValue(write, forKey: key) == nil { entityWriteOrder.append(key) }
    }

    /// Publishes `event` once this input's changes are committed.
    public mutating func emit(_ event: OutgoingEvent) {
        outputs.append(event)
    }

    /// Schedules (or moves) the timer `id` to fire at `dueAt`, owned by the current input's partition.
    public mutating func schedule(timerId id: String, at dueAt: Date, kind: String, payload: Data = Data()) {
        timerChanges.append(.schedule(DurableTimer(id: id, dueAt: dueAt, kind: kind, payload: payload, owner: owner)))
    }

    /// Cancels the timer `id` if it exists.
    public mutating func cancelTimer(id: String) {
        timerChanges.append(.cancel(id))
    }

    /// Puts `record` on the dead-letter topic unchanged, with the contract's `dlq-*` headers, once
    /// this handler's changes are committed: for input the worker gave up on later, e.g. a carrier
    /// update it kept waiting for its shipment until a timer ran out. (Rejecting the input at hand is
    /// done by throwing ``EventRejection``.)
    public mutating func deadLetter(_ record: KafkaRecord, because rejection: EventRejection) {
        deadLetters.append((record, rejection))
    }

    /// The stored timer `id`, if scheduled (changes by this handler not included).
    public func timer(id: String) throws -> DurableTimer? {
        try transaction.timer(id: id)
    }
}
