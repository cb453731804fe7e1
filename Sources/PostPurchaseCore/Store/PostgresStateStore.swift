import Foundation
import Logging
import PostgresNIO
import Synchronization

/// The multi-host backend: state in one PostgreSQL database shared by every instance of a worker
/// kind, on any host, so a partition's new owner sees what its old owner wrote.
///
/// Each worker kind gets its own schema (`echo-worker` → `echo_worker`), created and migrated on
/// open. Semantics match ``SQLiteStateStore``; what SQLite gets from serialising every writer,
/// this store gets from the database: write transactions are `SERIALIZABLE`, the offset fence is
/// a conditional update, idempotency ids and entities are written with unique constraints and
/// version checks (an entity changed by another instance since this transaction read it fails
/// the transaction with a transient ``ConcurrentUpdate`` or serialization failure, and the
/// pipeline retries the batch), and a timer is claimed with `FOR UPDATE SKIP LOCKED`, so exactly
/// one instance fires it.
///
/// Calls block: the pipeline calls the store from its own thread (see ``PipelineService``), never
/// from Swift's cooperative pool, and the store API is synchronous like SQLite's. Each query is
/// handed to postgres-nio's event loop and the calling thread waits for the answer
/// (`EventLoopFuture.wait()`); the event loop itself never blocks.
public final class PostgresStateStore: StateStore {
    /// Where the store connects (without the password).
    public let url: PostgresDatabaseURL
    /// The schema that holds this worker kind's tables.
    public let schema: String
    private let configuration: PostgresConnection.Configuration
    private let logger: Logger
    private let idle = Mutex<[PostgresConnection]>([])
    private let nextConnectionID = Atomic<Int>(1)
    /// Connections kept open between transactions; more are opened on demand.
    private let maxIdleConnections = 4

    /// Another instance changed a row this transaction read and meant to change (a lost update
    /// prevented): the transaction is rolled back and the batch is retried.
    public struct ConcurrentUpdate: Error, CustomStringConvertible {
        /// What conflicted, e.g. `entity shipment/o-1` or `event id e-1`.
        public var what: String
        public var description: String { "\(what) was changed by another instance meanwhile; retrying" }
    }

    /// `workerName` has kept no state in the database: thrown instead of creating an empty
    /// schema when the store is opened with `createIfMissing: false`.
    public struct Missing: Error, CustomStringConvertible {
        /// The schema looked for.
        public var schema: String
        /// The database, without its password.
        public var url: PostgresDatabaseURL
        public var description: String { "no schema \(schema) in \(url)" }
    }

    /// Connects to `url`, creates the schema of `workerName` and migrates it.
    ///
    /// - Parameter createIfMissing: false for readers (the CLI): when the schema of `workerName`
    ///   does not exist, throw ``Missing`` and create nothing.
    public init(url: PostgresDatabaseURL, workerName: String, connectTimeout: Duration = .seconds(10), createIfMissing: Bool = true,
                logger: Logger = Logger(label: "postgres-store", factory: { _ in SwiftLogNoOpLogHandler() })) throws {
        self.url = url
        self.schema = Self.schemaName(workerName)
        self.logger = logger
        let tls: PostgresConnection.Configuration.TLS
        switch url.tls {
        case .disable: tls = .disable
        case .prefer: tls = .prefer(try NIOSSLContext(configuration: .makeClientConfiguration()))
        case .require: tls = .require(try NIOSSLContext(configuration: .makeClientConfiguration()))
        }
        var configuration = PostgresConnection.Configuration(
            host: url.host, port: url.port, username: url.username, password: url.password, database: url.database, tls: tls)
        configuration.options.connectTimeout = .nanoseconds(Int64(connectTimeout.components.seconds) * 1_000_000_000
            + connectTimeout.components.attoseconds / 1_000_000_000)
        self.configuration = configuration
        try migrate(createIfMissing: createIfMissing)
    }

    /// Parses `url` (see ``PostgresDatabaseURL``) and opens the store of `workerName`.
    public convenience init(url: String, workerName: String,
                            logger: Logger = Logger(label: "postgres-store", factory: { _ in SwiftLogNoOpLogHandler() })) throws {
        try self.init(url: PostgresDatabaseURL(url), workerName: workerName, logger: logger)
    }

    deinit {
        for connection in idle.withLock({ $0 }) { Self.close(connection) }
    }

