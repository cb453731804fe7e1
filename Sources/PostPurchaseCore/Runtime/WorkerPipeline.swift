import Foundation
import Logging

/// The loop that runs a worker: poll → decode → dedupe → handle → one store transaction for the
/// batch (state, idempotency ids, outbox, timers, offsets) → publish → (acks) → commit.
///
/// It runs on a dedicated thread (see ``PipelineService``), never on Swift's cooperative pool:
/// every librdkafka and SQLite call here blocks. A batch's outputs are durable in the outbox when
/// its transaction commits, so the next batch is handled while the broker acknowledges them
/// (``OutboxRelay``); the Kafka offset commit follows the acknowledgements. Everything in flight
/// is drained before partitions are given up in a rebalance callback, before timers fire, and on
/// shutdown.
final class WorkerPipeline<W: Worker>: KafkaRebalanceListener {
    private let worker: W
    private let settings: PostPurchaseConfiguration.Runtime
    private let topics: TopicMap
    private let store: any StateStore
    private let clock: any WorkerClock
    private let health: WorkerHealth
    private let stop: StopSignal
    private let logger: Logger
    private let metrics: WorkerMetrics
    private let producer: KafkaProducer
    private let relay: OutboxRelay
    private var consumer: KafkaConsumer!

    /// Physical input topic → its subscription.
    private let subscriptions: [String: TopicSubscription]
    private let deadLetterTopic: String
    private var partitionCounts: [String: Int32] = [:]
    /// Next offset to process per owned partition, as stored (`nil`: nothing stored yet).
    private var positions: [TopicPartition: Int64] = [:]
    private var owned: Set<TopicPartition> = []
    private var needsRecovery: Set<TopicPartition> = []
    /// Where consumption of a partition without a stored offset starts (the group's commit), for lag only.
    private var startingPositions: [TopicPartition: Int64] = [:]
    private var failures: [FailureKey: (count: Int, lastError: String)] = [:]
    private var nextTimerDue: Date?
    /// Since when due timers wait for the input backlog to be processed (see ``inputBacklog(lastPollCount:)``).
    private var timersDeferredSince: ContinuousClock.Instant?
    /// The longest due timers wait for the backlog: past it they fire anyway, so an input stream
    /// the worker cannot keep up with never starves them.
    static var maxTimerDeferral: Duration { .seconds(5) }
    /// Decoded entities, reused while their stored bytes are unchanged.
    private let entityCache = EntityCache()
    /// The running transaction's saves, encoded and written at its end.
    private let pendingEntities = PendingEntities()
    /// False while a batch is handled again after one of its entities or outputs failed to encode
    /// at its end (``BatchEncodingFailure``): each is then encoded as its handler returns, so the
    /// failure is that handler's.
    private var encodeAtBatchEnd = true
    /// What handlers' contexts collect saves in.
    private var pendingSaves: PendingEntities? { encodeAtBatchEnd ? pendingEntities : nil }
    private var nextHousekeeping = Date.distantPast
    /// The pipeline thread's CPU seconds at the last report (``reportPipelineCPU()``).
    private var pipelineCPUReported = 0.0
    private var writerCPUReported = 0.0
    private var nextPrune = Date.distantPast
    /// Commits batches on its own thread while the next one is handled, for stores that allow it.
    private let writer: StateWriter?
    /// Batches handed to ``writer`` whose outcome the pipeline has not taken yet, oldest first.
    private var writesBehind: [WriteBehind] = []
    /// Batches are written behind only once one was committed in an ordinary transaction since
    /// the start or the last failure: the writer's check that nobody else wrote meanwhile needs a
    /// previous write of ours to compare with.
    private var writeBehindReady = false
    /// After a batch written behind failed, batches use ordinary transactions (and their retries)
    /// until then.
    private var writeBehindPausedUntil = ContinuousClock.now
    /// Batches handed to the writer at most before the pipeline waits for the oldest: each one
    /// more is one more journal every read looks through.
    static var maxWritesBehind: Int { 2 }
    /// How often batches written behind were wound back (``windBack(from:writer:)``), and where
    /// their partitions were sought to since the last poll began: records polled before a wind-back
    /// are not handled but fetched again (``refetch(_:)``).
    private var windBacks = 0
    private var windBacksAtPoll = 0
    private var soughtSincePoll: [TopicPartition: Int64] = [:]

    /// What failed: an input record, or one firing of a timer.
    private enum FailureKey: Hashable {
        case record(TopicPartition, offset: Int64)
        case timer(id: String, dueAt: Date)
    }

    /// A handler failed on a record; the batch is rolled back and tried again.
    private struct HandlerRetry: Error {
        var key: FailureKey
        var error: String
    }

    /// Another instance moved a partition's stored offset: this batch must not be applied.
    private struct OffsetFenceConflict: Error {
        var partition: TopicPartition
    }

    /// What can be done for a record before its batch's handlers run, on every core
    /// (``ParallelMap``): decoding its envelope and the worker's ``Worker/prepare(_:)``.
    private struct PreparedRecord: Sendable {
        enum Decoded: Sendable {
            /// A raw payload on a topic that accepts them.
            case raw
            case event(CloudEvent)
            case rejected(any Error)
        }

        var subscription: TopicSubscription
        var decoded: Decoded
        var prepared: (any Sendable)?
    }

