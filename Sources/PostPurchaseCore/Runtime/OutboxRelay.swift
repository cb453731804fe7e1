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
final class OutboxRelay {
    private let store: any StateStore
    private let producer: KafkaProducer
    private let readerProperties: [String: String]
    private var reader: KafkaTopicReader?
    private let metrics: WorkerMetrics
    private let logger: Logger
    private let stop: StopSignal
    private var markedPairs: Set<Pair> = []

    private struct Pair: Hashable {
        var source: TopicPartition
        var output: TopicPartition
    }

    init(store: any StateStore, producer: KafkaProducer, readerProperties: [String: String],
         metrics: WorkerMetrics, logger: Logger, stop: StopSignal) {
        self.store = store
        self.producer = producer
        self.readerProperties = readerProperties
        self.metrics = metrics
        self.logger = logger
        self.stop = stop
    }

    /// Publishes freshly stored records (already in the outbox) and removes them once acknowledged.
    func publish(_ records: [OutboxRecord]) throws {
        guard !records.isEmpty else { return }
        try ensureMarks(for: records)
        var remaining = records
        var attempt = 0
        while !remaining.isEmpty {
            let reports = try producer.send(remaining.map(\.outbound)) { [logger] pending in
                logger.warning("waiting for the broker to acknowledge outputs", metadata: [LogKey.count: "\(pending)"])
            }
            var acknowledged: [OutboxRecord] = []
            var failed: [OutboxRecord] = []
            var marks: [Pair: Int64] = [:]
            for (record, report) in zip(remaining, reports) {
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
            try retrying("record acknowledged outputs") {
                try store.write { transaction in
                    try transaction.deleteOutbox(sequences: acknowledged.map(\.sequence))
                    for (pair, offset) in marks {
                        try transaction.setOutboxMark(source: pair.source, output: pair.output, offset: offset)
                    }
                }
            }
            for (topic, group) in Dictionary(grouping: acknowledged, by: \.topic) {
                metrics.recordPublished(topic: topic, count: group.count)
            }
            guard !failed.isEmpty else { return }
            attempt += 1
            try pause(attempt: attempt)
            // A failed delivery may still have been written: check before publishing again.
            remaining = try withoutAlreadyPublished(failed)
        }
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
        var ranges: [TopicPartition: Range<Int64>] = [:]
        var pairs: Set<Pair> = []
        let reader = try self.reader ?? KafkaTopicReader(properties: readerProperties, logger: logger)
        self.reader = reader
        for record in records {
            let output = TopicPartition(topic: record.topic, partition: record.partition)
            let pair = Pair(source: record.source, output: output)
            guard !pairs.contains(pair) else { continue }
            pairs.insert(pair)
            // No mark means nothing of this pair was ever sent (marks are stored before sending).
            guard let mark = try store.read({ try $0.outboxMark(source: record.source, output: output) }) else { continue }
            let high = try reader.watermarks(output).high
            let start = min(ranges[output]?.lowerBound ?? (mark + 1), mark + 1)
            if start < high { ranges[output] = start..<high }
        }
        var seen: Set<String> = []
        for record in try reader.read(ranges) {
            if let id = record.headers.text(OutboxRecord.outputIdHeader) { seen.insert(id) }
        }
        let published = records.filter { seen.contains($0.outputId) }
        if !published.isEmpty {
            try retrying("drop already published outputs") {
                try store.write { transaction in
                    try transaction.deleteOutbox(sequences: published.map(\.sequence))
                    for pair in pairs {
                        if let range = ranges[pair.output] {
                            try transaction.setOutboxMark(source: pair.source, output: pair.output, offset: range.upperBound - 1)
                        }
                    }
                }
            }
        }
        return records.filter { !seen.contains($0.outputId) }
    }

    /// Before the first record of an (input partition, output partition) pair is sent, store the
    /// output partition's current end as the pair's mark, so recovery knows where to start reading.
    private func ensureMarks(for records: [OutboxRecord]) throws {
        for record in records {
            let pair = Pair(source: record.source, output: TopicPartition(topic: record.topic, partition: record.partition))
            guard !markedPairs.contains(pair) else { continue }
            let existing = try store.read { try $0.outboxMark(source: pair.source, output: pair.output) }
            if existing == nil {
                let high = try retrying("query output watermarks") { try producer.queryWatermarks(pair.output).high }
                try retrying("store output mark") {
                    try store.write { try $0.setOutboxMark(source: pair.source, output: pair.output, offset: high - 1) }
                }
            }
            markedPairs.insert(pair)
        }
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
