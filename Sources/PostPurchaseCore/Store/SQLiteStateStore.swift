import Foundation
import GRDB
import Synchronization

/// The embedded default backend: one SQLite file per worker kind, in WAL mode, shared safely by
/// several processes of that worker on one host.
public final class SQLiteStateStore: StateStore {
    private let pool: DatabasePool
    /// Path of the database file.
    public let path: String
    /// `PRAGMA data_version` at the start of the previous write transaction: it changes only when
    /// another connection commits, so an equal value means our writer saw every change since.
    private let lastWriteDataVersion = Mutex<Int64?>(nil)
    /// How many write transactions found that another connection had committed since our previous
    /// one (the first write of this store counts too: it cannot tell).
    private let otherWritesSeen = Mutex<UInt64>(0)

    /// Opens (creating if needed) and migrates the database at `path`.
    public init(path: String, busyTimeout: Duration = .seconds(5)) throws {
        self.path = path
        try FileManager.default.createDirectory(
            atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        var configuration = Configuration()
        let seconds = Double(busyTimeout.components.seconds) + Double(busyTimeout.components.attoseconds) / 1e18
        configuration.busyMode = .timeout(seconds)
        configuration.prepareDatabase { db in
            // NORMAL is durable in WAL mode against process crashes (kill -9); only an OS crash or
            // power loss can drop the last transactions, which Kafka redelivers.
            try db.execute(sql: "PRAGMA synchronous = NORMAL")
            // The default 2 MB page cache makes every batch re-read its pages through pread once
            // the state outgrows it; 64 MB for the writer keeps a worker's hot pages (entities,
            // timers, idempotency ids) in memory, 8 MB for each reader (timer scans, housekeeping).
            // (Memory-mapping the file was faster still, but counts the whole mapped file in the
            // process's resident memory.)
            try db.execute(sql: db.configuration.readonly ? "PRAGMA cache_size = -8192" : "PRAGMA cache_size = -65536")
        }
        pool = try DatabasePool(path: path, configuration: configuration)
        // Instances of one kind may open a new file at the same moment: the migrator reads what is
        // applied before it takes the write lock, so the loser of the race fails on the winner's
        // tables. Migrating again then finds everything applied.
        var attempt = 0
        while true {
            do {
                try Self.migrator.migrate(pool)
                break
            } catch {
                attempt += 1
                if attempt >= 5 { throw error }
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
            }
        }
    }

    /// Opens the store of `workerName` under `dataDirectory`.
    public convenience init(dataDirectory: String, workerName: String) throws {
        try self.init(path: (dataDirectory as NSString).appendingPathComponent("\(workerName).sqlite"))
    }

    public func write<T>(_ body: (any StateTransaction) throws -> T) throws -> T {
        try pool.writeWithoutTransaction { db in
            var result: T?
            try db.inTransaction(.immediate) {
                // Read under the write lock, so nobody can commit between this check and the body.
                let version = try Int64.fetchOne(db.cachedStatement(sql: "PRAGMA data_version"))
                let continues = lastWriteDataVersion.withLock { last in
                    defer { last = version }
                    return version != nil && last == version
                }
                if !continues { otherWritesSeen.withLock { $0 += 1 } }
                result = try body(SQLiteTransaction(db: db, continuesLastWrite: continues))
                return .commit
            }
            return result!
        }
    }

    public func read<T>(_ body: (any StateTransaction) throws -> T) throws -> T {
        try pool.read { db in try body(SQLiteTransaction(db: db, continuesLastWrite: false)) }
    }

    public func readLatest<T>(_ body: (any StateTransaction) throws -> T) throws -> T {
        // Without BEGIN each statement is its own read transaction, ended as soon as it is reset.
        try pool.unsafeRead { db in try body(SQLiteTransaction(db: db, continuesLastWrite: false)) }
    }

    public func isHealthy() -> Bool {
        (try? pool.read { db in try Int.fetchOne(db, sql: "SELECT 1") }) == 1
    }

    public func isTransient(_ error: any Error) -> Bool {
        error is DatabaseError
    }

    /// Reads are lookups in this process (the page cache, at worst the file): nothing to gather.
    public var readsAreRoundTrips: Bool { false }

    public var writesByOthersSeen: UInt64 { otherWritesSeen.withLock { $0 } }

    /// WAL readers see a fixed snapshot without waiting for the writer, and `PRAGMA data_version`
    /// tells the writer whether another connection committed since its previous transaction.
    public var supportsWriteBehind: Bool { true }

    static let migrator: DatabaseMigrator = {
        var migrator = DatabaseMigrator()
        migrator.registerMigration("v1-runtime") { db in
            try db.execute(sql: """
                CREATE TABLE processed_events (
                    event_id TEXT PRIMARY KEY NOT NULL,
                    processed_at INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX processed_events_at ON processed_events(processed_at);
                CREATE TABLE entities (
                    namespace TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value BLOB NOT NULL,
                    PRIMARY KEY (namespace, key)
                ) WITHOUT ROWID;
                CREATE TABLE consumed_offsets (
                    topic TEXT NOT NULL,
                    partition INTEGER NOT NULL,
                    next_offset INTEGER NOT NULL,
                    PRIMARY KEY (topic, partition)
                ) WITHOUT ROWID;
                CREATE TABLE timers (
                    id TEXT PRIMARY KEY NOT NULL,
                    due_at INTEGER NOT NULL,
                    kind TEXT NOT NULL,
                    payload BLOB NOT NULL,
                    owner_topic TEXT NOT NULL,
                    owner_partition INTEGER NOT NULL
                ) WITHOUT ROWID;
                CREATE INDEX timers_due ON timers(owner_topic, owner_partition, due_at);
                CREATE TABLE outbox (
                    sequence INTEGER PRIMARY KEY AUTOINCREMENT,
                    source_topic TEXT NOT NULL,
                    source_partition INTEGER NOT NULL,
                    output_id TEXT NOT NULL,
                    topic TEXT NOT NULL,
                    partition INTEGER NOT NULL,
                    key BLOB,
                    value BLOB,
                    headers BLOB NOT NULL
                );
                CREATE INDEX outbox_source ON outbox(source_topic, source_partition, sequence);
                CREATE TABLE outbox_marks (
                    source_topic TEXT NOT NULL,
                    source_partition INTEGER NOT NULL,
                    topic TEXT NOT NULL,
                    partition INTEGER NOT NULL,
                    acked_offset INTEGER NOT NULL,
                    PRIMARY KEY (source_topic, source_partition, topic, partition)
                ) WITHOUT ROWID;
                """)
        }
        // A WITHOUT ROWID table keeps each row inside its primary-key B-tree, which SQLite advises
        // only for rows well under a twentieth of a page. Entities are often larger (an audit entry
        // carries its raw webhook, ~1 KB), so every insert split and rebalanced index pages and
        // each lookup compared long keys across deep pages (`sqlite3BtreeIndexMoveto` was 12 % of the
        // tracking worker's profile). A rowid table with a unique (namespace, key) index keeps the
        // lookup B-tree small and the values in the table B-tree.
        migrator.registerMigration("v2-entities-rowid") { db in
            try db.execute(sql: """
                CREATE TABLE entities_v2 (
                    id INTEGER PRIMARY KEY,
                    namespace TEXT NOT NULL,
                    key TEXT NOT NULL,
                    value BLOB NOT NULL
                );
                INSERT INTO entities_v2(namespace, key, value) SELECT namespace, key, value FROM entities;
                DROP TABLE entities;
                ALTER TABLE entities_v2 RENAME TO entities;
                CREATE UNIQUE INDEX entities_key ON entities(namespace, key);
                """)
        }
        return migrator
    }()
}

/// Milliseconds since 1970: how times are stored (exact, sortable integers).
private func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
private func date(millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }

/// One SQLite transaction; every statement is cached (prepared once per connection).
struct SQLiteTransaction: StateTransaction {
    let db: Database
    let continuesLastWrite: Bool

