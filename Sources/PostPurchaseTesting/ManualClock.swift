import Foundation
import PostPurchaseCore
import Synchronization

/// A clock that moves only when a test moves it, so timers due in days fire at once.
public final class ManualClock: WorkerClock {
    private let current: Mutex<Date>

    /// A clock reading `start`.
    public init(_ start: Date = Date(timeIntervalSince1970: 1_790_000_000)) {
        current = Mutex(start)
    }

    public func now() -> Date { current.withLock { $0 } }

    /// Moves the clock forward.
    public func advance(by interval: TimeInterval) {
        current.withLock { $0 = $0.addingTimeInterval(interval) }
    }

    /// The pipeline polls at its normal interval and notices the moved time then.
    public func realDelay(for interval: TimeInterval) -> TimeInterval { min(max(interval, 0), 0.05) }
}
