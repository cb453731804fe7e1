import Foundation
import Logging

/// Publishes outbox records and makes sure each reaches its topic exactly once.
///
/// Kafka transactions cannot carry exactly-once here (the dev broker neither isolates aborted
/// records nor stores transactional offsets), so: records are written to the outbox in the same
/// store transaction as the state change; the relay publishes them, waits for the acks, deletes
/// them and remembers the highest acknowledged offset per (input partition, output partition).
/// After a crash or a failed delivery it reads the output partitions back from that mark and
/// drops every record whose output id is already there before publishing the rest.
///
/// Batches are pipelined: ``send(_:then:)`` hands a batch's records to the producer and returns,
/// so the worker handles its next batch while the broker acknowledges this one. The outputs are
/// already durable in the outbox, so nothing waits on the acknowledgement except the outbox
/// clean-up and the batch's `then` (the Kafka offset commit), which ``settle()`` runs in batch
/// order once every record of the batch is acknowledged. ``drain()`` waits for everything in
/// flight: before partitions are given up, before timers fire, and on shutdown.
final class OutboxRelay {
    private let store: any StateStore
    private let producer: KafkaProducer
    private let readerProperties: [String: String]
    private var reader: KafkaTopicReader?
    private let metrics: WorkerMetrics
    private let logger: Logger
    private let stop: StopSignal
    private var markedPairs: Set<Pair> = []
    /// Sent batches awaiting their acknowledgements, oldest first.
    private var inFlight: [InFlight] = []
    /// Batches and records in flight at most; past either ``send(_:then:)`` waits for the oldest
    /// batch. Generous, because a broker that holds one acknowledgement back (the dev broker
    /// sometimes does, for ~40 ms) must not stall the batches behind it.
    let maxInFlightBatches: Int
    let maxInFlightRecords: Int
    private var inFlightRecords = 0
    /// When set, acknowledged records are removed from the outbox on the writer's thread, so the
    /// pipeline's thread never waits for the store's write lock while the writer holds it.
    var writer: StateWriter?

    private struct Pair: Hashable {
        var source: TopicPartition
        var output: TopicPartition
    }

    private struct InFlight {
        var records: [OutboxRecord]
        var batch: DeliveryBatch
        var then: () -> Void
    }

    init(store: any StateStore, producer: KafkaProducer, readerProperties: [String: String],
         metrics: WorkerMetrics, logger: Logger, stop: StopSignal, maxInFlightBatches: Int = 256, maxInFlightRecords: Int = 20_000) {
        self.store = store
        self.producer = producer
        self.readerProperties = readerProperties
        self.metrics = metrics
        self.logger = logger
        self.stop = stop
        self.maxInFlightBatches = maxInFlightBatches
        self.maxInFlightRecords = maxInFlightRecords
    }

    /// Whether sent batches still await acknowledgements.
    var hasInFlight: Bool { !inFlight.isEmpty }

    /// Sends freshly stored records (already in the outbox) without waiting for the broker; runs
    /// `then` once they are all acknowledged and removed from the outbox, after every earlier batch's.
    func send(_ records: [OutboxRecord], then: @escaping () -> Void = {}) throws {
        try ensureMarks(for: records)
        let batch = producer.enqueue(records.map(\.outbound))
        inFlight.append(InFlight(records: records, batch: batch, then: then))
        inFlightRecords += records.count
        try settle()
        while inFlight.count > maxInFlightBatches || (inFlightRecords > maxInFlightRecords && inFlight.count > 1) {
            try settleOldest(wait: true)
        }
    }

    /// Finishes the batches whose acknowledgements have all arrived, oldest first, without waiting.
    func settle() throws {
        producer.serveDeliveries(waitMilliseconds: 0)
        while !inFlight.isEmpty, try settleOldest(wait: false) {}
    }

    /// Waits until every batch in flight is acknowledged and finished.
    func drain() throws {
        while !inFlight.isEmpty { try settleOldest(wait: true) }
    }

    /// Publishes records and waits until they (and every batch sent before them) are acknowledged.
    func publish(_ records: [OutboxRecord]) throws {
        guard !records.isEmpty else { return try drain() }
        try send(records)
        try drain()
    }

