import Foundation
import PostPurchaseCore

/// A worker's state and effects in memory (entities, emitted events, timers, dead letters), so
/// domain decisions are tested without Kafka or SQLite, with a clock the test moves.
public struct InMemoryDomainContext: DomainContext {
    public var now: Date
    /// Stored entities by namespace, then key.
    public var entities: [String: [String: any StoredEntity]] = [:]
    /// Everything emitted, in order.
    public var emitted: [OutgoingEvent] = []
    /// Scheduled timers by id.
    public var timers: [String: DurableTimer] = [:]
    /// Records handed to the dead-letter topic, with their reasons.
    public var deadLetters: [(record: KafkaRecord, rejection: EventRejection)] = []
    /// The partition that owns timers scheduled here.
    public var owner: TopicPartition
    /// When set, every ``load(_:key:)`` is written down here (`namespace/key`), in order.
    public var loads: LoadLog?

    /// The loads of a context, in order (a class: `load` does not mutate the context).
    public final class LoadLog {
        public private(set) var keys: [String] = []
        public init() {}
        func append(_ key: String) { keys.append(key) }
    }

    public init(now: Date, owner: TopicPartition = TopicPartition(topic: "orders", partition: 0)) {
        self.now = now
        self.owner = owner
    }

    public func load<T: StoredEntity>(_ type: T.Type, key: String) throws -> T? {
        loads?.append("\(T.namespace)/\(key)")
        return entities[T.namespace]?[key] as? T
    }

    public func loadAll<T: StoredEntity>(_ type: T.Type, keyPrefix: String, limit: Int) throws -> [(key: String, value: T)] {
        (entities[T.namespace] ?? [:]).filter { $0.key.hasPrefix(keyPrefix) }.sorted { $0.key < $1.key }.prefix(limit)
            .map { ($0.key, $0.value as! T) }
    }

    public mutating func save<T: StoredEntity>(_ value: T, key: String) throws {
        // Round-trips through the runtime's JSON codec, as the store does, so a field that does
        // not survive encoding fails here too.
        let data = try CloudEventCodec.encoder.encode(value)
        entities[T.namespace, default: [:]][key] = try CloudEventCodec.decoder.decode(T.self, from: data)
    }

    public mutating func delete<T: StoredEntity>(_ type: T.Type, key: String) {
        entities[T.namespace]?[key] = nil
    }

    public mutating func emit(_ event: OutgoingEvent) { emitted.append(event) }

    public mutating func schedule(timerId id: String, at dueAt: Date, kind: String, payload: Data) {
        timers[id] = DurableTimer(id: id, dueAt: dueAt, kind: kind, payload: payload, owner: owner)
    }

    public mutating func cancelTimer(id: String) { timers[id] = nil }

    public func timer(id: String) throws -> DurableTimer? { timers[id] }

    public mutating func deadLetter(_ record: KafkaRecord, because rejection: EventRejection) {
        deadLetters.append((record, rejection))
    }

    /// Moves the clock to `time` and fires every timer due by then, earliest first (ties by id),
    /// each at its own due time, through `fire` (usually the worker's `fire(_:context:)`).
    public mutating func advance(to time: Date, firing fire: (DurableTimer, inout InMemoryDomainContext) throws -> Void) throws {
        while let timer = timers.values.filter({ $0.dueAt <= time }).min(by: { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }) {
            timers[timer.id] = nil
            now = max(now, timer.dueAt)
            try fire(timer, &self)
        }
        now = time
    }

    /// Emitted events of CloudEvent `type`, their data decoded as `T`.
    public func outputs<T: Decodable>(_ type: String, as: T.Type) throws -> [T] {
        try emitted.filter { $0.type == type }.map { event in
            try CloudEventCodec.decoder.decode(T.self, from: try CloudEventCodec.encoder.encode(AnyEncodable(event.data)))
        }
    }

    /// The CloudEvent types emitted, in order.
    public func types() -> [String] { emitted.map(\.type) }

    private struct AnyEncodable: Encodable {
        let value: any Encodable
        init(_ value: any Encodable) { self.value = value }
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }
}
