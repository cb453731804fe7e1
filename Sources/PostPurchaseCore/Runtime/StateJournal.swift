import Foundation

/// The writes of one store transaction, recorded in order instead of made, so that another thread
/// can make them later (``StateWriter``) while the pipeline goes on handling the next batch
/// (``WriteBehindTransaction``).
///
/// Besides the list of operations it keeps what they leave behind per key (entities, applied ids,
/// timers, offsets), which is what later batches read through until the writes are committed.
/// A value type: once handed to the writer, the pipeline's copy is only read.
struct StateJournal: Sendable {
    enum Operation: Sendable {
        case markProcessed(String, Date)
        case pruneProcessed(before: Date)
        case putEntity(namespace: String, key: String, value: Data)
        case deleteEntity(namespace: String, key: String)
        case advanceOffset(TopicPartition, expected: Int64?, next: Int64)
        case scheduleTimer(DurableTimer)
        case cancelTimer(String)
        case appendOutbox([OutboxRecord])
        case deleteOutbox([Int64])
        case setOutboxMarks([OutboxMark])
    }

    /// For a journal built on reads outside the write transaction that replays it (the store's
    /// latest state plus earlier journals): ``StateStore/writesByOthersSeen`` before its first read.
    /// It is valid only if nobody else committed since, which the writer checks before replaying it.
    var readsSince: UInt64?
    private(set) var operations: [Operation] = []
    /// Entities as the operations leave them (`nil`: deleted), by namespace and key: a prefix scan
    /// looks through its namespace only.
    private(set) var entities: [String: [String: Data?]] = [:]
    /// Entity deletions per namespace, so a prefix scan knows how many extra stored rows to ask for.
    private(set) var deletions: [String: Int] = [:]
    private(set) var processed: Set<String> = []
    /// Timers as the operations leave them (`nil`: cancelled).
    private(set) var timers: [String: DurableTimer?] = [:]
    private(set) var offsets: [TopicPartition: Int64] = [:]

    init(readsSince: UInt64? = nil) {
        self.readsSince = readsSince
    }

    var isEmpty: Bool { operations.isEmpty }

    /// The entity as these operations leave it: `.some(nil)` deleted, `nil` not touched.
    func entity(namespace: String, key: String) -> Data?? {
        entities[namespace]?[key]
    }

    mutating func markProcessed(_ eventId: String, at time: Date) {
        processed.insert(eventId)
        operations.append(.markProcessed(eventId, time))
    }

    mutating func pruneProcessed(before cutoff: Date) {
        operations.append(.pruneProcessed(before: cutoff))
    }

    mutating func putEntity(namespace: String, key: String, value: Data) {
        entities[namespace, default: [:]][key] = .some(value)
        operations.append(.putEntity(namespace: namespace, key: key, value: value))
    }

    mutating func deleteEntity(namespace: String, key: String) {
        entities[namespace, default: [:]][key] = .some(nil)
        deletions[namespace, default: 0] += 1
        operations.append(.deleteEntity(namespace: namespace, key: key))
    }

    mutating func advanceOffset(_ partition: TopicPartition, expected: Int64?, next: Int64) {
        offsets[partition] = next
        operations.append(.advanceOffset(partition, expected: expected, next: next))
    }

    mutating func scheduleTimer(_ timer: DurableTimer) {
        timers[timer.id] = .some(timer)
        operations.append(.scheduleTimer(timer))
    }

    mutating func cancelTimer(id: String) {
        timers[id] = .some(nil)
        operations.append(.cancelTimer(id))
    }

    mutating func appendOutbox(_ records: [OutboxRecord]) {
        guard !records.isEmpty else { return }
        operations.append(.appendOutbox(records))
    }

    mutating func deleteOutbox(sequences: [Int64]) {
        guard !sequences.isEmpty else { return }
        operations.append(.deleteOutbox(sequences))
    }

    mutating func setOutboxMarks(_ marks: [OutboxMark]) {
        guard !marks.isEmpty else { return }
        operations.append(.setOutboxMarks(marks))
    }

    /// A partition's stored offset moved elsewhere: the journal must not be applied.
    struct OffsetConflict: Error, CustomStringConvertible {
        var partition: TopicPartition
        var description: String { "the stored offset of \(partition) is not the one this batch started from" }
    }

    /// Makes the operations in `transaction`, in order; returns the outbox records as stored (with
    /// their sequence numbers), in the order they were appended.
    func replay(on transaction: any StateTransaction) throws -> [OutboxRecord] {
        var stored: [OutboxRecord] = []
        for operation in operations {
            switch operation {
            case .markProcessed(let id, let time): try transaction.markProcessed(id, at: time)
            case .pruneProcessed(let cutoff): _ = try transaction.pruneProcessed(before: cutoff)
            case .putEntity(let namespace, let key, let value): try transaction.putEntity(namespace: namespace, key: key, value: value)
            case .deleteEntity(let namespace, let key): try transaction.deleteEntity(namespace: namespace, key: key)
            case .advanceOffset(let partition, let expected, let next):
                guard try transaction.advanceOffset(partition, expected: expected, next: next) else {
                    throw OffsetConflict(partition: partition)
                }
            case .scheduleTimer(let timer): try transaction.scheduleTimer(timer)
            case .cancelTimer(let id): try transaction.cancelTimer(id: id)
            case .appendOutbox(let records): stored += try transaction.appendOutbox(records)
            case .deleteOutbox(let sequences): try transaction.deleteOutbox(sequences: sequences)
            case .setOutboxMarks(let marks): try transaction.setOutboxMarks(marks)
            }
        }
        return stored
    }
}
