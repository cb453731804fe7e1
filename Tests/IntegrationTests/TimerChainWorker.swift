import Foundation
import PostPurchaseCore
import PostPurchaseTesting
import Testing

/// A test worker whose timers change each other: firing one cancels or moves another that fell
/// due at the same moment (so both are fetched in one batch), and schedules a new one.
///
/// For each `echo.request` it schedules `a:`, `b:` and `d:` timers, all due a minute after the
/// event. Firing `a` cancels `b`, moves `d` a day later and schedules `c` for now. Every firing
/// emits `echo.timer` with the timer's kind as the reply's `requestId`.
struct TimerChainWorker: Worker {
    var name: String { "timer-chain-worker" }
    var subscriptions: [TopicSubscription] { [TopicSubscription(EchoWorker.input)] }
    var outputTopics: [TopicName] { [EchoWorker.output] }

    func handle(_ input: WorkerInput, context: inout WorkerContext) throws -> HandleOutcome {
        guard let event = input.event, event.type == "echo.request" else { return .ignored }
        let key = input.record.keyText ?? ""
        let due = event.time.addingTimeInterval(60)
        for kind in ["a", "b", "d"] {
            context.schedule(timerId: "\(kind):\(event.id)", at: due, kind: kind, payload: Data(key.utf8))
        }
        return .applied
    }

    func fire(_ timer: DurableTimer, context: inout WorkerContext) throws {
        let key = String(decoding: timer.payload, as: UTF8.self)
        let source = timer.id.split(separator: ":", maxSplits: 1).last.map(String.init) ?? ""
        if timer.kind == "a" {
            context.cancelTimer(id: "b:\(source)")
            context.schedule(timerId: "d:\(source)", at: timer.dueAt.addingTimeInterval(86_400), kind: "d", payload: timer.payload)
            context.schedule(timerId: "c:\(source)", at: timer.dueAt, kind: "c", payload: timer.payload)
        }
        context.emit(OutgoingEvent(
            topic: EchoWorker.output, key: key, id: "timer:\(timer.id)", type: "echo.timer", source: name, time: context.now,
            data: EchoWorker.Reply(requestId: timer.kind, key: key, count: 0)))
    }

    /// Publishes one request, runs the worker with an injected clock and checks that `a` and `c`
    /// fire a minute later, `b` never and `d` only a day later.
    static func expectCancelledAndMovedTimersSkipped(
        fixture: DevBrokerFixture, configuration: PostPurchaseConfiguration, sourceLocation: SourceLocation = #_sourceLocation
    ) async throws {
        let clock = ManualClock()
        try fixture.publish([EchoWorker.request(.init(requestId: "chain"), key: "k-chain", time: clock.now())], topic: "echo-in")
        let worker = try RunningWorker(TimerChainWorker(), configuration: configuration, clock: clock)
        try await worker.waitUntilReady()
        try await Task.sleep(for: .milliseconds(500))
        clock.advance(by: 61)
        _ = try await fixture.waitForRecords(on: "echo-out", count: 2)
        try await Task.sleep(for: .milliseconds(600))
        let fired = try echoOutputs(try fixture.records(on: "echo-out")).map(\.reply.requestId).sorted()
        #expect(fired == ["a", "c"], sourceLocation: sourceLocation)
        clock.advance(by: 86_400)
        _ = try await fixture.waitForRecords(on: "echo-out", count: 3)
        try await Task.sleep(for: .milliseconds(600))
        try await worker.stop()
        let all = try echoOutputs(try fixture.records(on: "echo-out")).map(\.reply.requestId).sorted()
        #expect(all == ["a", "c", "d"], sourceLocation: sourceLocation)
    }
}