    /// `nil` for a record of a topic the worker does not subscribe to.
    private static func prepare(_ record: KafkaRecord, subscriptions: [String: TopicSubscription], worker: W) -> PreparedRecord? {
        guard let subscription = subscriptions[record.topic] else { return nil }
        let decoded: PreparedRecord.Decoded
        if subscription.acceptsRawPayloads && !CloudEventCodec.isCloudEvent(record) {
            decoded = .raw
            // Empty raw values are dead-lettered by the pipeline: nothing to prepare.
            if record.value?.isEmpty ?? true { return PreparedRecord(subscription: subscription, decoded: decoded) }
        } else {
            do {
                decoded = .event(try CloudEventCodec.decode(record))
            } catch {
                return PreparedRecord(subscription: subscription, decoded: .rejected(error))
            }
        }
        let event: CloudEvent? = if case .event(let event) = decoded { event } else { nil }
        let prepared = worker.prepare(WorkerInput(topic: subscription.topic, record: record, event: event))
        return PreparedRecord(subscription: subscription, decoded: decoded, prepared: prepared)
    }

    private struct BatchResult {
        var nextOffsets: [TopicPartition: Int64] = [:]
        var outbox: [OutboxRecord] = []
    }

    /// A batch handled and handed to ``writer``, not yet known to be committed.
    private struct WriteBehind {
        var number: UInt64
        var journal: StateJournal
        var nextOffsets: [TopicPartition: Int64]
        /// ``positions`` before the batch: where to start again if it is not committed.
        var positionsBefore: [TopicPartition: Int64]
        /// The batch's first offset per partition, for partitions without a stored offset.
        var firstOffsets: [TopicPartition: Int64]
        var recordCount: Int
        var started: ContinuousClock.Instant
    }

    init(
        worker: W, configuration: PostPurchaseConfiguration, store: any StateStore, clock: any WorkerClock,
        health: WorkerHealth, stop: StopSignal, logger: Logger
    ) throws {
        self.worker = worker
        self.settings = configuration.runtime
        self.topics = configuration.topics.map
        self.store = store
        self.clock = clock
        self.health = health
        self.stop = stop
        var logger = logger
        logger[metadataKey: LogKey.worker] = "\(worker.name)"
        self.logger = logger
        self.metrics = WorkerMetrics(worker: worker.name)
        var subscriptions: [String: TopicSubscription] = [:]
        for subscription in worker.subscriptions { subscriptions[configuration.topics.map.physical(subscription.topic)] = subscription }
        self.subscriptions = subscriptions
        self.deadLetterTopic = configuration.topics.map.physical(.deadLetters)
        self.producer = try KafkaProducer(properties: configuration.producerProperties(workerName: worker.name), logger: logger)
        self.relay = OutboxRelay(
            store: store, producer: producer, readerProperties: configuration.clientProperties(),
            metrics: metrics, logger: logger, stop: stop)
        let writer = store.supportsWriteBehind && configuration.store.writeBehind ? StateWriter(store: store, logger: logger) : nil
        self.writer = writer
        relay.writer = writer
        self.consumer = try KafkaConsumer(
            properties: configuration.consumerProperties(workerName: worker.name), rebalanceListener: self, logger: logger)
    }

    /// Runs until ``StopSignal/stop()``; on return the group has been left and offsets committed.
    func run() throws {
        writer?.start(name: "\(worker.name)-writer")
        // Stopped after the consumer is closed: closing may revoke partitions, which waits for the writer.
        defer { writer?.stop() }
        defer {
            consumer.close()
            health.update { $0.pipelineRunning = false; $0.assignedPartitions = [] }
        }
        try loadPartitionCounts()
        try consumer.subscribe(Array(subscriptions.keys).sorted())
        health.update { $0.pipelineRunning = true; $0.storeOpen = store.isHealthy() }
        logger.info("worker started", metadata: ["topics": "\(subscriptions.keys.sorted().joined(separator: ","))"])
        while !stop.isStopped {
            do {
                windBacksAtPoll = windBacks
                soughtSincePoll.removeAll()
                let records = try consumer.poll(maxRecords: settings.batchSize, timeoutMilliseconds: pollTimeout())
                try takeWriteOutcomes(wait: false)
                try recoverIfNeeded()
                if !records.isEmpty {
                    try process(records)
                    reportPipelineCPU()
                }
                try relay.settle()
                try fireDueTimers(lastPollCount: records.count)
                housekeeping()
            } catch is Backoff.StopRequested {
                break
            }
        }
        do {
            try drainWritesBehind()
            try relay.drain()
        } catch {
            logger.warning("outputs not acknowledged at shutdown stay in the outbox for the next owner", metadata: [LogKey.error: "\(error)"])
        }
        logger.info("worker stopping: leaving the group")
    }

    // MARK: - Batches

