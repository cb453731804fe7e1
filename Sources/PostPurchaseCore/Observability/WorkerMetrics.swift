import Metrics

/// The runtime's metrics (swift-metrics, served as Prometheus text on `/metrics`).
///
/// Labelled metric objects are cached here so the hot path does not build a new one per event.
/// Confined to the pipeline thread.
final class WorkerMetrics {
    private let worker: String
    private var consumed: [String: Counter] = [:]
    private var events: [LabelPair: Counter] = [:]
    private var deadLetters: [LabelPair: Counter] = [:]
    private var published: [String: Counter] = [:]
    private var lag: [TopicPartition: Gauge] = [:]
    private var timersFired: [String: Counter] = [:]
    let batchDuration: Timer
    let batchSize: Recorder
    let timerLag: Timer
    let timersPending: Gauge
    let outboxPending: Gauge
    let assignedPartitions: Gauge
    let handlerFailures: Counter
    let transientRetries: Counter
    /// CPU time of the pipeline's thread: its rate near 1 means the worker is at its throughput limit.
    let pipelineCPU: FloatingPointCounter
    /// CPU time of the thread committing batches written behind: its rate near 1 means the store's
    /// writes bound the worker's throughput rather than the handlers.
    let writerCPU: FloatingPointCounter
    /// Records this instance's store never saw because another store processed them (multi-host SQLite).
    let stateGaps: Counter
    /// Batches committed on the writer's thread while the next was handled (``StateWriter``).
    let batchesWrittenBehind: Counter
    /// Times batches written behind were not applied and were handled again (another process
    /// wrote to the SQLite file meanwhile, a store error): steadily rising, write-behind only costs.
    let writeBehindWindBacks: Counter

    init(worker: String) {
        self.worker = worker
        let dimensions = [("worker", worker)]
        batchDuration = Timer(label: "postpurchase_batch_duration_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
        batchSize = Recorder(label: "postpurchase_batch_records", dimensions: dimensions, aggregate: true)
        timerLag = Timer(label: "postpurchase_timer_firing_lag_seconds", dimensions: dimensions, preferredDisplayUnit: .seconds)
        timersPending = Gauge(label: "postpurchase_timers_pending", dimensions: dimensions)
        outboxPending = Gauge(label: "postpurchase_outbox_pending", dimensions: dimensions)
        assignedPartitions = Gauge(label: "postpurchase_assigned_partitions", dimensions: dimensions)
        handlerFailures = Counter(label: "postpurchase_handler_failures_total", dimensions: dimensions)
        transientRetries = Counter(label: "postpurchase_transient_retries_total", dimensions: dimensions)
        pipelineCPU = FloatingPointCounter(label: "postpurchase_pipeline_cpu_seconds_total", dimensions: dimensions)
        writerCPU = FloatingPointCounter(label: "postpurchase_writer_cpu_seconds_total", dimensions: dimensions)
        stateGaps = Counter(label: "postpurchase_state_gap_records_total", dimensions: dimensions)
        batchesWrittenBehind = Counter(label: "postpurchase_batches_written_behind_total", dimensions: dimensions)
        writeBehindWindBacks = Counter(label: "postpurchase_write_behind_windbacks_total", dimensions: dimensions)
    }

    func recordConsumed(topic: String) {
        counter(&consumed, topic, "postpurchase_records_consumed_total", [("topic", topic)]).increment()
    }

    /// `outcome`: applied, ignored, duplicate or dead_lettered.
    func recordEvent(type: String, outcome: String) {
        counter(&events, LabelPair(type, outcome), "postpurchase_events_total", [("type", type), ("outcome", outcome)]).increment()
    }

    func recordDeadLetter(topic: String, code: String) {
        counter(&deadLetters, LabelPair(topic, code), "postpurchase_dead_letters_total", [("topic", topic), ("code", code)]).increment()
    }

    func recordPublished(topic: String, count: Int) {
        counter(&published, topic, "postpurchase_outputs_published_total", [("topic", topic)]).increment(by: count)
    }

    func recordTimerFired(kind: String) {
        counter(&timersFired, kind, "postpurchase_timers_fired_total", [("kind", kind)]).increment()
    }

    func recordLag(_ partition: TopicPartition, _ value: Int64) {
        if lag[partition] == nil {
            lag[partition] = Gauge(label: "postpurchase_consumer_lag", dimensions: [
                ("worker", worker), ("topic", partition.topic), ("partition", String(partition.partition)),
            ])
        }
        lag[partition]!.record(Double(value))
    }

    func forgetLag(_ partition: TopicPartition) {
        lag.removeValue(forKey: partition)?.record(0)
    }

    /// Two label values as a cache key, without building a joined string per event.
    private struct LabelPair: Hashable {
        var first: String
        var second: String
        init(_ first: String, _ second: String) {
            self.first = first
            self.second = second
        }
    }

    /// `dimensions` is an autoclosure: the array is built only the first time, not on every event.
    private func counter<Key: Hashable>(_ cache: inout [Key: Counter], _ key: Key, _ label: String,
                                        _ dimensions: @autoclosure () -> [(String, String)]) -> Counter {
        if let counter = cache[key] { return counter }
        let counter = Counter(label: label, dimensions: [("worker", worker)] + dimensions())
        cache[key] = counter
        return counter
    }
}