    private func execute(_ sql: String, _ arguments: StatementArguments) throws {
        try db.cachedStatement(sql: sql).execute(arguments: arguments)
    }

    func isProcessed(_ eventId: String) throws -> Bool {
        let statement = try SQLiteBoundStatement(db, sql: "SELECT 1 FROM processed_events WHERE event_id = ?")
        statement.bind(eventId, at: 1)
        return try statement.hasRow()
    }

    func markProcessed(_ eventId: String, at time: Date) throws {
        let statement = try SQLiteBoundStatement(db, sql: "INSERT OR IGNORE INTO processed_events(event_id, processed_at) VALUES (?, ?)")
        statement.bind(eventId, at: 1)
        statement.bind(millis(time), at: 2)
        try statement.run()
    }

    func pruneProcessed(before cutoff: Date) throws -> Int {
        try execute("DELETE FROM processed_events WHERE processed_at < ?", [millis(cutoff)])
        return db.changesCount
    }

    func entity(namespace: String, key: String) throws -> Data? {
        let statement = try SQLiteBoundStatement(db, sql: "SELECT value FROM entities WHERE namespace = ? AND key = ?")
        statement.bind(namespace, at: 1)
        statement.bind(key, at: 2)
        return try statement.firstBlob()
    }

    func entities(namespace: String, keys: [String]) throws -> [String: Data] {
        // One lookup per key: each is a B-tree probe in this process, as cheap as a batch would be.
        var found: [String: Data] = [:]
        for key in keys where found[key] == nil {
            if let value = try entity(namespace: namespace, key: key) { found[key] = value }
        }
        return found
    }