    private func process(_ records: [KafkaRecord]) throws {
        let started = ContinuousClock.now
        if writer != nil {
            if try processBehind(records, started: started) { return }
            // Ordinary transactions see everything committed before them: nothing may be queued.
            try drainWritesBehind()
            if windBacks != windBacksAtPoll { return refetch(records) }
        }
        var attempt = 0
        while true {
            do {
                let result = try writeState { transaction in try apply(records, transaction) }
                for (partition, next) in result.nextOffsets { positions[partition] = next }
                let offsets = result.nextOffsets
                try relay.send(result.outbox) { [weak self] in self?.commitToKafka(offsets) }
                metrics.batchSize.record(records.count)
                metrics.batchDuration.record(duration: ContinuousClock.now - started)
                encodeAtBatchEnd = true
                writeBehindReady = true
                return
            } catch let failure as BatchEncodingFailure {
                logger.warning("a value of the batch failed to encode; handling the batch again, encoding each as its handler returns", metadata: [
                    LogKey.error: "\(failure.error)",
                ])
                encodeAtBatchEnd = false
            } catch let retry as HandlerRetry {
                metrics.handlerFailures.increment()
                let count = (failures[retry.key]?.count ?? 0) + 1
                failures[retry.key] = (count, retry.error)
                logger.warning("handler failed; retrying the batch", metadata: [
                    "failed": "\(retry.key)", LogKey.error: "\(retry.error)", LogKey.attempt: "\(count)",
                ])
                attempt += 1
                try Backoff.sleep(attempt: min(attempt, 3), stop: stop)
            } catch let conflict as OffsetFenceConflict {
                logger.warning("partition processed elsewhere meanwhile; rewinding to the stored offset", metadata: [
                    LogKey.topic: "\(conflict.partition.topic)", LogKey.partition: "\(conflict.partition.partition)",
                ])
                try rewind(records)
                return
            } catch let error where store.isTransient(error) {
                attempt += 1
                metrics.transientRetries.increment()
                logger.warning("store unavailable; retrying the batch", metadata: [LogKey.error: "\(error)", LogKey.attempt: "\(attempt)"])
                try Backoff.sleep(attempt: attempt, stop: stop)
            }
        }
    }

    /// Handles a batch against the store's latest state and the journals still with the writer, and hands
    /// its writes to the writer (``StateWriter``). Returns false, having changed nothing, when the
    /// batch is to go through an ordinary transaction instead: writing behind is not ready or
    /// paused, or handling it failed in a way the ordinary path knows how to retry (a handler
    /// failure, an encoding failure, a store error).
    private func processBehind(_ records: [KafkaRecord], started: ContinuousClock.Instant) throws -> Bool {
        guard let writer, writeBehindReady, ContinuousClock.now >= writeBehindPausedUntil, encodeAtBatchEnd else { return false }
        while writesBehind.count >= Self.maxWritesBehind { try takeWriteOutcome(wait: true) }
        // A wind-back since this poll (taking outcomes after it, or waiting just now) empties
        // `writesBehind`, so this one check covers both.
        if windBacks != windBacksAtPoll {
            refetch(records)
            return true
        }
        let positionsBefore = positions
        let earlier = writesBehind.map(\.journal)
        let seen = store.writesByOthersSeen
        let handled: (result: BatchResult, journal: StateJournal)
        do {
            let transaction = WriteBehindTransaction(store: store, earlier: earlier, writesByOthersSeen: seen)
            entityCache.begin(transaction)
            pendingEntities.reset()
            let result = try apply(records, transaction)
            handled = (result, transaction.journal)
        } catch {
            entityCache.rolledBack()
            pendingEntities.reset()
            positions = positionsBefore
            logger.debug("batch goes through an ordinary transaction", metadata: [LogKey.error: "\(error)"])
            return false
        }
        for (partition, next) in handled.result.nextOffsets { positions[partition] = next }
        var firstOffsets: [TopicPartition: Int64] = [:]
        for record in records where firstOffsets[record.topicPartition] == nil { firstOffsets[record.topicPartition] = record.offset }
        let number = writer.submitBatch(handled.journal)
        writesBehind.append(WriteBehind(
            number: number, journal: handled.journal, nextOffsets: handled.result.nextOffsets, positionsBefore: positionsBefore,
            firstOffsets: firstOffsets, recordCount: records.count, started: started))
        return true
    }

    /// Takes the outcomes of batches written behind, oldest first: sends the outputs of each
    /// committed one; after a failed one, winds back (``windBack(from:)``). With `wait`, waits until
    /// none is left with the writer.
    private func takeWriteOutcomes(wait: Bool) throws {
        while !writesBehind.isEmpty {
            guard try takeWriteOutcome(wait: wait) else { return }
        }
    }

    /// Waits for every batch written behind and takes its outcome.
    private func drainWritesBehind() throws {
        try takeWriteOutcomes(wait: true)
    }

    /// Takes the oldest batch's outcome if decided (or, with `wait`, once it is); returns whether it did.
    @discardableResult
    private func takeWriteOutcome(wait: Bool) throws -> Bool {
        guard let writer, let oldest = writesBehind.first, let outcome = writer.outcome(of: oldest.number, wait: wait) else { return false }
        switch outcome {
        case .committed(let stored):
            writesBehind.removeFirst()
            let offsets = oldest.nextOffsets
            try relay.send(stored) { [weak self] in self?.commitToKafka(offsets) }
            metrics.batchSize.record(oldest.recordCount)
            metrics.batchDuration.record(duration: ContinuousClock.now - oldest.started)
            metrics.batchesWrittenBehind.increment()
            health.update { $0.batchesWrittenBehind += 1 }
        case .failed(let error):
            windBack(from: error, writer: writer)
        }
        return true
    }

