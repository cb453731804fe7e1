import Foundation

/// Where a worker keeps its state, idempotency records, timers, outbox and consumed offsets.
///
/// Every SQL statement lives behind this protocol (see ``SQLiteStateStore``), so another backend
/// (PostgreSQL for multi-host deployments) can replace SQLite without touching worker logic.
/// Calls are synchronous: a worker's pipeline runs them on its own thread, never on Swift's
/// cooperative pool.
public protocol StateStore: AnyObject, Sendable {
    /// Runs `body` in one write transaction: everything it does is committed together or not at all.
    func write<T>(_ body: (any StateTransaction) throws -> T) throws -> T
    /// Runs `body` with a consistent read-only view.
    func read<T>(_ body: (any StateTransaction) throws -> T) throws -> T
    /// Runs `body` with a read-only view in which each statement sees what is committed when it
    /// runs, holding no read transaction in between: for reads behind a ``StateWriter``, where a
    /// snapshot held for a whole batch would keep SQLite's log from ever being checkpointed to its
    /// start (it grew by the batch's size every batch). ``read(_:)`` by default.
    func readLatest<T>(_ body: (any StateTransaction) throws -> T) throws -> T
    /// Whether the store is open and answering (for `/health/ready`).
    func isHealthy() -> Bool
    /// Whether `error` (thrown by this store) is a passing condition (busy, locked, I/O) to retry
    /// rather than a reason to dead-letter.
    func isTransient(_ error: any Error) -> Bool
    /// Whether every read is a round trip to a database server (PostgreSQL), so a caller about to
    /// run many handlers in one transaction gains from gathering their reads into a few
    /// ``StateTransaction/entities(namespace:keys:)`` calls first (see ``EntityReadAhead``);
    /// false when reads are local lookups that cost less than gathering them (SQLite).
    var readsAreRoundTrips: Bool { get }
    /// Whether the pipeline may commit a batch on another thread while it handles the next one
    /// against what is committed (``readLatest(_:)``) plus the pending batches' writes (see
    /// ``StateWriter``): true where reads never wait for the writer and the writer can tell
    /// whether anyone else committed meanwhile (SQLite in WAL mode). False by default.
    var supportsWriteBehind: Bool { get }
    /// With ``supportsWriteBehind``: how many of this store's write transactions so far found that
    /// someone else had committed since its previous one (never decreases). If the count is the
    /// same at a later write of ours, nobody else committed between taking it and that write, so
    /// every read made in between saw only our own commits.
    var writesByOthersSeen: UInt64 { get }
}

extension StateStore {
    public func readLatest<T>(_ body: (any StateTransaction) throws -> T) throws -> T { try read(body) }
    public var supportsWriteBehind: Bool { false }
    public var writesByOthersSeen: UInt64 { 0 }
}

/// The operations available inside a store transaction.
public protocol StateTransaction {
    // MARK: Idempotency
    /// Whether an input event id was already applied.
    func isProcessed(_ eventId: String) throws -> Bool
    /// Which of `eventIds` were already applied: many ``isProcessed(_:)`` in one. On PostgreSQL it
    /// is one round trip, and later ``isProcessed(_:)`` calls for these ids in the same transaction
    /// need none.
    func processed(among eventIds: [String]) throws -> Set<String>
    /// Records an input event id as applied.
    func markProcessed(_ eventId: String, at time: Date) throws
    /// Forgets applied ids older than `cutoff`; returns how many were removed.
    func pruneProcessed(before cutoff: Date) throws -> Int

    // MARK: Entities (the workers' domain state, as encoded documents)
    func entity(namespace: String, key: String) throws -> Data?
    func putEntity(namespace: String, key: String, value: Data) throws
    func deleteEntity(namespace: String, key: String) throws
    /// The stored values of these keys of a namespace (absent keys left out), seeing this
    /// transaction's own writes: many reads in one. On PostgreSQL it is one round trip, and later
    /// ``entity(namespace:key:)`` calls for these keys in the same transaction need none.
    func entities(namespace: String, keys: [String]) throws -> [String: Data]
    /// Keys and values of a namespace whose key starts with `prefix`, in key order.
    func entities(namespace: String, keyPrefix: String, limit: Int) throws -> [(key: String, value: Data)]