    /// A worker name as a schema name: lower-case letters, digits and `_`.
    static func schemaName(_ workerName: String) -> String {
        let cleaned = String(workerName.lowercased().unicodeScalars.map { scalar -> Character in
            ("a"..."z").contains(scalar) || ("0"..."9").contains(scalar) ? Character(scalar) : "_"
        })
        return cleaned.first.map { ("a"..."z").contains($0) } == true ? cleaned : "w_" + cleaned
    }

    public func write<T>(_ body: (any StateTransaction) throws -> T) throws -> T {
        try withConnection { connection in
            // Serializable, as SQLite's one-writer-at-a-time is: a decision one instance takes from
            // what it did not find (no tracking-number index yet, so the carrier update is parked)
            // must not commit beside another instance's decision from the opposite view (no parked
            // update yet, so the index is written). Row versions alone cannot see that write skew;
            // PostgreSQL fails one of the two with a serialization failure (40001), which is
            // transient: the pipeline retries the batch with fresh reads.
            try Self.wait(connection.query("BEGIN ISOLATION LEVEL SERIALIZABLE", logger: logger))
            let transaction = PostgresTransaction(connection: connection, logger: logger)
            let result = try body(transaction)
            try transaction.flush()
            try Self.wait(connection.query("COMMIT", logger: logger))
            return result
        }
    }

    public func read<T>(_ body: (any StateTransaction) throws -> T) throws -> T {
        try withConnection { connection in
            // One snapshot for the whole read, like a SQLite read transaction.
            try Self.wait(connection.query("BEGIN ISOLATION LEVEL REPEATABLE READ READ ONLY", logger: logger))
            let result = try body(PostgresTransaction(connection: connection, logger: logger))
            try Self.wait(connection.query("COMMIT", logger: logger))
            return result
        }
    }

    public func isHealthy() -> Bool {
        (try? withConnection { connection in
            try Self.wait(connection.query("SELECT 1", logger: logger)).count == 1
        }) ?? false
    }

    public func isTransient(_ error: any Error) -> Bool {
        if error is ConcurrentUpdate { return true }
        if let error = error as? PSQLError {
            guard error.code == .server, let state = error.serverInfo?[.sqlState] else {
                // Connection lost, closed or refused, or a query cancelled: the database comes back.
                return true
            }
            // Retry what passes: serialization failures and deadlocks (40), connection problems
            // (08), lack of resources (53), operator intervention such as a restart (57), lock
            // timeouts (55P03) and unique violations between concurrent inserts (23505).
            return ["40", "08", "53", "57"].contains(String(state.prefix(2))) || state == "55P03" || state == "23505"
        }
        // Socket-level failures (connection refused, reset) surface as NIO's errors.
        return error is IOError || error is ChannelError || error is NIOConnectionError
    }

    /// Every read waits for the server's answer.
    public var readsAreRoundTrips: Bool { true }

    // MARK: - Connections

    /// Runs `body` on an idle (or new) connection; a connection whose transaction did not end
    /// cleanly is rolled back, or closed if even that fails.
    private func withConnection<T>(_ body: (PostgresConnection) throws -> T) throws -> T {
        let connection = try checkOut()
        do {
            let result = try body(connection)
            checkIn(connection)
            return result
        } catch {
            if !connection.isClosed, (try? Self.wait(connection.query("ROLLBACK", logger: logger))) != nil {
                checkIn(connection)
            } else {
                Self.close(connection)
            }
            throw error
        }
    }

    private func checkOut() throws -> PostgresConnection {
        while let connection = idle.withLock({ $0.popLast() }) {
            if !connection.isClosed { return connection }
        }
        let id = nextConnectionID.add(1, ordering: .relaxed).oldValue
        let connection = try PostgresConnection.connect(
            on: PostgresConnection.defaultEventLoopGroup.any(), configuration: configuration, id: id, logger: logger
        ).wait()
        do {
            // Every statement names its tables unqualified: the schema is the search path.
            _ = try Self.wait(connection.query(PostgresQuery(unsafeSQL: "SET search_path TO \"\(schema)\""), logger: logger))
        } catch {
            Self.close(connection)
            throw error
        }
        return connection
    }

    private func checkIn(_ connection: PostgresConnection) {
        guard !connection.isClosed else { return }
        let kept = idle.withLock { connections -> Bool in
            guard connections.count < maxIdleConnections else { return false }
            connections.append(connection)
            return true
        }
        if !kept { Self.close(connection) }
    }

    /// Closes without waiting (the EventLoopFuture variant, not the async one). The callback
    /// keeps the connection alive until it is closed: postgres-nio asserts that a connection is
    /// closed before it is deinitialised.
    private static func close(_ connection: PostgresConnection) {
        let closed: EventLoopFuture<Void> = connection.close()
        closed.whenComplete { _ in withExtendedLifetime(connection) {} }
    }