    /// Finishes the oldest batch if its reports are in (or, with `wait`, once they are); returns
    /// whether it did. Records the broker did not acknowledge are published again, after a check
    /// of what reached the topic anyway.
    @discardableResult
    private func settleOldest(wait: Bool) throws -> Bool {
        let oldest = inFlight[0]
        let reports: [DeliveryReport]
        if wait {
            reports = try producer.wait(for: oldest.batch) { [logger] pending in
                logger.warning("waiting for the broker to acknowledge outputs", metadata: [LogKey.count: "\(pending)"])
            }
        } else {
            guard let ready = producer.reports(oldest.batch) else { return false }
            reports = ready
        }
        inFlight.removeFirst()
        inFlightRecords -= oldest.records.count
        var failed = try record(oldest.records, reports)
        var attempt = 0
        while !failed.isEmpty {
            // Later batches may hold records of the same partitions: let their deliveries end
            // first (they are settled in their turn), so what is sent again follows them.
            try producer.waitForAllReports()
            attempt += 1
            try pause(attempt: attempt)
            // A failed delivery may still have been written: check before publishing again.
            let remaining = try withoutAlreadyPublished(failed)
            guard !remaining.isEmpty else { break }
            let again = producer.enqueue(remaining.map(\.outbound))
            failed = try record(remaining, try producer.wait(for: again))
        }
        oldest.then()
        return true
    }

    /// Removes acknowledged records from the outbox and moves their marks; returns the failed ones.
    private func record(_ records: [OutboxRecord], _ reports: [DeliveryReport]) throws -> [OutboxRecord] {
        var acknowledged: [OutboxRecord] = []
        var failed: [OutboxRecord] = []
        var marks: [Pair: Int64] = [:]
        for (record, report) in zip(records, reports) {
            if let offset = report.offset {
                acknowledged.append(record)
                let pair = Pair(source: record.source, output: TopicPartition(topic: record.topic, partition: report.partition))
                marks[pair] = max(marks[pair] ?? offset, offset)
            } else {
                failed.append(record)
                logger.warning("output not acknowledged", metadata: [
                    LogKey.topic: "\(record.topic)", LogKey.error: "\(report.error?.description ?? "unknown")",
                ])
            }
        }
        guard !acknowledged.isEmpty else { return failed }
        let sequences = acknowledged.map(\.sequence)
        let newMarks = marks.map { OutboxMark(source: $0.key.source, output: $0.key.output, offset: $0.value) }
        if let writer {
            // Behind the pipeline, like its batches: if the clean-up is lost, recovery finds the
            // rows on the topic (from an older mark) and only deletes them.
            var journal = StateJournal()
            journal.deleteOutbox(sequences: sequences)
            journal.setOutboxMarks(newMarks)
            writer.submit(journal)
        } else {
            try retrying("record acknowledged outputs") {
                try store.write { transaction in
                    try transaction.deleteOutbox(sequences: sequences)
                    try transaction.setOutboxMarks(newMarks)
                }
            }
        }
        for (topic, group) in Dictionary(grouping: acknowledged, by: \.topic) {
            metrics.recordPublished(topic: topic, count: group.count)
        }
        return failed
    }

    /// Publishes what a previous owner of `sources` left in the outbox (after a crash or a stop
    /// during a broker outage), skipping what already reached the topic.
    func recover(sources: [TopicPartition]) throws {
        let pending = try retrying("read pending outputs") {
            try store.read { try $0.pendingOutbox(sources: sources) }
        }
        guard !pending.isEmpty else { return }
        let unpublished = try withoutAlreadyPublished(pending)
        logger.notice("recovering pending outputs", metadata: [
            LogKey.count: "\(pending.count)", "outputs.already_published": "\(pending.count - unpublished.count)",
            LogKey.partitions: "\(sources.map(\.description).joined(separator: ","))",
        ])
        try publish(unpublished)
    }

    /// Reads each output partition from its mark to its end and removes from the outbox the
    /// records found there. Returns the records still to publish, in their original order.
    private func withoutAlreadyPublished(_ records: [OutboxRecord]) throws -> [OutboxRecord] {
        var pairs: Set<Pair> = []
        var starts: [TopicPartition: Int64] = [:]
        let marks = try storedMarks(sources: Set(records.map(\.source)))
        for record in records {
            let pair = Pair(source: record.source, output: TopicPartition(topic: record.topic, partition: record.partition))
            guard pairs.insert(pair).inserted else { continue }
            // No mark means nothing of this pair was ever sent (marks are stored before sending).
            guard let mark = marks[pair] else { continue }
            starts[pair.output] = min(starts[pair.output] ?? (mark + 1), mark + 1)
        }
        // Each output partition is read once, from its earliest mark to its end (one broker request for all ends).
        let ends = try retrying("query output watermarks") { try producer.queryHighWatermarks(starts.keys.sorted()) }
        var ranges: [TopicPartition: Range<Int64>] = [:]
        for (output, start) in starts { if let end = ends[output], start < end { ranges[output] = start..<end } }
        let reader = try self.reader ?? KafkaTopicReader(properties: readerProperties, logger: logger)
        self.reader = reader
        var seen: Set<String> = []
        for record in try reader.read(ranges) {
            if let id = record.headers.text(OutboxRecord.outputIdHeader) { seen.insert(id) }
        }
        let published = records.filter { seen.contains($0.outputId) }
        if !published.isEmpty {
            try retrying("drop already published outputs") {
                try store.write { transaction in
                    try transaction.deleteOutbox(sequences: published.map(\.sequence))
                    try transaction.setOutboxMarks(pairs.compactMap { pair in
                        ranges[pair.output].map { OutboxMark(source: pair.source, output: pair.output, offset: $0.upperBound - 1) }
                    })
                }
            }
        }
        return records.filter { !seen.contains($0.outputId) }
    }

