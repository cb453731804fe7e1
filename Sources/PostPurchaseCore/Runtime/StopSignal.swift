import Synchronization

/// A flag the async world sets to ask a pipeline thread to finish its batch and stop.
public final class StopSignal: Sendable {
    private let flag = Atomic<Bool>(false)
    public init() {}
    /// Asks for a stop.
    public func stop() { flag.store(true, ordering: .releasing) }
    /// Whether a stop was asked for.
    public var isStopped: Bool { flag.load(ordering: .acquiring) }
}
