import Foundation
import Logging
import PostgresNIO

/// One PostgreSQL transaction of a ``PostgresStateStore``.
///
/// Round trips are what cost here, so writes that need no answer are sent without waiting (the
/// connection runs them in order; the next read or the commit waits for them and reports their
/// errors), and entity writes and idempotency ids are kept until the commit (or a read that must
/// see them) and written with one statement per kind of change. An entity read once (alone, or
/// many in one statement by ``entities(namespace:keys:)``) is answered again from memory.
final class PostgresTransaction: StateTransaction {
    private let connection: PostgresConnection
    private let logger: Logger
    /// Writes sent but not yet waited for, in order.
    private var unanswered: [EventLoopFuture<PostgresQueryResult>] = []

    private struct EntityKey: Hashable, Comparable {
        var namespace: String
        var key: String
        static func < (a: Self, b: Self) -> Bool {
            a.namespace != b.namespace ? a.namespace < b.namespace : a.key.utf8.lexicographicallyPrecedes(b.key.utf8)
        }
    }

    /// The version each entity had when this transaction first read it (`nil`: absent).
    private var readVersions: [EntityKey: Int64?] = [:]
    /// Entity changes not yet written (`nil`: delete), and their order.
    private var entityChanges: [EntityKey: Data?] = [:]
    /// What this transaction knows an entity holds (`nil`: absent), from reading or writing it:
    /// its snapshot cannot change under it, so reading it again needs no round trip.
    private var known: [EntityKey: Data?] = [:]
    /// Entities this transaction already wrote: their rows are locked until the commit.
    private var written: Set<EntityKey> = []
    /// Idempotency ids to insert, and the ids this transaction saw absent.
    private var newProcessed: [String: Int64] = [:]
    private var seenUnprocessed: Set<String> = []
    /// Ids ``processed(among:)`` read: an applied id stays applied, and one seen absent is in
    /// ``seenUnprocessed``, so the commit notices if another instance applies it meanwhile.
    private var appliedReads = AppliedEventReads()

    init(connection: PostgresConnection, logger: Logger) {
        self.connection = connection
        self.logger = logger
    }

    // MARK: Plumbing

    /// Runs a query and waits for it (and for every write sent before it).
    @discardableResult
    private func fetch(_ query: PostgresQuery) throws -> PostgresQueryResult {
        let future = connection.query(query, logger: logger)
        let result = Result { try future.wait() }
        try settleUnanswered()
        return try result.get()
    }

    /// Sends a write whose answer is not needed now.
    private func send(_ query: PostgresQuery) {
        unanswered.append(connection.query(query, logger: logger))
    }

    /// Waits for the writes sent so far; the first failure is the one to report (later
    /// statements only fail because the transaction was already aborted).
    private func settleUnanswered() throws {
        let futures = unanswered
        unanswered.removeAll()
        var firstError: (any Error)?
        for future in futures {
            do { _ = try future.wait() } catch { if firstError == nil { firstError = error } }
        }
        if let firstError { throw firstError }
    }

    private static func bytes(_ text: String) -> ByteBuffer { ByteBuffer(string: text) }
    private static func bytes(_ data: Data) -> ByteBuffer { ByteBuffer(bytes: data) }
    private static func text(_ buffer: ByteBuffer) -> String { String(buffer: buffer) }
    private static func data(_ buffer: ByteBuffer) -> Data { Data(buffer.readableBytesView) }

    /// Writes everything kept back; called before the commit and before reads that must see it.
    func flush() throws {
        try flushProcessed()
        try flushEntities()
        try settleUnanswered()
    }

    // MARK: Idempotency

    func isProcessed(_ eventId: String) throws -> Bool {
        if newProcessed[eventId] != nil { return true }
        if let read = appliedReads.answer(eventId) { return read }
        let found = try fetch("SELECT 1 FROM processed_events WHERE event_id = \(Self.bytes(eventId))").count > 0
        if !found { seenUnprocessed.insert(eventId) }
        return found
    }

    func processed(among eventIds: [String]) throws -> Set<String> {
        try appliedReads.processed(among: eventIds, appliedHere: { newProcessed[$0] != nil }) { unknown in
            let rows = try fetch("SELECT event_id FROM processed_events WHERE event_id = ANY(\(unknown.map { Self.bytes($0) })::bytea[])")
            let applied = Set(try rows.map { Self.text(try $0.decode(ByteBuffer.self)) })
            seenUnprocessed.formUnion(unknown.lazy.filter { !applied.contains($0) })
            return applied
        }
    }

