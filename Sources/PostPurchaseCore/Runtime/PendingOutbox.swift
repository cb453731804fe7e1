import Foundation

/// The outbox records of one batch while its handlers run, in the order they were produced.
///
/// Dead letters arrive with their bytes; emitted events get theirs in ``finish()``, all at once
/// and on every core (``ParallelMap``), instead of one by one between handlers. An event that
/// cannot be encoded fails the batch with ``BatchEncodingFailure``.
struct PendingOutbox {
    private var records: [OutboxRecord] = []
    private var events: [OutgoingEvent] = []
    /// Index in ``records`` of each of ``events``.
    private var slots: [Int] = []

    init(capacity: Int = 0) {
        records.reserveCapacity(capacity)
    }

    /// A record whose bytes are final (a dead letter).
    mutating func append(_ record: OutboxRecord) {
        records.append(record)
    }

    /// A record for `event`, its value to be encoded by ``finish()``.
    mutating func append(_ event: OutgoingEvent, as record: OutboxRecord) {
        slots.append(records.count)
        events.append(event)
        records.append(record)
    }

    /// Every record with its value, in production order.
    consuming func finish() throws -> [OutboxRecord] {
        let encoded: [[UInt8]]
        do {
            encoded = try ParallelMap.map(events, CloudEventCodec.encodeStructured)
        } catch {
            throw BatchEncodingFailure(error: error)
        }
        for (slot, bytes) in zip(slots, encoded) { records[slot].value = Data(bytes) }
        return records
    }
}
