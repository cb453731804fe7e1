import Foundation
import PostPurchaseCore

/// A store transaction that counts its entity reads (single and batched) and passes every call
/// on: what a test needs to see how many round trips a PostgreSQL transaction would make.
final class CountingTransaction: StateTransaction {
    private let base: any StateTransaction
    /// ``entity(namespace:key:)`` calls.
    private(set) var singleReads = 0
    /// ``entities(namespace:keys:)`` calls, per namespace.
    private(set) var batches: [String: Int] = [:]

    init(_ base: any StateTransaction) {
        self.base = base
    }

    func entity(namespace: String, key: String) throws -> Data? {
        singleReads += 1
        return try base.entity(namespace: namespace, key: key)
    }

    func entities(namespace: String, keys: [String]) throws -> [String: Data] {
        batches[namespace, default: 0] += 1
        return try base.entities(namespace: namespace, keys: keys)
    }

    func isProcessed(_ eventId: String) throws -> Bool { try base.isProcessed(eventId) }
    func markProcessed(_ eventId: String, at time: Date) throws { try base.markProcessed(eventId, at: time) }
    func pruneProcessed(before cutoff: Date) throws -> Int { try base.pruneProcessed(before: cutoff) }
    func putEntity(namespace: String, key: String, value: Data) throws { try base.putEntity(namespace: namespace, key: key, value: value) }
    func deleteEntity(namespace: String, key: String) throws { try base.deleteEntity(namespace: namespace, key: key) }
    func entities(namespace: String, keyPrefix: String, limit: Int) throws -> [(key: String, value: Data)] {
        try base.entities(namespace: namespace, keyPrefix: keyPrefix, limit: limit)
    }
    func storedOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] { try base.storedOffsets(for: partitions) }
    func advanceOffset(_ partition: TopicPartition, expected: Int64?, next: Int64) throws -> Bool {
        try base.advanceOffset(partition, expected: expected, next: next)
    }
    func scheduleTimer(_ timer: DurableTimer) throws { try base.scheduleTimer(timer) }
    func cancelTimer(id: String) throws { try base.cancelTimer(id: id) }
    func claimTimer(id: String, dueAt: Date) throws -> Bool { try base.claimTimer(id: id, dueAt: dueAt) }
    func claimTimers(_ timers: [DurableTimer]) throws -> Set<String> { try base.claimTimers(timers) }
    func dueTimers(at time: Date, owners: [TopicPartition], limit: Int) throws -> [DurableTimer] {
        try base.dueTimers(at: time, owners: owners, limit: limit)
    }
    func nextTimerDue(owners: [TopicPartition]) throws -> Date? { try base.nextTimerDue(owners: owners) }
    func timer(id: String) throws -> DurableTimer? { try base.timer(id: id) }
    func timerCount() throws -> Int { try base.timerCount() }
    func appendOutbox(_ records: [OutboxRecord]) throws -> [OutboxRecord] { try base.appendOutbox(records) }
    func pendingOutbox(sources: [TopicPartition]) throws -> [OutboxRecord] { try base.pendingOutbox(sources: sources) }
    func deleteOutbox(sequences: [Int64]) throws { try base.deleteOutbox(sequences: sequences) }
    func outboxCount() throws -> Int { try base.outboxCount() }
    func outboxMarks(sources: [TopicPartition]) throws -> [OutboxMark] { try base.outboxMarks(sources: sources) }
    func setOutboxMarks(_ marks: [OutboxMark]) throws { try base.setOutboxMarks(marks) }
}