    func markProcessed(_ eventId: String, at time: Date) throws {
        if newProcessed[eventId] == nil { newProcessed[eventId] = millis(time) }
    }

    private func flushProcessed() throws {
        guard !newProcessed.isEmpty else { return }
        let ids = newProcessed.keys.sorted { $0.utf8.lexicographicallyPrecedes($1.utf8) }
        let times = ids.map { newProcessed[$0]! }
        newProcessed.removeAll()
        let inserted = try fetch("""
            INSERT INTO processed_events(event_id, processed_at)
            SELECT * FROM unnest(\(ids.map { Self.bytes($0) })::bytea[], \(times)::bigint[])
            ON CONFLICT (event_id) DO NOTHING RETURNING event_id
            """)
        guard inserted.count < ids.count else { return }
        // An id this transaction saw unprocessed was applied by another instance meanwhile: the
        // event's effects would be applied twice, so this transaction must not commit.
        let insertedIds = Set(try inserted.map { Self.text(try $0.decode(ByteBuffer.self)) })
        if let raced = ids.first(where: { !insertedIds.contains($0) && seenUnprocessed.contains($0) }) {
            throw PostgresStateStore.ConcurrentUpdate(what: "event id \(raced)")
        }
    }

    func pruneProcessed(before cutoff: Date) throws -> Int {
        try flushProcessed()
        return try fetch("DELETE FROM processed_events WHERE processed_at < \(millis(cutoff))").metadata.rows ?? 0
    }

    // MARK: Entities

    func entity(namespace: String, key: String) throws -> Data? {
        let id = EntityKey(namespace: namespace, key: key)
        if let change = entityChanges[id] { return change }
        if let value = known[id] { return value }
        let rows = try fetch("SELECT value, version FROM entities WHERE namespace = \(namespace) AND key = \(Self.bytes(key))")
        guard let row = rows.first else {
            remember(id, version: nil)
            known[id] = .some(nil)
            return nil
        }
        let (value, version) = try row.decode((ByteBuffer, Int64).self)
        remember(id, version: version)
        let data = Self.data(value)
        known[id] = .some(data)
        return data
    }

    func entities(namespace: String, keys: [String]) throws -> [String: Data] {
        var found: [String: Data] = [:]
        var unknown: [String] = []
        var seen: Set<String> = []
        for key in keys where seen.insert(key).inserted {
            let id = EntityKey(namespace: namespace, key: key)
            if let value = entityChanges[id] ?? known[id] {
                if let value { found[key] = value }
            } else {
                unknown.append(key)
            }
        }
        guard !unknown.isEmpty else { return found }
        // One primary-key probe per key. (`key = ANY(array)` lets the planner, misled by statistics
        // older than a fast-growing table, scan the whole namespace instead: 200 ms for 500 keys
        // among 200 000, against 2 ms.)
        let rows = try fetch("""
            SELECT e.key, e.value, e.version FROM unnest(\(unknown.map { Self.bytes($0) })::bytea[]) AS k(key)
            CROSS JOIN LATERAL (SELECT key, value, version FROM entities WHERE namespace = \(namespace) AND key = k.key) AS e
            """)
        for row in rows {
            let (key, value, version) = try row.decode((ByteBuffer, ByteBuffer, Int64).self)
            let text = Self.text(key)
            let id = EntityKey(namespace: namespace, key: text)
            let data = Self.data(value)
            remember(id, version: version)
            known[id] = .some(data)
            found[text] = data
        }
        // The rest are absent, and remembered as read absent: if another instance inserts one
        // meanwhile, this transaction's insert of it fails, as after a single read.
        for key in unknown where found[key] == nil {
            let id = EntityKey(namespace: namespace, key: key)
            remember(id, version: nil)
            known[id] = .some(nil)
        }
        return found
    }

    /// Keeps the first version read: the transaction's decisions rest on it.
    private func remember(_ id: EntityKey, version: Int64?) {
        guard !written.contains(id), readVersions[id] == nil else { return }
        readVersions[id] = .some(version)
    }

    func putEntity(namespace: String, key: String, value: Data) throws {
        entityChanges[EntityKey(namespace: namespace, key: key)] = .some(value)
    }