    /// Before the first record of an (input partition, output partition) pair is sent, store the
    /// output partition's current end as the pair's mark, so recovery knows where to start reading.
    ///
    /// Done for all of a batch's new pairs at once (one store read, one broker request, one store
    /// write): a worker owning 24 input partitions that writes to 48 output partitions has over a
    /// thousand pairs, and one round trip each held its first outputs back for seconds.
    private func ensureMarks(for records: [OutboxRecord]) throws {
        try ensureMarks(records.lazy.map { Pair(source: $0.source, output: TopicPartition(topic: $0.topic, partition: $0.partition)) })
    }

    /// Stores marks for every pair of `sources` and `outputs` that has none, before any output of
    /// theirs: called when partitions are assigned, so that batches never wait for a broker round
    /// trip to mark a pair they meet for the first time (that wait was the latency tail of a
    /// worker's first minutes).
    func prepareMarks(sources: [TopicPartition], outputs: [TopicPartition]) throws {
        try ensureMarks(sources.lazy.flatMap { source in outputs.lazy.map { Pair(source: source, output: $0) } })
    }

    private func ensureMarks(_ pairs: some Sequence<Pair>) throws {
        var newPairs: [Pair] = []
        var seen: Set<Pair> = []
        for pair in pairs {
            if markedPairs.contains(pair) || !seen.insert(pair).inserted { continue }
            newPairs.append(pair)
        }
        guard !newPairs.isEmpty else { return }
        let marks = try storedMarks(sources: Set(newPairs.map(\.source)))
        let unmarked = newPairs.filter { marks[$0] == nil }
        if !unmarked.isEmpty {
            let outputs = Set(unmarked.map(\.output)).sorted()
            let ends = try retrying("query output watermarks") { try producer.queryHighWatermarks(outputs) }
            // `queryHighWatermarks` answers for every partition asked, or throws.
            let newMarks = unmarked.compactMap { pair in
                ends[pair.output].map { OutboxMark(source: pair.source, output: pair.output, offset: $0 - 1) }
            }
            try retrying("store output marks") { try store.write { try $0.setOutboxMarks(newMarks) } }
        }
        markedPairs.formUnion(newPairs)
    }

    /// The stored marks of these input partitions, in one store read (one round trip on PostgreSQL).
    private func storedMarks(sources: Set<TopicPartition>) throws -> [Pair: Int64] {
        let marks = try retrying("read output marks") { try store.read { try $0.outboxMarks(sources: sources.sorted()) } }
        var byPair: [Pair: Int64] = [:]
        for mark in marks { byPair[Pair(source: mark.source, output: mark.output)] = mark.offset }
        return byPair
    }

    /// Runs `body` until it succeeds, backing off on transient store and broker errors.
    private func retrying<T>(_ what: String, _ body: () throws -> T) throws -> T {
        var attempt = 0
        while true {
            do {
                return try body()
            } catch let error as KafkaError where error.isFatal {
                throw error
            } catch {
                guard store.isTransient(error) || error is KafkaError else { throw error }
                attempt += 1
                metrics.transientRetries.increment()
                logger.warning("retrying after a transient failure", metadata: [
                    LogKey.reason: "\(what)", LogKey.error: "\(error)", LogKey.attempt: "\(attempt)",
                ])
                try pause(attempt: attempt)
            }
        }
    }

    private func pause(attempt: Int) throws {
        try Backoff.sleep(attempt: attempt, stop: stop)
    }
}

/// Exponential back-off that wakes up for a stop request.
enum Backoff {
    /// A stop was requested while waiting; whatever was pending stays in the store (outbox rows,
    /// unadvanced offsets) for whoever owns the partition next.
    struct StopRequested: Error {}

    /// Sleeps 100 ms × 2^(attempt-1), at most 10 s; throws ``StopRequested`` on stop.
    static func sleep(attempt: Int, stop: StopSignal) throws {
        let delay = min(0.1 * pow(2, Double(max(attempt - 1, 0))), 10)
        let until = Date().addingTimeInterval(delay)
        while Date() < until {
            if stop.isStopped { throw StopRequested() }
            Thread.sleep(forTimeInterval: min(0.05, until.timeIntervalSinceNow > 0 ? until.timeIntervalSinceNow : 0))
        }
    }
}
