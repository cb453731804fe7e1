import Foundation

/// What a worker's domain decisions read and change: the runtime's ``WorkerContext`` in
/// production, an in-memory stand-in in unit tests, so the decisions are a function of
/// (state, event, now) → (new state, outputs) that runs without Kafka or SQLite.
public protocol DomainContext {
    /// The time to decide by (the worker's injected clock).
    var now: Date { get }
    /// The stored entity of type `T` under `key`.
    func load<T: StoredEntity>(_ type: T.Type, key: String) throws -> T?
    /// Entities of type `T` whose key starts with `keyPrefix`, in key order.
    func loadAll<T: StoredEntity>(_ type: T.Type, keyPrefix: String, limit: Int) throws -> [(key: String, value: T)]
    /// Stores `value` under `key`.
    mutating func save<T: StoredEntity>(_ value: T, key: String) throws
    /// Removes the entity of type `T` under `key`.
    mutating func delete<T: StoredEntity>(_ type: T.Type, key: String)
    /// Publishes `event` once the changes are committed.
    mutating func emit(_ event: OutgoingEvent)
    /// Schedules (or moves) a durable timer.
    mutating func schedule(timerId id: String, at dueAt: Date, kind: String, payload: Data)
    /// Cancels a durable timer.
    mutating func cancelTimer(id: String)
    /// The scheduled timer `id`, if any.
    func timer(id: String) throws -> DurableTimer?
    /// Puts a raw record on the dead-letter topic, unchanged, with the `dlq-*` headers.
    mutating func deadLetter(_ record: KafkaRecord, because rejection: EventRejection)
}

extension WorkerContext: DomainContext {}

extension DomainContext {
    /// Schedules (or moves) a durable timer that carries no payload.
    public mutating func schedule(timerId id: String, at dueAt: Date, kind: String) {
        schedule(timerId: id, at: dueAt, kind: kind, payload: Data())
    }
}
