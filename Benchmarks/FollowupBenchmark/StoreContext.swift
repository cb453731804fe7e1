import Foundation
import PostPurchaseCore

/// The planner's ``DomainContext`` straight over a store transaction, as the runtime's
/// `WorkerContext` is (writes applied at once; the benchmark commits or discards the transaction).
struct StoreContext: DomainContext {
    var now: Date
    let transaction: any StateTransaction
    let owner: TopicPartition
    var outputs: [OutgoingEvent] = []

    /// The store's JSON, as the runtime reads and writes it.
    static let encoder = CloudEventCodec.encoder
    static let decoder = CloudEventCodec.decoder

    func load<T: StoredEntity>(_ type: T.Type, key: String) throws -> T? {
        try transaction.entity(namespace: T.namespace, key: key).map { try Self.decoder.decode(T.self, from: $0) }
    }

    func loadAll<T: StoredEntity>(_ type: T.Type, keyPrefix: String, limit: Int) throws -> [(key: String, value: T)] {
        try transaction.entities(namespace: T.namespace, keyPrefix: keyPrefix, limit: limit).map { ($0.key, try Self.decoder.decode(T.self, from: $0.value)) }
    }

    mutating func save<T: StoredEntity>(_ value: T, key: String) throws {
        try transaction.putEntity(namespace: T.namespace, key: key, value: try Self.encoder.encode(value))
    }

    mutating func delete<T: StoredEntity>(_ type: T.Type, key: String) {
        try? transaction.deleteEntity(namespace: T.namespace, key: key)
    }

    mutating func emit(_ event: OutgoingEvent) { outputs.append(event) }

    mutating func schedule(timerId id: String, at dueAt: Date, kind: String, payload: Data) {
        try? transaction.scheduleTimer(DurableTimer(id: id, dueAt: dueAt, kind: kind, payload: payload, owner: owner))
    }

    mutating func cancelTimer(id: String) { try? transaction.cancelTimer(id: id) }

    func timer(id: String) throws -> DurableTimer? { try transaction.timer(id: id) }

    mutating func deadLetter(_ record: KafkaRecord, because rejection: EventRejection) {}
}