    /// The oldest batch written behind failed, so it and every later one were not applied: their
    /// partitions go back to where the store stands, and they are consumed and handled again, in
    /// ordinary transactions for a while (with their retries and back-off).
    private func windBack(from error: any Error, writer: StateWriter) {
        let failed = writesBehind
        writesBehind.removeAll()
        writer.resume()
        entityCache.rolledBack()
        writeBehindReady = false
        writeBehindPausedUntil = ContinuousClock.now + .seconds(5)
        let first = failed[0]
        var starts: [TopicPartition: Int64] = [:]
        for batch in failed.reversed() {
            for (partition, offset) in batch.firstOffsets { starts[partition] = batch.positionsBefore[partition] ?? offset }
        }
        for (partition, start) in starts {
            positions[partition] = first.positionsBefore[partition]
            soughtSincePoll[partition] = min(soughtSincePoll[partition] ?? start, start)
            if owned.contains(partition) { try? consumer.seek(partition, to: soughtSincePoll[partition]!) }
        }
        windBacks += 1
        metrics.writeBehindWindBacks.increment()
        health.update { $0.writeBehindWindBacks += 1 }
        logger.warning("batches written behind were not applied; handling them again", metadata: [
            LogKey.error: "\(error)", LogKey.count: "\(failed.reduce(0) { $0 + $1.recordCount })",
        ])
    }

    /// Records polled before a wind-back are fetched again rather than handled: they follow the
    /// records wound back, which come first. Their partitions not wound back are sought to them.
    private func refetch(_ records: [KafkaRecord]) {
        var firsts: [TopicPartition: Int64] = [:]
        for record in records where firsts[record.topicPartition] == nil { firsts[record.topicPartition] = record.offset }
        for (partition, offset) in firsts where soughtSincePoll[partition] == nil && owned.contains(partition) {
            soughtSincePoll[partition] = offset
            try? consumer.seek(partition, to: offset)
        }
    }

    /// Commits processed offsets to the group, once the batch's outputs are acknowledged.
    private func commitToKafka(_ offsets: [TopicPartition: Int64]) {
        do {
            try consumer.commit(offsets, asynchronously: true)
        } catch {
            // The store holds the authoritative offsets; Kafka's copy only feeds lag metrics.
            logger.debug("offset commit failed", metadata: [LogKey.error: "\(error)"])
        }
    }

    /// A write transaction for handlers, keeping the decoded-entity cache in step with the store.
    private func writeState<T>(_ body: (any StateTransaction) throws -> T) throws -> T {
        do {
            return try store.write { transaction in
                entityCache.begin(transaction)
                pendingEntities.reset()
                return try body(transaction)
            }
        } catch {
            entityCache.rolledBack()
            pendingEntities.reset()
            throw error
        }
    }

    /// Applies a batch inside one store transaction; returns the outbox records and new offsets.
    private func apply(_ records: [KafkaRecord], _ transaction: any StateTransaction) throws -> BatchResult {
        var result = BatchResult()
        var outbox = PendingOutbox(capacity: records.count)
        let preparations = try ParallelMap.map(records) { [subscriptions, worker] record in
            Self.prepare(record, subscriptions: subscriptions, worker: worker)
        }
        if store.readsAreRoundTrips || transaction is WriteBehindTransaction {
            try readAhead(records, preparations, transaction)
        }
        for (record, preparation) in zip(records, preparations) {
            let partition = record.topicPartition
            if let next = result.nextOffsets[partition] ?? positions[partition], record.offset < next { continue }
            guard owned.contains(partition) else { continue }
            if let preparation { try handle(record, preparation, transaction, &outbox) }
            result.nextOffsets[partition] = record.offset + 1
        }
        try pendingEntities.write(to: transaction, cache: entityCache)
        for (partition, next) in result.nextOffsets {
            guard try transaction.advanceOffset(partition, expected: positions[partition], next: next) else {
                throw OffsetFenceConflict(partition: partition)
            }
        }
        result.outbox = try transaction.appendOutbox(try outbox.finish())
        return result
    }

    /// Batched reads at most per batch when reading ahead: one per level of a handler's chain of
    /// reads (a carrier update's index names its shipment, which names its order, which names
    /// its customer); deeper reads are made by the handler itself.
    static var readAheadRounds: Int { 4 }

    /// Reads ahead what the batch's handlers will read, for the inputs they will handle: whether
    /// their events were applied (one ``StateTransaction/processed(among:)``) and what the worker
    /// says its handler loads (``Worker/readAhead(_:context:)``).
    private func readAhead(_ records: [KafkaRecord], _ preparations: [PreparedRecord?], _ transaction: any StateTransaction) throws {
        var inputs: [WorkerInput] = []
        inputs.reserveCapacity(records.count)
        for (record, preparation) in zip(records, preparations) {
            guard let preparation, owned.contains(record.topicPartition),
                  record.offset >= positions[record.topicPartition] ?? record.offset else { continue }
            let event: CloudEvent?
            switch preparation.decoded {
            case .raw: event = nil
            case .event(let decoded): event = decoded
            case .rejected: continue  // dead-lettered by the real run, which reads nothing for it
            }
            inputs.append(WorkerInput(topic: preparation.subscription.topic, record: record, event: event, prepared: preparation.prepared))
        }
        // Every handler run starts by asking whether its event was applied already.
        let eventIds = inputs.compactMap { $0.event?.id }
        if !eventIds.isEmpty { _ = try transaction.processed(among: eventIds) }
        let now = clock.now()
        try EntityReadAhead.warm(transaction, for: inputs, rounds: Self.readAheadRounds) { [worker, entityCache, pendingSaves] input, view in
            var context = WorkerContext(now: now, workerName: worker.name, transaction: view, owner: input.record.topicPartition,
                                        cache: entityCache, pending: pendingSaves)
            try worker.readAhead(input, context: &context)
        }
    }

