import Foundation
@testable import PostPurchaseCore
@testable import Tracking

/// The tracking decisions' state and effects in memory: entities, emitted events, timers and
/// dead letters, so the decisions are tested without Kafka or SQLite.
struct InMemoryTrackingContext: TrackingContext {
    var now: Date
    var entities: [String: [String: any StoredEntity]] = [:]
    var emitted: [OutgoingEvent] = []
    var timers: [String: DurableTimer] = [:]
    var deadLetters: [(record: KafkaRecord, rejection: EventRejection)] = []

    init(now: Date) { self.now = now }

    func load<T: StoredEntity>(_ type: T.Type, key: String) throws -> T? {
        entities[T.namespace]?[key] as? T
    }

    func loadAll<T: StoredEntity>(_ type: T.Type, keyPrefix: String, limit: Int) throws -> [(key: String, value: T)] {
        (entities[T.namespace] ?? [:]).filter { $0.key.hasPrefix(keyPrefix) }.sorted { $0.key < $1.key }.prefix(limit)
            .map { ($0.key, $0.value as! T) }
    }

    mutating func save<T: StoredEntity>(_ value: T, key: String) throws {
        // Round-trip through the runtime's JSON codec, as the store would.
        let data = try CloudEventCodec.encoder.encode(value)
        entities[T.namespace, default: [:]][key] = try CloudEventCodec.decoder.decode(T.self, from: data)
    }

    mutating func delete<T: StoredEntity>(_ type: T.Type, key: String) {
        entities[T.namespace]?[key] = nil
    }

    mutating func emit(_ event: OutgoingEvent) { emitted.append(event) }

    mutating func schedule(timerId id: String, at dueAt: Date, kind: String, payload: Data) {
        timers[id] = DurableTimer(id: id, dueAt: dueAt, kind: kind, payload: payload, owner: TopicPartition(topic: "orders", partition: 0))
    }

    mutating func cancelTimer(id: String) { timers[id] = nil }

    mutating func deadLetter(_ record: KafkaRecord, because rejection: EventRejection) {
        deadLetters.append((record, rejection))
    }

    /// Moves the clock and fires every timer now due, earliest first.
    mutating func advance(to time: Date, with tracker: ShipmentTracker) throws {
        now = time
        while let timer = timers.values.filter({ $0.dueAt <= time }).min(by: { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }) {
            timers[timer.id] = nil
            try tracker.fire(timer, context: &self)
        }
    }

    /// Emitted events of `type`, decoded.
    func outputs<T: Decodable>(_ type: String, as: T.Type) throws -> [T] {
        try emitted.filter { $0.type == type }.map { event in
            try CloudEventCodec.decoder.decode(T.self, from: try CloudEventCodec.encoder.encode(AnyData(event.data)))
        }
    }

    func types() -> [String] { emitted.map(\.type) }

    private struct AnyData: Encodable {
        let value: any Encodable
        init(_ value: any Encodable) { self.value = value }
        func encode(to encoder: any Encoder) throws { try value.encode(to: encoder) }
    }
}