    func putEntity(namespace: String, key: String, value: Data) throws {
        let statement = try SQLiteBoundStatement(db, sql: """
            INSERT INTO entities(namespace, key, value) VALUES (?, ?, ?)
            ON CONFLICT(namespace, key) DO UPDATE SET value = excluded.value
            """)
        statement.bind(namespace, at: 1)
        statement.bind(key, at: 2)
        statement.bind(value, at: 3)
        try statement.run()
    }

    func deleteEntity(namespace: String, key: String) throws {
        let statement = try SQLiteBoundStatement(db, sql: "DELETE FROM entities WHERE namespace = ? AND key = ?")
        statement.bind(namespace, at: 1)
        statement.bind(key, at: 2)
        try statement.run()
    }

    func entities(namespace: String, keyPrefix: String, limit: Int) throws -> [(key: String, value: Data)] {
        // Range scan on the primary key: prefix <= key < prefix + U+10FFFF (the highest code
        // point; U+FFFF would miss keys that continue with an emoji or another astral character).
        let rows = try Row.fetchAll(
            db.cachedStatement(sql: "SELECT key, value FROM entities WHERE namespace = ? AND key >= ? AND key < ? ORDER BY key LIMIT ?"),
            arguments: [namespace, keyPrefix, keyPrefix + "\u{10FFFF}", limit])
        return rows.map { (key: $0["key"], value: $0["value"]) }
    }

    func storedOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        var result: [TopicPartition: Int64] = [:]
        let statement = try db.cachedStatement(sql: "SELECT next_offset FROM consumed_offsets WHERE topic = ? AND partition = ?")
        for tp in partitions {
            if let offset = try Int64.fetchOne(statement, arguments: [tp.topic, tp.partition]) { result[tp] = offset }
        }
        return result
    }

    func advanceOffset(_ partition: TopicPartition, expected: Int64?, next: Int64) throws -> Bool {
        if let expected {
            try execute("UPDATE consumed_offsets SET next_offset = ? WHERE topic = ? AND partition = ? AND next_offset = ?",
                        [next, partition.topic, partition.partition, expected])
        } else {
            try execute("INSERT OR IGNORE INTO consumed_offsets(topic, partition, next_offset) VALUES (?, ?, ?)",
                        [partition.topic, partition.partition, next])
        }
        return db.changesCount == 1
    }

    func claimTimers(_ timers: [DurableTimer]) throws -> Set<String> {
        var claimed: Set<String> = []
        for timer in timers where try claimTimer(id: timer.id, dueAt: timer.dueAt) { claimed.insert(timer.id) }
        return claimed
    }

    func scheduleTimer(_ timer: DurableTimer) throws {
        try execute("""
            INSERT OR REPLACE INTO timers(id, due_at, kind, payload, owner_topic, owner_partition) VALUES (?, ?, ?, ?, ?, ?)
            """, [timer.id, millis(timer.dueAt), timer.kind, timer.payload, timer.owner.topic, timer.owner.partition])
    }

    func cancelTimer(id: String) throws {
        try execute("DELETE FROM timers WHERE id = ?", [id])
    }

    func claimTimer(id: String, dueAt: Date) throws -> Bool {
        try execute("DELETE FROM timers WHERE id = ? AND due_at = ?", [id, millis(dueAt)])
        return db.changesCount == 1
    }

    private func timer(from row: Row) -> DurableTimer {
        DurableTimer(
            id: row["id"], dueAt: date(millis: row["due_at"]), kind: row["kind"], payload: row["payload"],
            owner: TopicPartition(topic: row["owner_topic"], partition: row["owner_partition"]))
    }

    func dueTimers(at time: Date, owners: [TopicPartition], limit: Int) throws -> [DurableTimer] {
        let statement = try db.cachedStatement(sql: """
            SELECT * FROM timers WHERE owner_topic = ? AND owner_partition = ? AND due_at <= ? ORDER BY due_at LIMIT ?
            """)
        var result: [DurableTimer] = []
        for owner in owners {
            let rows = try Row.fetchAll(statement, arguments: [owner.topic, owner.partition, millis(time), limit])
            result.append(contentsOf: rows.map(timer(from:)))
        }
        result.sort { ($0.dueAt, $0.id) < ($1.dueAt, $1.id) }
        return Array(result.prefix(limit))
    }