    func deleteEntity(namespace: String, key: String) throws {
        entityChanges[EntityKey(namespace: namespace, key: key)] = .some(nil)
    }

    func entities(namespace: String, keyPrefix: String, limit: Int) throws -> [(key: String, value: Data)] {
        try flushEntities()
        // Every key with this prefix lies in [prefix, prefix + 0xFF): no UTF-8 byte is 0xFF.
        let lower = Self.bytes(keyPrefix)
        var upper = lower
        upper.writeInteger(UInt8(0xFF))
        let rows = try fetch("""
            SELECT key, value, version FROM entities WHERE namespace = \(namespace) AND key >= \(lower) AND key < \(upper)
            ORDER BY key LIMIT \(limit)
            """)
        return try rows.map { row in
            let (key, value, version) = try row.decode((ByteBuffer, ByteBuffer, Int64).self)
            let text = Self.text(key)
            remember(EntityKey(namespace: namespace, key: text), version: version)
            return (key: text, value: Self.data(value))
        }
    }

    /// Writes the kept entity changes: rows read before are updated or deleted only if their
    /// version is still the one read, rows read as absent are inserted only if still absent, and
    /// rows never read (or already written by this transaction, hence locked) are written as is.
    private func flushEntities() throws {
        guard !entityChanges.isEmpty else { return }
        var updates: [(EntityKey, Data, Int64)] = [], inserts: [(EntityKey, Data)] = [], upserts: [(EntityKey, Data)] = []
        var versionedDeletes: [(EntityKey, Int64)] = [], deletes: [EntityKey] = [], absentDeletes: [EntityKey] = []
        // Sorted, so that two instances lock rows in the same order (fewer deadlocks).
        for id in entityChanges.keys.sorted() {
            let change = entityChanges[id]!
            let read = written.contains(id) ? nil : readVersions[id]
            switch (change, read) {
            case (.some(let value), .some(.some(let version))): updates.append((id, value, version))
            case (.some(let value), .some(.none)): inserts.append((id, value))
            case (.some(let value), .none): upserts.append((id, value))
            case (.none, .some(.some(let version))): versionedDeletes.append((id, version))
            case (.none, .some(.none)): absentDeletes.append(id)
            case (.none, .none): deletes.append(id)
            }
        }
        let changes = entityChanges
        entityChanges.removeAll()
        var checks: [(future: EventLoopFuture<PostgresQueryResult>, expected: Int?, what: [EntityKey])] = []
        func run(_ query: PostgresQuery, expecting expected: Int?, _ what: [EntityKey]) {
            checks.append((connection.query(query, logger: logger), expected, what))
        }
        if !updates.isEmpty {
            run("""
                UPDATE entities e SET value = u.value, version = e.version + 1
                FROM unnest(\(updates.map(\.0.namespace))::text[], \(updates.map { Self.bytes($0.0.key) })::bytea[],
                            \(updates.map { Self.bytes($0.1) })::bytea[], \(updates.map(\.2))::bigint[]) AS u(namespace, key, value, version)
                WHERE e.namespace = u.namespace AND e.key = u.key AND e.version = u.version
                """, expecting: updates.count, updates.map(\.0))
        }
        if !inserts.isEmpty {
            run("""
                INSERT INTO entities(namespace, key, value)
                SELECT * FROM unnest(\(inserts.map(\.0.namespace))::text[], \(inserts.map { Self.bytes($0.0.key) })::bytea[],
                                     \(inserts.map { Self.bytes($0.1) })::bytea[])
                ON CONFLICT (namespace, key) DO NOTHING
                """, expecting: inserts.count, inserts.map(\.0))
        }
        if !upserts.isEmpty {
            run("""
                INSERT INTO entities(namespace, key, value)
                SELECT * FROM unnest(\(upserts.map(\.0.namespace))::text[], \(upserts.map { Self.bytes($0.0.key) })::bytea[],
                                     \(upserts.map { Self.bytes($0.1) })::bytea[])
                ON CONFLICT (namespace, key) DO UPDATE SET value = excluded.value, version = entities.version + 1
                """, expecting: nil, [])
        }
        if !versionedDeletes.isEmpty {
            run("""
                DELETE FROM entities e
                USING unnest(\(versionedDeletes.map(\.0.namespace))::text[], \(versionedDeletes.map { Self.bytes($0.0.key) })::bytea[],
                             \(versionedDeletes.map(\.1))::bigint[]) AS d(namespace, key, version)
                WHERE e.namespace = d.namespace AND e.key = d.key AND e.version = d.version
                """, expecting: versionedDeletes.count, versionedDeletes.map(\.0))
        }
        for (list, expected) in [(deletes, nil), (absentDeletes, 0)] as [([EntityKey], Int?)] where !list.isEmpty {
            run("""
                DELETE FROM entities e
                USING unnest(\(list.map(\.namespace))::text[], \(list.map { Self.bytes($0.key) })::bytea[]) AS d(namespace, key)
                WHERE e.namespace = d.namespace AND e.key = d.key
                """, expecting: expected, list)
        }
        var conflict: [EntityKey]?
        var firstError: (any Error)?
        for check in checks {
            do {
                let result = try check.future.wait()
                if let expected = check.expected, (result.metadata.rows ?? 0) != expected, conflict == nil { conflict = check.what }
            } catch {
                if firstError == nil { firstError = error }
            }
        }
        try settleUnanswered()
        if let firstError { throw firstError }
        if let conflict {
            let names = conflict.prefix(3).map { "\($0.namespace)/\($0.key)" }.joined(separator: ", ")
            throw PostgresStateStore.ConcurrentUpdate(what: "entity \(names)\(conflict.count > 3 ? ", …" : "")")
        }
        // Their rows are now locked by this transaction: later writes need no version check.
        for (id, value) in changes {
            written.insert(id)
            readVersions[id] = nil
            known[id] = .some(value)
        }
    }

