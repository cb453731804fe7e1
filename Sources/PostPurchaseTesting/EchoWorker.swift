import Foundation
import PostPurchaseCore
import Synchronization

/// A tiny worker that exercises every runtime feature, for the integration tests and the
/// crash tests that kill a real process: state (a counter per key), outputs with deterministic
/// ids, timers, rejections and injected failures.
///
/// For each `echo.request` on `echo-in` it increments the counter of the event's key and emits
/// `echo.reply` (id `reply:<request id>`) on `echo-out`. Data fields: `requestId` (required),
/// `failOnce` (throw once, in this process, before succeeding), `reject` (reject the event),
/// `timerSeconds` (also emit `echo.timer` that many seconds after the event's time),
/// `unencodableState` (also save an entity whose encoding fails: a handler bug to contain),
/// `unencodableOutput` (also emit an event whose data cannot be encoded: another such bug).
public struct EchoWorker: Worker {
    public let name: String
    public static let input: TopicName = "echo-in"
    public static let output: TopicName = "echo-out"
    private let failedOnce = FailureMemory()

    public init(name: String = "echo-worker") {
        self.name = name
    }

    public var subscriptions: [TopicSubscription] { [TopicSubscription(Self.input)] }
    public var outputTopics: [TopicName] { [Self.output] }

    /// The request payload.
    public struct Request: Codable, Sendable {
        public var requestId: String
        public var failOnce: Bool?
        public var reject: Bool?
        public var timerSeconds: Double?
        public var unencodableState: Bool?
        public var unencodableOutput: Bool?
        public init(requestId: String, failOnce: Bool? = nil, reject: Bool? = nil, timerSeconds: Double? = nil,
                    unencodableState: Bool? = nil, unencodableOutput: Bool? = nil) {
            self.requestId = requestId
            self.failOnce = failOnce
            self.reject = reject
            self.timerSeconds = timerSeconds
            self.unencodableState = unencodableState
            self.unencodableOutput = unencodableOutput
        }
    }

    /// The reply payload.
    public struct Reply: Codable, Sendable, Hashable {
        public var requestId: String
        public var key: String
        public var count: Int
        public init(requestId: String, key: String, count: Int) {
            self.requestId = requestId
            self.key = key
            self.count = count
        }
    }

    struct Counter: StoredEntity {
        static let namespace = "echo.counter"
        var count: Int
    }

    /// State (or event data) whose encoding always fails.
    struct Unencodable: StoredEntity {
        static let namespace = "echo.unencodable"
        func encode(to encoder: any Encoder) throws {
            throw EncodingError.invalidValue(self, .init(codingPath: [], debugDescription: "this entity cannot be encoded"))
        }
    }

    private struct InjectedFailure: Error, CustomStringConvertible {
        var description: String { "injected failure" }
    }

    public func handle(_ input: WorkerInput, context: inout WorkerContext) throws -> HandleOutcome {
        guard let event = input.event, event.type == "echo.request" else { return .ignored }
        let request = try event.decodeData(Request.self)
        if request.reject == true {
            throw EventRejection(field: "data.reject", reason: "the request asks to be rejected")
        }
        if request.failOnce == true, failedOnce.firstTime(request.requestId) {
            throw InjectedFailure()
        }
        let key = input.record.keyText ?? ""
        let count = (try context.load(Counter.self, key: key)?.count ?? 0) + 1
        try context.save(Counter(count: count), key: key)
        if request.unencodableState == true { try context.save(Unencodable(), key: key) }
        context.emit(OutgoingEvent(
            topic: Self.output, key: key, id: "reply:\(event.id)", type: "echo.reply", source: name,
            time: context.now, data: Reply(requestId: request.requestId, key: key, count: count)))
        if request.unencodableOutput == true {
            context.emit(OutgoingEvent(
                topic: Self.output, key: key, id: "broken:\(event.id)", type: "echo.broken", source: name,
                time: context.now, data: Unencodable()))
        }
        if let seconds = request.timerSeconds {
            let payload = try JSONEncoder().encode(Reply(requestId: request.requestId, key: key, count: count))
            context.schedule(timerId: "echo-timer:\(event.id)", at: event.time.addingTimeInterval(seconds), kind: "echo", payload: payload)
        }
        return .applied
    }

    public func fire(_ timer: DurableTimer, context: inout WorkerContext) throws {
        let reply = try JSONDecoder().decode(Reply.self, from: timer.payload)
        context.emit(OutgoingEvent(
            topic: Self.output, key: reply.key, id: "timer:\(timer.id)", type: "echo.timer", source: name,
            time: context.now, data: reply))
    }

    /// An `echo.request` event for tests.
    public static func request(_ request: Request, key: String, id: String? = nil, time: Date = Date()) -> OutgoingEvent {
        OutgoingEvent(
            topic: input, key: key, id: id ?? "req-\(request.requestId)", type: "echo.request", source: "tests",
            time: time, data: request)
    }
}

/// Remembers which requests already failed once in this process.
final class FailureMemory: Sendable {
    private let seen = Mutex<Set<String>>([])
    func firstTime(_ id: String) -> Bool { seen.withLock { $0.insert(id).inserted } }
}
