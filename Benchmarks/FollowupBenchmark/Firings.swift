import Foundation
import Synchronization

/// What the benchmark's firing loops fired, gathered from their threads: lags, messages, which
/// instance fired what, and any timer fired twice.
final class Firings: Sendable {
    struct Result {
        /// Lag after its due time of each due follow-up fired, in seconds.
        var lags: [Double] = []
        var messages = 0
        /// Firings per instance, in the order the instances joined.
        var perInstance: [Int] = []
        /// Timers fired more than once (must stay 0).
        var repeats = 0
        /// Write transactions that failed transiently (lost a race) and were retried.
        var retries = 0
        var error: (any Error)?
    }

    private struct State {
        var result = Result()
        var fired: Set<String> = []
    }

    private let state = Mutex(State())

    /// Registers a firing loop; returns its instance number.
    func join() -> Int {
        state.withLock { state in
            state.result.perInstance.append(0)
            return state.result.perInstance.count - 1
        }
    }

    /// Due follow-ups fired so far, by every instance.
    var count: Int { state.withLock { $0.result.lags.count } }

    /// Records one committed transaction's firings.
    func record(_ firings: [(id: String, lag: Double?, messages: Int)], by instance: Int) {
        state.withLock { state in
            for firing in firings {
                if !state.fired.insert(firing.id).inserted { state.result.repeats += 1 }
                if let lag = firing.lag { state.result.lags.append(lag) }
                state.result.messages += firing.messages
            }
            state.result.perInstance[instance] += firings.count
        }
    }

    func retried() {
        state.withLock { $0.result.retries += 1 }
    }

    /// A loop stopped on an error: the run reports it.
    func fail(_ error: any Error) {
        state.withLock { state in
            if state.result.error == nil { state.result.error = error }
        }
    }

    /// Everything recorded; throws the first loop's error, if any.
    func result() throws -> Result {
        let result = state.withLock { $0.result }
        if let error = result.error { throw error }
        return result
    }
}