    func nextTimerDue(owners: [TopicPartition]) throws -> Date? {
        let statement = try db.cachedStatement(sql: "SELECT MIN(due_at) FROM timers WHERE owner_topic = ? AND owner_partition = ?")
        var earliest: Int64?
        for owner in owners {
            if let due = try Int64.fetchOne(statement, arguments: [owner.topic, owner.partition]) {
                earliest = min(earliest ?? due, due)
            }
        }
        return earliest.map { date(millis: $0) }
    }

    func timer(id: String) throws -> DurableTimer? {
        try Row.fetchOne(db.cachedStatement(sql: "SELECT * FROM timers WHERE id = ?"), arguments: [id]).map(timer(from:))
    }

    func timerCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM timers") ?? 0
    }

    func appendOutbox(_ records: [OutboxRecord]) throws -> [OutboxRecord] {
        let statement = try SQLiteBoundStatement(db, sql: """
            INSERT INTO outbox(source_topic, source_partition, output_id, topic, partition, key, value, headers)
            VALUES (?, ?, ?, ?, ?, ?, ?, ?)
            """)
        var stored = records
        for index in stored.indices {
            let record = stored[index]
            statement.bind(record.source.topic, at: 1)
            statement.bind(Int64(record.source.partition), at: 2)
            statement.bind(record.outputId, at: 3)
            statement.bind(record.topic, at: 4)
            statement.bind(Int64(record.partition), at: 5)
            statement.bind(record.key, at: 6)
            statement.bind(record.value, at: 7)
            statement.bind(HeaderCoding.encode(record.headers), at: 8)
            try statement.run()
            stored[index].sequence = db.lastInsertedRowID
        }
        return stored
    }

    func pendingOutbox(sources: [TopicPartition]) throws -> [OutboxRecord] {
        let statement = try db.cachedStatement(sql: "SELECT * FROM outbox WHERE source_topic = ? AND source_partition = ? ORDER BY sequence")
        var result: [OutboxRecord] = []
        for source in sources {
            for row in try Row.fetchAll(statement, arguments: [source.topic, source.partition]) {
                let key: Data? = row["key"]
                result.append(OutboxRecord(
                    sequence: row["sequence"], source: source, outputId: row["output_id"], topic: row["topic"],
                    partition: row["partition"], key: key.map { [UInt8]($0) }, value: row["value"],
                    headers: HeaderCoding.decode(row["headers"])))
            }
        }
        result.sort { $0.sequence < $1.sequence }
        return result
    }

    func deleteOutbox(sequences: [Int64]) throws {
        // A batch's rows were written one after another, so its sequences are mostly one run:
        // one range delete per run instead of one statement per row.
        let statement = try SQLiteBoundStatement(db, sql: "DELETE FROM outbox WHERE sequence BETWEEN ? AND ?")
        for run in SequenceRuns(sequences) {
            statement.bind(run.lowerBound, at: 1)
            statement.bind(run.upperBound, at: 2)
            try statement.run()
        }
    }

    func outboxCount() throws -> Int {
        try Int.fetchOne(db, sql: "SELECT COUNT(*) FROM outbox") ?? 0
    }

    func outboxMarks(sources: [TopicPartition]) throws -> [OutboxMark] {
        // Local lookups on the primary key's prefix: a loop costs less than building one query.
        let statement = try db.cachedStatement(sql: """
            SELECT topic, partition, acked_offset FROM outbox_marks WHERE source_topic = ? AND source_partition = ?
            """)
        var marks: [OutboxMark] = []
        for source in sources {
            let rows = try Row.fetchCursor(statement, arguments: [source.topic, source.partition])
            while let row = try rows.next() {
                marks.append(OutboxMark(source: source, output: TopicPartition(topic: row[0], partition: row[1]), offset: row[2]))
            }
        }
        return marks
    }

    func setOutboxMarks(_ marks: [OutboxMark]) throws {
        // One cached statement per mark: local writes, cheaper than building one statement.
        let statement = try db.cachedStatement(sql: """
            INSERT INTO outbox_marks(source_topic, source_partition, topic, partition, acked_offset) VALUES (?, ?, ?, ?, ?)
            ON CONFLICT(source_topic, source_partition, topic, partition) DO UPDATE SET acked_offset = MAX(acked_offset, excluded.acked_offset)
            """)
        for mark in marks {
            try statement.execute(arguments: [mark.source.topic, mark.source.partition, mark.output.topic, mark.output.partition, mark.offset])
        }
    }
}