    // MARK: Consumed offsets

    func storedOffsets(for partitions: [TopicPartition]) throws -> [TopicPartition: Int64] {
        guard !partitions.isEmpty else { return [:] }
        let rows = try fetch("""
            SELECT o.topic, o.partition, o.next_offset FROM consumed_offsets o
            JOIN unnest(\(partitions.map(\.topic))::text[], \(partitions.map(\.partition))::int4[]) AS p(topic, partition)
              ON o.topic = p.topic AND o.partition = p.partition
            """)
        var result: [TopicPartition: Int64] = [:]
        for row in rows {
            let (topic, partition, offset) = try row.decode((String, Int32, Int64).self)
            result[TopicPartition(topic: topic, partition: partition)] = offset
        }
        return result
    }

    func advanceOffset(_ partition: TopicPartition, expected: Int64?, next: Int64) throws -> Bool {
        // The row lock taken here is held to the commit: another instance advancing the same
        // partition waits, then finds the offset moved and gets false.
        let result: PostgresQueryResult
        if let expected {
            result = try fetch("""
                UPDATE consumed_offsets SET next_offset = \(next)
                WHERE topic = \(partition.topic) AND partition = \(partition.partition) AND next_offset = \(expected)
                """)
        } else {
            result = try fetch("""
                INSERT INTO consumed_offsets(topic, partition, next_offset) VALUES (\(partition.topic), \(partition.partition), \(next))
                ON CONFLICT (topic, partition) DO NOTHING
                """)
        }
        return result.metadata.rows == 1
    }

    // MARK: Durable timers

    func scheduleTimer(_ timer: DurableTimer) throws {
        send("""
            INSERT INTO timers(id, due_at, kind, payload, owner_topic, owner_partition)
            VALUES (\(Self.bytes(timer.id)), \(millis(timer.dueAt)), \(timer.kind), \(Self.bytes(timer.payload)),
                    \(timer.owner.topic), \(timer.owner.partition))
            ON CONFLICT (id) DO UPDATE SET due_at = excluded.due_at, kind = excluded.kind, payload = excluded.payload,
                owner_topic = excluded.owner_topic, owner_partition = excluded.owner_partition
            """)
    }

    func cancelTimer(id: String) throws {
        send("DELETE FROM timers WHERE id = \(Self.bytes(id))")
    }

    func claimTimer(id: String, dueAt: Date) throws -> Bool {
        // SKIP LOCKED: a timer another instance is firing right now is not ours to wait for. If
        // that instance rolls back, the timer is still there and due for the next look.
        let result = try fetch("""
            DELETE FROM timers WHERE id IN (
                SELECT id FROM timers WHERE id = \(Self.bytes(id)) AND due_at = \(millis(dueAt)) FOR UPDATE SKIP LOCKED)
            """)
        return result.metadata.rows == 1
    }

