import Foundation

/// A batch's transaction while the writes of earlier batches may still be on their way to the
/// store (``StateWriter``): its own writes are recorded in a ``StateJournal``, and reads see, newest
/// first, that journal, the earlier batches' journals not yet known to be committed, and what the
/// store has committed (each read on its own, ``StateStore/readLatest(_:)``). A read that reaches
/// the store sees the earlier journals' commits or not; either way the journal gives the same
/// answer first, and the keys they did not write are the same before and after.
///
/// It claims to continue the store's previous write (``continuesLastWrite``) so the pipeline reuses
/// its decoded entities; the writer checks that claim before it replays the journal, and the
/// pipeline handles the batch again if it was wrong. Timers are claimed and fired only in ordinary
/// transactions (the pipeline waits for the writer first), so claiming them here is an error.
/// Confined to the pipeline's thread.
final class WriteBehindTransaction: StateTransaction {
    private let store: any StateStore
    /// Journals handed to the writer and not yet committed, oldest first.
    private let earlier: [StateJournal]
    /// This transaction's writes.
    private(set) var journal: StateJournal
    /// Stored entities read in batches, by namespace and key (`nil`: absent). Kept for the whole
    /// batch: a later change to one is in a journal, which is asked first, or by another process,
    /// which refuses the batch (``StateJournal/readsSince``).
    private var readAhead: [String: [String: Data?]] = [:]
    /// Event ids read in a batch by ``processed(among:)``; kept for the batch on the same grounds
    /// as ``readAhead``.
    private var appliedReads = AppliedEventReads()

    /// A write operation the pipeline only makes in ordinary transactions.
    struct Unsupported: Error, CustomStringConvertible {
        var operation: String
        var description: String { "\(operation) is not available while writes are behind" }
    }

    /// `writesByOthersSeen`: the store's ``StateStore/writesByOthersSeen`` before the batch's first read.
    init(store: any StateStore, earlier: [StateJournal], writesByOthersSeen: UInt64) {
        self.store = store
        self.earlier = earlier
        self.journal = StateJournal(readsSince: writesByOthersSeen)
    }

    var continuesLastWrite: Bool { true }

    // MARK: Idempotency

    func isProcessed(_ eventId: String) throws -> Bool {
        if journaled(eventId) { return true }
        if let read = appliedReads.answer(eventId) { return read }
        return try store.readLatest { try $0.isProcessed(eventId) }
    }

    /// The ids the journals do not answer are read in one read transaction, and kept for the batch.
    func processed(among eventIds: [String]) throws -> Set<String> {
        try appliedReads.processed(among: eventIds, appliedHere: journaled) { unknown in
            try store.readLatest { try $0.processed(among: unknown) }
        }
    }

    /// Whether this batch or an earlier one still with the writer applied `eventId`.
    private func journaled(_ eventId: String) -> Bool {
        journal.processed.contains(eventId) || earlier.contains { $0.processed.contains(eventId) }
    }

    func markProcessed(_ eventId: String, at time: Date) throws {
        journal.markProcessed(eventId, at: time)
    }

    func pruneProcessed(before cutoff: Date) throws -> Int {
        journal.pruneProcessed(before: cutoff)
        return 0
    }

    // MARK: Entities

    func entity(namespace: String, key: String) throws -> Data? {
        if let known = known(namespace: namespace, key: key) { return known }
        return try store.readLatest { try $0.entity(namespace: namespace, key: key) }
    }

    /// What the journals say about `key`, else what a batched read found (`.some(nil)`: absent);
    /// `nil` when only the store knows.
    private func known(namespace: String, key: String) -> Data?? {
        if let written = journal.entity(namespace: namespace, key: key) { return written }
        for earlier in earlier.reversed() {
            if let written = earlier.entity(namespace: namespace, key: key) { return written }
        }
        guard let read = readAhead[namespace], let found = read[key] else { return nil }
        return .some(found)
    }

    func putEntity(namespace: String, key: String, value: Data) throws {
        journal.putEntity(namespace: namespace, key: key, value: value)
    }

    func deleteEntity(namespace: String, key: String) throws {
        journal.deleteEntity(namespace: namespace, key: key)
    }

