import Foundation

/// The time a worker decides by. Injected everywhere timing matters, so tests move time by hand
/// and demos compress days into seconds instead of anyone waiting.
public protocol WorkerClock: Sendable {
    /// The current time as the domain sees it.
    func now() -> Date
    /// How long to really wait for `interval` seconds of this clock's time to pass.
    func realDelay(for interval: TimeInterval) -> TimeInterval
}

/// Wall-clock time.
public struct SystemClock: WorkerClock {
    public init() {}
    public func now() -> Date { Date() }
    public func realDelay(for interval: TimeInterval) -> TimeInterval { interval }
}

/// Time that runs `speed` times faster than real time from `origin` (for demos: at 3600, a day
/// passes in 24 seconds). Every process given the same origin and speed agrees on the time.
public struct ScaledClock: WorkerClock {
    public let origin: Date
    public let speed: Double
    private let realOrigin: Date

    /// A clock that reads `origin` now (or at `realOrigin`) and runs `speed` times faster.
    public init(origin: Date = Date(), speed: Double, realOrigin: Date = Date()) {
        precondition(speed > 0, "clock speed must be positive")
        self.origin = origin
        self.speed = speed
        self.realOrigin = realOrigin
    }

    public func now() -> Date {
        origin.addingTimeInterval(Date().timeIntervalSince(realOrigin) * speed)
    }

    public func realDelay(for interval: TimeInterval) -> TimeInterval { interval / speed }
}