    private func handle(_ record: KafkaRecord, _ preparation: PreparedRecord, _ transaction: any StateTransaction,
                        _ outbox: inout PendingOutbox) throws {
        let subscription = preparation.subscription
        metrics.recordConsumed(topic: subscription.topic.rawValue)
        var event: CloudEvent?
        switch preparation.decoded {
        case .raw:
            if record.value?.isEmpty ?? true {
                return try deadLetter(record, EventRejection(field: nil, reason: "record value is empty or null (tombstone)", code: .emptyValue), &outbox)
            }
        case .event(let decoded):
            event = decoded
        case .rejected(let error):
            return try deadLetter(record, error, &outbox)
        }
        let typeLabel = event?.type ?? "raw"
        if let event, try transaction.isProcessed(event.id) {
            metrics.recordEvent(type: typeLabel, outcome: "duplicate")
            return
        }
        let key = FailureKey.record(record.topicPartition, offset: record.offset)
        if let failure = failures[key], failure.count >= settings.maxHandlerAttempts {
            failures[key] = nil
            return try deadLetter(record, EventRejection(
                field: nil, reason: "handler failed \(failure.count) times: \(failure.lastError)", code: .handlerFailed), &outbox)
        }
        var context = WorkerContext(now: clock.now(), workerName: worker.name, transaction: transaction, owner: record.topicPartition,
                                    cache: entityCache, pending: pendingSaves)
        let outcome: HandleOutcome
        do {
            outcome = try worker.handle(
                WorkerInput(topic: subscription.topic, record: record, event: event, prepared: preparation.prepared), context: &context)
        } catch let rejection as EventRejection {
            return try deadLetter(record, rejection, &outbox)
        } catch let error where store.isTransient(error) {
            throw error
        } catch let failure as BatchEncodingFailure {
            throw failure
        } catch {
            throw HandlerRetry(key: key, error: "\(error)")
        }
        try applyChanges(context, transaction, &outbox, failing: key)
        if let event { try transaction.markProcessed(event.id, at: context.now) }
        failures[key] = nil
        metrics.recordEvent(type: typeLabel, outcome: outcome == .applied ? "applied" : "ignored")
    }

    /// Applies the changes of the handler of `key` (an input or a timer): entity writes (or pending
    /// saves), timers, and its outputs and dead letters to `outbox`. Outputs are encoded at the
    /// batch's end, or here while the batch is handled again after an encoding failure, when one
    /// that cannot be encoded is the failure of `key`.
    private func applyChanges(_ context: WorkerContext, _ transaction: any StateTransaction, _ outbox: inout PendingOutbox,
                              failing key: FailureKey) throws {
        for entityKey in context.entityWriteOrder {
            switch context.entityWrites[entityKey]! {
            case .put(let data?, let value):
                pendingEntities.discard(entityKey)
                try transaction.putEntity(namespace: entityKey.namespace, key: entityKey.key, value: data)
                entityCache.remember(entityKey, bytes: data, value: value)
            case .put(nil, let value):
                pendingEntities.save(entityKey, value)
            case .delete:
                pendingEntities.discard(entityKey)
                try transaction.deleteEntity(namespace: entityKey.namespace, key: entityKey.key)
            }
        }
        for change in context.timerChanges {
            switch change {
            case .schedule(let timer):
                try transaction.scheduleTimer(timer)
                nextTimerDue = min(nextTimerDue ?? timer.dueAt, timer.dueAt)
            case .cancel(let id):
                try transaction.cancelTimer(id: id)
            }
        }
        for event in context.outputs {
            var record = try outboxRecord(for: event, source: context.owner)
            guard !encodeAtBatchEnd else {
                outbox.append(event, as: record)
                continue
            }
            do {
                record.value = Data(try CloudEventCodec.encodeStructured(event))
            } catch {
                throw HandlerRetry(key: key, error: "an output cannot be encoded: \(error)")
            }
            outbox.append(record)
        }
        for (record, rejection) in context.deadLetters {
            try deadLetter(record, rejection, &outbox)
        }
    }

    /// The record for `event`, without its value (encoded for the whole batch by ``PendingOutbox/finish()``).
    private func outboxRecord(for event: OutgoingEvent, source: TopicPartition) throws -> OutboxRecord {
        let topic = topics.physical(event.topic)
        let key = Array(event.key.utf8)
        let partition = Murmur2Partitioner.partition(for: key, partitionCount: try partitionCount(of: topic))
        return OutboxRecord(
            source: source, outputId: event.id, topic: topic, partition: partition, key: key, value: nil,
            headers: [
                KafkaHeader(name: "content-type", text: CloudEventCodec.structuredContentType),
                KafkaHeader(name: OutboxRecord.outputIdHeader, text: event.id),
            ])
    }

