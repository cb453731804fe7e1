import Foundation

/// A worker: the topics it reads and how it reacts. The runtime owns polling, decoding,
/// deduplication, transactions, offsets, the outbox and timers; a worker only decides.
///
/// Decisions are a function of (state, event, now): read state through the context, emit outputs
/// and schedule timers on it, and throw ``EventRejection`` for input that cannot be accepted.
public protocol Worker: Sendable {
    /// The worker's name (`tracking-worker`): default group id, store file, `dlq-worker` header.
    var name: String { get }
    /// The topics it consumes.
    var subscriptions: [TopicSubscription] { get }
    /// The topics it may emit to (partition counts are looked up at start-up).
    var outputTopics: [TopicName] { get }
    /// Reacts to one input. Throwing ``EventRejection`` dead-letters the input; any other error
    /// retries it (``PostPurchaseConfiguration/Runtime/maxHandlerAttempts`` times, then dead-letters).
    func handle(_ input: WorkerInput, context: inout WorkerContext) throws -> HandleOutcome
    /// Reacts to one of its timers falling due.
    func fire(_ timer: DurableTimer, context: inout WorkerContext) throws
    /// Work on one input that needs no state, such as parsing its payload. The runtime calls it
    /// for a whole batch, on every core, before the batch's handlers run one by one, and hands
    /// the result to ``handle(_:context:)`` as ``WorkerInput/prepared``. It must be a pure
    /// function of the input; failures belong in the result (a handler rethrows them), so that
    /// they reach the handler in order. The default prepares nothing.
    func prepare(_ input: WorkerInput) -> (any Sendable)?
    /// Loads, through `context`, the entities ``handle(_:context:)`` will load for `input`, in the
    /// same order and deciding nothing. Where a store read costs more than a lookup (a round trip
    /// to PostgreSQL, or a read behind the SQLite writer), the runtime runs it for a whole batch
    /// first and reads the keys it asks for a few batched reads at a time (``EntityReadAhead``),
    /// so the handlers find them read. It must only load: it runs more than once per input and
    /// its errors and other effects are dropped. The default reads nothing ahead.
    func readAhead(_ input: WorkerInput, context: inout WorkerContext) throws
}

extension Worker {
    /// Workers whose inputs need no preparation need not implement ``prepare(_:)``.
    public func prepare(_ input: WorkerInput) -> (any Sendable)? { nil }

    /// Workers whose handlers read on demand need not implement ``readAhead(_:context:)``.
    public func readAhead(_ input: WorkerInput, context: inout WorkerContext) throws {}

    /// Workers without timers need not implement ``fire(_:context:)``.
    public func fire(_ timer: DurableTimer, context: inout WorkerContext) throws {}
}

/// A topic a worker consumes, and how its records are read.
public struct TopicSubscription: Sendable, Hashable {
    public var topic: TopicName
    /// Whether records that are not CloudEvents are handed over raw (the carrier webhooks topic),
    /// rather than dead-lettered.
    public var acceptsRawPayloads: Bool

    public init(_ topic: TopicName, acceptsRawPayloads: Bool = false) {
        self.topic = topic
        self.acceptsRawPayloads = acceptsRawPayloads
    }
}

/// One input for a worker.
public struct WorkerInput: Sendable {
    /// The logical topic it came from.
    public var topic: TopicName
    /// The Kafka record as read (key, headers, offset).
    public var record: KafkaRecord
    /// The decoded CloudEvent; `nil` for raw payloads on topics that accept them.
    public var event: CloudEvent?
    /// What the worker's ``Worker/prepare(_:)`` made of this input (`nil`: not prepared, as in
    /// tests that build inputs themselves; a handler then does the work itself).
    public var prepared: (any Sendable)?

    /// An input as the runtime hands it over (tests and benchmarks build their own).
    public init(topic: TopicName, record: KafkaRecord, event: CloudEvent?, prepared: (any Sendable)? = nil) {
        self.topic = topic
        self.record = record
        self.event = event
        self.prepared = prepared
    }
}

/// What a handler did with an input.
public enum HandleOutcome: Sendable, Equatable {
    /// The input changed state or emitted outputs (or was a valid no-op such as a repeated status).
    case applied
    /// The input is not for this worker (e.g. an event type it does not handle): skipped and counted.
    case ignored
}