    // MARK: Consumed offsets (kept with the state, so state and position change together)
    func storedOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64]
    /// Moves a partition's next offset from `expected` to `next`. Returns false, changing nothing,
    /// when the stored offset is not `expected` (another instance processed the partition meanwhile).
    func advanceOffset(_ partition: TopicPartition, expected: Int64?, next: Int64) throws -> Bool

    // MARK: Durable timers
    /// Creates or replaces the timer with this id.
    func scheduleTimer(_ timer: DurableTimer) throws
    func cancelTimer(id: String) throws
    /// Removes the timer if it is still due at `dueAt`; true when this call claimed it.
    func claimTimer(id: String, dueAt: Date) throws -> Bool
    /// Removes those of `timers` still due at their `dueAt` and returns their ids: what
    /// ``claimTimer(id:dueAt:)`` does for each, in one go (one round trip on PostgreSQL).
    func claimTimers(_ timers: [DurableTimer]) throws -> Set<String>
    /// Timers of these source partitions due at or before `time`, earliest first.
    func dueTimers(at time: Date, owners: [TopicPartition], limit: Int) throws -> [DurableTimer]
    /// The earliest due time among these source partitions' timers.
    func nextTimerDue(owners: [TopicPartition]) throws -> Date?
    func timer(id: String) throws -> DurableTimer?
    func timerCount() throws -> Int

    // MARK: Outbox
    /// Stores records and returns them with their sequence numbers.
    func appendOutbox(_ records: [OutboxRecord]) throws -> [OutboxRecord]
    /// Unpublished records of these source partitions, in the order they were written.
    func pendingOutbox(sources: [TopicPartition]) throws -> [OutboxRecord]
    func deleteOutbox(sequences: [Int64]) throws
    func outboxCount() throws -> Int
    /// Every mark (highest acknowledged output offset per output partition) of these input
    /// partitions, in one read: one round trip on PostgreSQL, where a partition assignment asks
    /// for over a thousand pairs.
    func outboxMarks(sources: [TopicPartition]) throws -> [OutboxMark]
    /// Stores `marks`, each only raising its pair's stored offset; a pair given twice keeps the
    /// higher one. One statement on PostgreSQL.
    func setOutboxMarks(_ marks: [OutboxMark]) throws

    // MARK: Caching
    /// Whether this write transaction starts from exactly what the store's previous write
    /// transaction left: nobody else (another process on the file, another host on the server)
    /// committed in between. The runtime then reuses entities it decoded earlier without reading
    /// them again. `false` when the backend cannot tell, and for read transactions.
    var continuesLastWrite: Bool { get }
}

extension StateTransaction {
    public var continuesLastWrite: Bool { false }

    /// One ``isProcessed(_:)`` per id: where a read is a lookup in this process, that is all a
    /// batched read would do.
    public func processed(among eventIds: [String]) throws -> Set<String> {
        var found = Set<String>()
        for eventId in eventIds where try isProcessed(eventId) { found.insert(eventId) }
        return found
    }

    /// The mark of one (input partition, output partition) pair, through ``outboxMarks(sources:)``.
    public func outboxMark(source: TopicPartition, output: TopicPartition) throws -> Int64? {
        try outboxMarks(sources: [source]).first { $0.output == output }?.offset
    }

    /// Raises the mark of one pair, through ``setOutboxMarks(_:)``.
    public func setOutboxMark(source: TopicPartition, output: TopicPartition, offset: Int64) throws {
        try setOutboxMarks([OutboxMark(source: source, output: output, offset: offset)])
    }
}