    /// Puts the record, unchanged, on the dead-letter topic with the contract's `dlq-*` headers.
    private func deadLetter(_ record: KafkaRecord, _ error: any Error, _ outbox: inout PendingOutbox) throws {
        let rejection = error as? EventRejection ?? EventRejection(field: nil, reason: "\(error)", code: .rejected)
        let outputId = "dlq:\(worker.name):\(record.topic):\(record.partition):\(record.offset)"
        var headers = record.headers
        headers.append(KafkaHeader(name: "dlq-error", text: rejection.description))
        headers.append(KafkaHeader(name: "dlq-worker", text: worker.name))
        headers.append(KafkaHeader(name: "dlq-topic", text: record.topic))
        headers.append(KafkaHeader(name: "dlq-partition", text: String(record.partition)))
        headers.append(KafkaHeader(name: "dlq-offset", text: String(record.offset)))
        headers.append(KafkaHeader(name: OutboxRecord.outputIdHeader, text: outputId))
        let count = try partitionCount(of: deadLetterTopic)
        let partition = record.key.map { Murmur2Partitioner.partition(for: $0, partitionCount: count) } ?? record.partition % count
        outbox.append(OutboxRecord(
            source: record.topicPartition, outputId: outputId, topic: deadLetterTopic, partition: partition,
            key: record.key, value: record.value, headers: headers))
        metrics.recordDeadLetter(topic: subscriptions[record.topic]?.topic.rawValue ?? record.topic, code: rejection.code.rawValue)
        logger.warning("dead-lettered a record", metadata: [
            LogKey.topic: "\(record.topic)", LogKey.partition: "\(record.partition)", LogKey.offset: "\(record.offset)",
            LogKey.reason: "\(rejection)",
        ])
    }

    private func partitionCount(of topic: String) throws -> Int32 {
        if let count = partitionCounts[topic] { return count }
        let count = try producer.partitionCount(of: topic)
        partitionCounts[topic] = count
        return count
    }

    /// The physical names of the output topics and of `dead-letters`, sorted.
    private var outputTopicNames: [String] {
        Set((worker.outputTopics + [.deadLetters]).map(topics.physical)).sorted()
    }

    /// Every partition of the output topics and of `dead-letters`.
    private func outputPartitions() throws -> [TopicPartition] {
        try outputTopicNames.flatMap { topic in
            (0..<(try partitionCount(of: topic))).map { TopicPartition(topic: topic, partition: $0) }
        }
    }

    /// Looks up the output topics' partition counts before consuming, waiting for them to exist.
    private func loadPartitionCounts() throws {
        for name in outputTopicNames {
            var attempt = 0
            while true {
                do {
                    _ = try partitionCount(of: name)
                    break
                } catch let error as KafkaError where !error.isFatal {
                    attempt += 1
                    logger.warning("output topic not available yet", metadata: [LogKey.topic: "\(name)", LogKey.error: "\(error)"])
                    try Backoff.sleep(attempt: min(attempt, 6), stop: stop)
                }
            }
        }
    }

    /// After a fence conflict: forget the batch and continue from what the store says.
    private func rewind(_ records: [KafkaRecord]) throws {
        let partitions = Set(records.map(\.topicPartition))
        let stored = try store.read { try $0.storedOffsets(for: Array(partitions)) }
        for partition in partitions {
            positions[partition] = stored[partition]
            let firstOffset = records.first { $0.topicPartition == partition }!.offset
            try? consumer.seek(partition, to: stored[partition] ?? firstOffset)
        }
    }

    // MARK: - Timers

    private func pollTimeout() -> Int32 {
        // While outputs await acknowledgements, come back soon to finish their batches.
        let waiting = relay.hasInFlight || !writesBehind.isEmpty
        var timeout = Double(waiting ? min(settings.pollIntervalMs, 5) : settings.pollIntervalMs)
        if let due = nextTimerDue {
            let real = clock.realDelay(for: due.timeIntervalSince(clock.now())) * 1000
            // While due timers wait for the backlog, wait a little for the next fetch instead of spinning.
            timeout = min(timeout, max(real, timersDeferredSince == nil ? 0 : 10))
        }
        return Int32(timeout.rounded(.up))
    }

    /// Unprocessed input in the owned partitions. A timer must not fire while events that happened
    /// before it are still waiting: after an outage, a "promise missed" check would otherwise run
    /// before the backlog's delivery scan, and a review request before the backlog's return.
    private func inputBacklog(lastPollCount: Int) -> Bool {
        if lastPollCount >= settings.batchSize { return true }
        for partition in owned {
            // No fetch answered yet for this partition (just assigned): its backlog is unknown.
            guard let high = consumer.cachedHighWatermark(partition) else { return true }
            guard let position = positions[partition] ?? consumer.position(partition) ?? startingPositions[partition]
                    ?? (high == 0 ? 0 : nil) else { return true }
            if high > position { return true }
        }
        return false
    }