    /// Waits for a query on the calling thread (never an event loop thread: see the type's comment).
    @discardableResult
    static func wait(_ future: EventLoopFuture<PostgresQueryResult>) throws -> PostgresQueryResult {
        try future.wait()
    }

    // MARK: - Schema

    /// Schema migrations, applied in order, each once, under an advisory lock so instances that
    /// start together do not race.
    static let migrations: [(version: Int, sql: [String])] = [
        (1, [
            // Identifiers that come from input data (event ids, keys, timer and output ids) are
            // bytea: text cannot hold U+0000, and bytea sorts by byte like SQLite's BINARY
            // collation, whatever the database's locale (prefix scans depend on that).
            """
            CREATE TABLE processed_events (
                event_id BYTEA PRIMARY KEY,
                processed_at BIGINT NOT NULL
            )
            """,
            "CREATE INDEX processed_events_at ON processed_events(processed_at)",
            """
            CREATE TABLE entities (
                namespace TEXT COLLATE "C" NOT NULL,
                key BYTEA NOT NULL,
                value BYTEA NOT NULL,
                version BIGINT NOT NULL DEFAULT 1,
                PRIMARY KEY (namespace, key)
            )
            """,
            """
            CREATE TABLE consumed_offsets (
                topic TEXT COLLATE "C" NOT NULL,
                partition INTEGER NOT NULL,
                next_offset BIGINT NOT NULL,
                PRIMARY KEY (topic, partition)
            )
            """,
            """
            CREATE TABLE timers (
                id BYTEA PRIMARY KEY,
                due_at BIGINT NOT NULL,
                kind TEXT NOT NULL,
                payload BYTEA NOT NULL,
                owner_topic TEXT COLLATE "C" NOT NULL,
                owner_partition INTEGER NOT NULL
            )
            """,
            "CREATE INDEX timers_due ON timers(owner_topic, owner_partition, due_at)",
            """
            CREATE TABLE outbox (
                sequence BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
                source_topic TEXT COLLATE "C" NOT NULL,
                source_partition INTEGER NOT NULL,
                output_id BYTEA NOT NULL,
                topic TEXT NOT NULL,
                partition INTEGER NOT NULL,
                key BYTEA,
                value BYTEA,
                headers BYTEA NOT NULL
            )
            """,
            "CREATE INDEX outbox_source ON outbox(source_topic, source_partition, sequence)",
            """
            CREATE TABLE outbox_marks (
                source_topic TEXT COLLATE "C" NOT NULL,
                source_partition INTEGER NOT NULL,
                topic TEXT COLLATE "C" NOT NULL,
                partition INTEGER NOT NULL,
                acked_offset BIGINT NOT NULL,
                PRIMARY KEY (source_topic, source_partition, topic, partition)
            )
            """,
        ]),
    ]

    private func migrate(createIfMissing: Bool) throws {
        try withConnection { connection in
            func run(_ sql: String) throws -> PostgresQueryResult {
                try Self.wait(connection.query(PostgresQuery(unsafeSQL: sql), logger: logger))
            }
            _ = try run("BEGIN")
            if !createIfMissing {
                let found = try Self.wait(connection.query("""
                    SELECT count(*) FROM information_schema.tables WHERE table_schema = \(schema) AND table_name = 'schema_migrations'
                    """, logger: logger))
                guard try found.first?.decode(Int.self) == 1 else { throw Missing(schema: schema, url: url) }
            }
            // One lock per schema: concurrent CREATE SCHEMA IF NOT EXISTS can still collide.
            _ = try run("SELECT pg_advisory_xact_lock(hashtext('postpurchase-migrate:\(schema)'))")
            _ = try run("CREATE SCHEMA IF NOT EXISTS \"\(schema)\"")
            _ = try run("CREATE TABLE IF NOT EXISTS schema_migrations (version INTEGER PRIMARY KEY, applied_at TIMESTAMPTZ NOT NULL DEFAULT now())")
            let applied = Set(try run("SELECT version FROM schema_migrations").map { try $0.decode(Int.self) })
            for migration in Self.migrations where !applied.contains(migration.version) {
                for statement in migration.sql { _ = try run(statement) }
                _ = try run("INSERT INTO schema_migrations(version) VALUES (\(migration.version))")
                logger.info("migrated the state store", metadata: ["store.schema": "\(schema)", "store.version": "\(migration.version)"])
            }
            _ = try run("COMMIT")
        }
    }
}