    /// The keys only the store knows are read in one read transaction (not one each), and what it
    /// found is kept for the batch's later reads (``EntityReadAhead``).
    func entities(namespace: String, keys: [String]) throws -> [String: Data] {
        var found: [String: Data] = [:]
        var unknown: [String] = []
        for key in keys {
            if let known = known(namespace: namespace, key: key) {
                if let known { found[key] = known }
            } else {
                unknown.append(key)
            }
        }
        guard !unknown.isEmpty else { return found }
        let stored = try store.readLatest { try $0.entities(namespace: namespace, keys: unknown) }
        for key in unknown {
            readAhead[namespace, default: [:]][key] = .some(stored[key])
            if let value = stored[key] { found[key] = value }
        }
        return found
    }

    func entities(namespace: String, keyPrefix: String, limit: Int) throws -> [(key: String, value: Data)] {
        let journals = earlier + [journal]
        // Rows deleted by the journals may be among the stored ones: ask for as many more.
        let deleted = journals.reduce(0) { $0 + ($1.deletions[namespace] ?? 0) }
        var merged: [String: Data] = [:]
        let stored = try store.readLatest { try $0.entities(namespace: namespace, keyPrefix: keyPrefix, limit: limit + deleted) }
        for (key, value) in stored {
            merged[key] = value
        }
        for journal in journals {
            for (key, value) in journal.entities[namespace] ?? [:] where key.hasPrefix(keyPrefix) { merged[key] = value }
        }
        return merged.keys.sorted().prefix(limit).map { key in (key: key, value: merged[key]!) }
    }

    // MARK: Offsets

    func storedOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        var result = try store.readLatest { try $0.storedOffsets(for: partitions) }
        for journal in earlier + [journal] {
            for partition in partitions { if let next = journal.offsets[partition] { result[partition] = next } }
        }
        return result
    }

    func advanceOffset(_ partition: TopicPartition, expected: Int64?, next: Int64) throws -> Bool {
        let current = try storedOffsets(for: [partition])[partition]
        guard current == expected else { return false }
        journal.advanceOffset(partition, expected: expected, next: next)
        return true
    }

    // MARK: Timers

    func scheduleTimer(_ timer: DurableTimer) throws {
        journal.scheduleTimer(timer)
    }

    func cancelTimer(id: String) throws {
        journal.cancelTimer(id: id)
    }

    func timer(id: String) throws -> DurableTimer? {
        if let written = journal.timers[id] { return written }
        for earlier in earlier.reversed() {
            if let written = earlier.timers[id] { return written }
        }
        return try store.readLatest { try $0.timer(id: id) }
    }

    func claimTimer(id: String, dueAt: Date) throws -> Bool {
        throw Unsupported(operation: "claiming a timer")
    }

    func claimTimers(_ timers: [DurableTimer]) throws -> Set<String> {
        throw Unsupported(operation: "claiming timers")
    }

    func dueTimers(at time: Date, owners: [TopicPartition], limit: Int) throws -> [DurableTimer] {
        throw Unsupported(operation: "listing due timers")
    }

    func nextTimerDue(owners: [TopicPartition]) throws -> Date? {
        throw Unsupported(operation: "finding the next due timer")
    }

    func timerCount() throws -> Int {
        throw Unsupported(operation: "counting timers")
    }

    // MARK: Outbox

    /// Records the records; their sequence numbers are given when the writer stores them, so the
    /// pipeline sends them from the writer's report, not from this result.
    func appendOutbox(_ records: [OutboxRecord]) throws -> [OutboxRecord] {
        journal.appendOutbox(records)
        return records
    }

    func pendingOutbox(sources: [TopicPartition]) throws -> [OutboxRecord] {
        throw Unsupported(operation: "reading the outbox")
    }

    func deleteOutbox(sequences: [Int64]) throws {
        journal.deleteOutbox(sequences: sequences)
    }

    func outboxCount() throws -> Int {
        throw Unsupported(operation: "counting the outbox")
    }

    func outboxMarks(sources: [TopicPartition]) throws -> [OutboxMark] {
        throw Unsupported(operation: "reading output marks")
    }

    func setOutboxMarks(_ marks: [OutboxMark]) throws {
        journal.setOutboxMarks(marks)
    }
}