    private func fireDueTimers(lastPollCount: Int) throws {
        guard !owned.isEmpty, let due = nextTimerDue else { return }
        let now = clock.now()
        guard due <= now else { return }
        if inputBacklog(lastPollCount: lastPollCount) {
            let since = timersDeferredSince ?? ContinuousClock.now
            timersDeferredSince = since
            if ContinuousClock.now - since < Self.maxTimerDeferral { return }
            logger.warning("due timers waited \(Self.maxTimerDeferral) for the input backlog; firing them anyway")
        }
        timersDeferredSince = nil
        // Timers are claimed in ordinary transactions, which must see every batch's writes.
        try drainWritesBehind()
        let owners = owned.sorted()
        let timers = try store.read { try $0.dueTimers(at: now, owners: owners, limit: settings.timerBatchSize) }
        var attempt = 0
        while !timers.isEmpty {
            do {
                let outbox = try writeState { transaction -> [OutboxRecord] in
                    var outbox = PendingOutbox()
                    let claimed = try transaction.claimTimers(timers)
                    let firing = timers.filter { claimed.contains($0.id) }
                    if store.readsAreRoundTrips {
                        try EntityReadAhead.warm(transaction, for: firing) { timer, view in
                            var context = WorkerContext(
                                now: now, workerName: worker.name, transaction: view, owner: timer.owner, cache: entityCache, pending: pendingSaves)
                            try worker.fire(timer, context: &context)
                        }
                    }
                    // Timers scheduled or cancelled by an earlier firing of this batch: claimed one
                    // by one, after that change, they fire only if still due as fetched (as when
                    // each timer was claimed just before it fired).
                    var changed: Set<String> = []
                    for timer in firing {
                        if changed.contains(timer.id), try !transaction.claimTimer(id: timer.id, dueAt: timer.dueAt) { continue }
                        try fire(timer, now: now, transaction, &outbox, changedTimers: &changed)
                    }
                    try pendingEntities.write(to: transaction, cache: entityCache)
                    return try transaction.appendOutbox(try outbox.finish())
                }
                try relay.publish(outbox)
                encodeAtBatchEnd = true
                break
            } catch let failure as BatchEncodingFailure {
                logger.warning("a value failed to encode; firing the timers again, encoding each as its handler returns", metadata: [
                    LogKey.error: "\(failure.error)",
                ])
                encodeAtBatchEnd = false
            } catch let retry as HandlerRetry {
                metrics.handlerFailures.increment()
                let count = (failures[retry.key]?.count ?? 0) + 1
                failures[retry.key] = (count, retry.error)
                attempt += 1
                try Backoff.sleep(attempt: min(attempt, 3), stop: stop)
            } catch let error where store.isTransient(error) {
                attempt += 1
                metrics.transientRetries.increment()
                try Backoff.sleep(attempt: attempt, stop: stop)
            }
        }
        nextTimerDue = try store.read { try $0.nextTimerDue(owners: owners) }
    }

    /// Fires one claimed timer; adds the ids of the timers its firing scheduled or cancelled to `changedTimers`.
    private func fire(_ timer: DurableTimer, now: Date, _ transaction: any StateTransaction, _ outbox: inout PendingOutbox,
                      changedTimers: inout Set<String>) throws {
        let key = FailureKey.timer(id: timer.id, dueAt: timer.dueAt)
        if let failure = failures[key], failure.count >= settings.maxHandlerAttempts {
            failures[key] = nil
            logger.error("timer dropped after repeated failures", metadata: [LogKey.timerId: "\(timer.id)", LogKey.error: "\(failure.lastError)"])
            return
        }
        var context = WorkerContext(
            now: now, workerName: worker.name, transaction: transaction, owner: timer.owner, cache: entityCache, pending: pendingSaves)
        do {
            try worker.fire(timer, context: &context)
        } catch let rejection as EventRejection {
            logger.warning("timer rejected by the worker", metadata: [LogKey.timerId: "\(timer.id)", LogKey.reason: "\(rejection)"])
            return
        } catch let error where store.isTransient(error) {
            throw error
        } catch let failure as BatchEncodingFailure {
            throw failure
        } catch {
            throw HandlerRetry(key: key, error: "\(error)")
        }
        try applyChanges(context, transaction, &outbox, failing: key)
        for change in context.timerChanges {
            switch change {
            case .schedule(let scheduled): changedTimers.insert(scheduled.id)
            case .cancel(let id): changedTimers.insert(id)
            }
        }
        failures[key] = nil
        metrics.recordTimerFired(kind: timer.kind)
        metrics.timerLag.recordNanoseconds(Int64(max(0, now.timeIntervalSince(timer.dueAt)) * 1e9))
    }

    // MARK: - Rebalancing