    func claimTimers(_ timers: [DurableTimer]) throws -> Set<String> {
        guard !timers.isEmpty else { return [] }
        // claimTimer's SKIP LOCKED claim for many timers in one statement: one round trip.
        let rows = try fetch("""
            DELETE FROM timers WHERE id IN (
                SELECT t.id FROM timers t
                JOIN unnest(\(timers.map { Self.bytes($0.id) })::bytea[], \(timers.map { millis($0.dueAt) })::bigint[]) AS c(id, due_at)
                  ON t.id = c.id AND t.due_at = c.due_at
                FOR UPDATE OF t SKIP LOCKED)
            RETURNING id
            """)
        return Set(try rows.map { Self.text(try $0.decode(ByteBuffer.self)) })
    }

    private static let timerColumns = "id, due_at, kind, payload, owner_topic, owner_partition"

    private func timers(_ rows: PostgresQueryResult) throws -> [DurableTimer] {
        try rows.map { row in
            let (id, due, kind, payload, topic, partition) = try row.decode((ByteBuffer, Int64, String, ByteBuffer, String, Int32).self)
            return DurableTimer(id: Self.text(id), dueAt: date(millis: due), kind: kind, payload: Self.data(payload),
                                owner: TopicPartition(topic: topic, partition: partition))
        }
    }

    func dueTimers(at time: Date, owners: [TopicPartition], limit: Int) throws -> [DurableTimer] {
        guard !owners.isEmpty else { return [] }
        // Per partition, the earliest ones off the (owner, due_at) index, then the earliest of
        // those: a plain join lets the planner scan and sort every pending timer instead.
        return try timers(fetch("""
            SELECT \(unescaped: Self.timerColumns) FROM unnest(\(owners.map(\.topic))::text[], \(owners.map(\.partition))::int4[]) AS o(topic, partition)
            CROSS JOIN LATERAL (
                SELECT \(unescaped: Self.timerColumns) FROM timers t
                WHERE t.owner_topic = o.topic AND t.owner_partition = o.partition AND t.due_at <= \(millis(time))
                ORDER BY t.due_at, t.id LIMIT \(limit)) AS t
            ORDER BY t.due_at, t.id LIMIT \(limit)
            """))
    }

    func nextTimerDue(owners: [TopicPartition]) throws -> Date? {
        guard !owners.isEmpty else { return nil }
        // One index probe per partition (see dueTimers), not a scan of every pending timer.
        let rows = try fetch("""
            SELECT min(t.due_at) FROM unnest(\(owners.map(\.topic))::text[], \(owners.map(\.partition))::int4[]) AS o(topic, partition)
            CROSS JOIN LATERAL (
                SELECT t.due_at FROM timers t WHERE t.owner_topic = o.topic AND t.owner_partition = o.partition
                ORDER BY t.due_at LIMIT 1) AS t
            """)
        return try rows.first?.decode(Int64?.self).map { date(millis: $0) }
    }

    func timer(id: String) throws -> DurableTimer? {
        try timers(fetch("SELECT \(unescaped: Self.timerColumns) FROM timers WHERE id = \(Self.bytes(id))")).first
    }

    func timerCount() throws -> Int {
        try fetch("SELECT count(*) FROM timers").first?.decode(Int.self) ?? 0
    }

    // MARK: Outbox

    func appendOutbox(_ records: [OutboxRecord]) throws -> [OutboxRecord] {
        guard !records.isEmpty else { return [] }
        // Rows are inserted in the order given (ORDER BY the ordinal), so identity values rise
        // in that order: sorting the returned sequences maps them back to the records.
        let rows = try fetch("""
            INSERT INTO outbox(source_topic, source_partition, output_id, topic, partition, key, value, headers)
            SELECT source_topic, source_partition, output_id, topic, partition,
                   CASE WHEN has_key THEN key END, CASE WHEN has_value THEN value END, headers
            FROM unnest(\(records.map(\.source.topic))::text[], \(records.map(\.source.partition))::int4[],
                        \(records.map { Self.bytes($0.outputId) })::bytea[], \(records.map(\.topic))::text[],
                        \(records.map(\.partition))::int4[], \(records.map { $0.key != nil })::bool[],
                        \(records.map { ByteBuffer(bytes: $0.key ?? []) })::bytea[], \(records.map { $0.value != nil })::bool[],
                        \(records.map { Self.bytes($0.value ?? Data()) })::bytea[], \(records.map { Self.bytes(HeaderCoding.encode($0.headers)) })::bytea[])
                 WITH ORDINALITY AS r(source_topic, source_partition, output_id, topic, partition, has_key, key, has_value, value, headers, ordinal)
            ORDER BY ordinal
            RETURNING sequence
            """)
        let sequences = try rows.map { try $0.decode(Int64.self) }.sorted()
        guard sequences.count == records.count else {
            throw PostgresStateStore.ConcurrentUpdate(what: "outbox append (\(sequences.count) of \(records.count) rows stored)")
        }
        var stored = records
        for index in stored.indices { stored[index].sequence = sequences[index] }
        return stored
    }