    func partitionsAssigned(_ partitions: [TopicPartition]) -> [TopicPartition: Int64] {
        do {
            try drainWritesBehind()
        } catch {
            logger.warning("batches written behind not finished before an assignment", metadata: [LogKey.error: "\(error)"])
        }
        var stored: [TopicPartition: Int64] = [:]
        var attempt = 0
        while true {
            do {
                stored = try store.read { try $0.storedOffsets(for: partitions) }
                nextTimerDue = try store.read { try $0.nextTimerDue(owners: Array(owned.union(partitions))) }
                break
            } catch {
                attempt += 1
                logger.error("cannot read stored offsets; retrying", metadata: [LogKey.error: "\(error)"])
                if (try? Backoff.sleep(attempt: attempt, stop: stop)) == nil { break }
            }
        }
        // The group's commit is only ever ahead of our store when an instance with another store
        // (another host) processed the partition meanwhile. Replaying from our older offset would
        // publish its outputs again, so start at the commit and report the gap in our state.
        if let committed = try? consumer.committed(partitions, timeoutMilliseconds: 5_000) {
            for (partition, offset) in committed {
                guard let mine = stored[partition] else {
                    startingPositions[partition] = offset
                    continue
                }
                if offset > mine {
                    logger.error("partition was processed by an instance with another store; skipping to the group's offset", metadata: [
                        LogKey.topic: "\(partition.topic)", LogKey.partition: "\(partition.partition)",
                        "offset.stored": "\(mine)", "offset.committed": "\(offset)",
                    ])
                    let moved = (try? store.write { try $0.advanceOffset(partition, expected: mine, next: offset) }) ?? false
                    if moved {
                        metrics.stateGaps.increment(by: Int(offset - mine))
                        stored[partition] = offset
                    }
                }
            }
        }
        for partition in partitions {
            positions[partition] = stored[partition]
            owned.insert(partition)
            needsRecovery.insert(partition)
        }
        publishAssignment()
        logger.info("partitions assigned", metadata: [
            LogKey.partitions: "\(partitions.sorted().map { "\($0)@\(stored[$0].map(String.init) ?? "committed")" }.joined(separator: ","))",
        ])
        return stored
    }

    func partitionsRevoked(_ partitions: [TopicPartition]) {
        // The next owner recovers what is left in the outbox: nothing of ours may still be on its way.
        do {
            try drainWritesBehind()
            try relay.drain()
        } catch {
            logger.warning("outputs not acknowledged before revocation stay in the outbox for the next owner", metadata: [LogKey.error: "\(error)"])
        }
        var offsets: [TopicPartition: Int64] = [:]
        for partition in partitions { if let next = positions[partition] { offsets[partition] = next } }
        do {
            try consumer.commit(offsets, asynchronously: false)
        } catch {
            logger.warning("offset commit on revocation failed (the store keeps them)", metadata: [LogKey.error: "\(error)"])
        }
        owned.subtract(partitions)
        for partition in partitions {
            positions.removeValue(forKey: partition)
            startingPositions.removeValue(forKey: partition)
            needsRecovery.remove(partition)
            metrics.forgetLag(partition)
        }
        publishAssignment()
        logger.info("partitions revoked", metadata: [LogKey.partitions: "\(partitions.sorted().map(\.description).joined(separator: ","))"])
    }

    private func publishAssignment() {
        let names = owned.sorted().map(\.description)
        health.update { $0.assignedPartitions = names }
        metrics.assignedPartitions.record(names.count)
    }

    /// Publishes what a previous owner (or our own crashed run) left in the outbox for newly
    /// assigned partitions, before any new output of theirs.
    private func recoverIfNeeded() throws {
        guard !needsRecovery.isEmpty else { return }
        let partitions = needsRecovery.sorted()
        try drainWritesBehind()
        try relay.recover(sources: partitions)
        try relay.prepareMarks(sources: partitions, outputs: try outputPartitions())
        needsRecovery.removeAll()
    }

    // MARK: - Housekeeping

    /// Adds this thread's CPU time since the last report, and the writer's, to the metrics and the
    /// health snapshot.
    private func reportPipelineCPU() {
        let seconds = ThreadCPUTime.seconds()
        metrics.pipelineCPU.increment(by: seconds - pipelineCPUReported)
        pipelineCPUReported = seconds
        let writerSeconds = writer?.cpuSeconds ?? 0
        metrics.writerCPU.increment(by: writerSeconds - writerCPUReported)
        writerCPUReported = writerSeconds
        health.update {
            $0.pipelineCPUSeconds = seconds
            $0.writerCPUSeconds = writerSeconds
        }
    }

    private func housekeeping() {
        let now = Date()
        guard now >= nextHousekeeping else { return }
        nextHousekeeping = now.addingTimeInterval(1)
        reportPipelineCPU()
        for partition in owned {
            // Before the first record of a partition is processed, the fetch position stands in.
            if let high = consumer.cachedHighWatermark(partition),
               let position = positions[partition] ?? consumer.position(partition) ?? startingPositions[partition]
                   ?? (high == 0 ? 0 : nil) {
                metrics.recordLag(partition, max(0, high - position))
            }
        }
        let healthy = store.isHealthy()
        health.update { $0.storeOpen = healthy }
        if let counts = try? store.read({ (try $0.timerCount(), try $0.outboxCount()) }) {
            metrics.timersPending.record(counts.0)
            metrics.outboxPending.record(counts.1)
        }
        if now >= nextPrune {
            nextPrune = now.addingTimeInterval(600)
            let cutoff = clock.now().addingTimeInterval(-Double(settings.dedupeRetentionHours) * 3600)
            do {
                try drainWritesBehind()
                let removed = try store.write { try $0.pruneProcessed(before: cutoff) }
                if removed > 0 { logger.info("pruned old idempotency records", metadata: [LogKey.count: "\(removed)"]) }
            } catch {
                logger.warning("pruning idempotency records failed", metadata: [LogKey.error: "\(error)"])
            }
        }
    }
}