    func pendingOutbox(sources: [TopicPartition]) throws -> [OutboxRecord] {
        guard !sources.isEmpty else { return [] }
        let rows = try fetch("""
            SELECT b.sequence, b.source_topic, b.source_partition, b.output_id, b.topic, b.partition, b.key, b.value, b.headers
            FROM outbox b
            JOIN unnest(\(sources.map(\.topic))::text[], \(sources.map(\.partition))::int4[]) AS s(topic, partition)
              ON b.source_topic = s.topic AND b.source_partition = s.partition
            ORDER BY b.sequence
            """)
        return try rows.map { row in
            let (sequence, sourceTopic, sourcePartition, outputId, topic, partition, key, value, headers) =
                try row.decode((Int64, String, Int32, ByteBuffer, String, Int32, ByteBuffer?, ByteBuffer?, ByteBuffer).self)
            return OutboxRecord(
                sequence: sequence, source: TopicPartition(topic: sourceTopic, partition: sourcePartition), outputId: Self.text(outputId),
                topic: topic, partition: partition, key: key.map { Array($0.readableBytesView) }, value: value.map(Self.data),
                headers: HeaderCoding.decode(Self.data(headers)))
        }
    }

    func deleteOutbox(sequences: [Int64]) throws {
        guard !sequences.isEmpty else { return }
        send("DELETE FROM outbox WHERE sequence = ANY(\(sequences)::bigint[])")
    }

    func outboxCount() throws -> Int {
        try fetch("SELECT count(*) FROM outbox").first?.decode(Int.self) ?? 0
    }

    func outboxMarks(sources: [TopicPartition]) throws -> [OutboxMark] {
        guard !sources.isEmpty else { return [] }
        let rows = try fetch("""
            SELECT m.source_topic, m.source_partition, m.topic, m.partition, m.acked_offset
            FROM outbox_marks m
            JOIN unnest(\(sources.map(\.topic))::text[], \(sources.map(\.partition))::int4[]) AS s(topic, partition)
              ON m.source_topic = s.topic AND m.source_partition = s.partition
            """)
        return try rows.map { row in
            let (sourceTopic, sourcePartition, topic, partition, offset) = try row.decode((String, Int32, String, Int32, Int64).self)
            return OutboxMark(source: TopicPartition(topic: sourceTopic, partition: sourcePartition),
                              output: TopicPartition(topic: topic, partition: partition), offset: offset)
        }
    }

    func setOutboxMarks(_ marks: [OutboxMark]) throws {
        guard !marks.isEmpty else { return }
        // A pair given twice keeps its highest offset, as repeated single upserts would (one
        // statement's ON CONFLICT may not touch a row twice).
        send("""
            INSERT INTO outbox_marks(source_topic, source_partition, topic, partition, acked_offset)
            SELECT source_topic, source_partition, topic, partition, max(acked_offset)
            FROM unnest(\(marks.map(\.source.topic))::text[], \(marks.map(\.source.partition))::int4[],
                        \(marks.map(\.output.topic))::text[], \(marks.map(\.output.partition))::int4[],
                        \(marks.map(\.offset))::int8[]) AS m(source_topic, source_partition, topic, partition, acked_offset)
            GROUP BY source_topic, source_partition, topic, partition
            ON CONFLICT (source_topic, source_partition, topic, partition)
            DO UPDATE SET acked_offset = GREATEST(outbox_marks.acked_offset, excluded.acked_offset)
            """)
    }
}

/// Milliseconds since 1970: how times are stored (exact, sortable integers), as in SQLite.
private func millis(_ date: Date) -> Int64 { Int64((date.timeIntervalSince1970 * 1000).rounded(.down)) }
private func date(millis: Int64) -> Date { Date(timeIntervalSince1970: Double(millis) / 1000) }
