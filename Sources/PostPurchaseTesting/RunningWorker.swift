import Foundation
import Logging
import PostPurchaseCore

/// A worker pipeline running in-process (on its own thread, as in production) until stopped.
public final class RunningWorker: Sendable {
    private let task: Task<Void, any Error>
    /// The worker's health as `/health/ready` would report it.
    public let health: WorkerHealth

    /// Starts `worker` with the store the configuration names: PostgreSQL when
    /// `store.databaseUrl` is set, else SQLite in `configuration.store.dataDir`.
    public init<W: Worker>(
        _ worker: W, configuration: PostPurchaseConfiguration, clock: any WorkerClock = SystemClock(),
        logger: Logger = Logger(label: "test-worker", factory: { _ in SwiftLogNoOpLogHandler() })
    ) throws {
        let store = try StateStoreFactory.open(configuration, workerName: worker.name, logger: logger)
        let health = WorkerHealth()
        self.health = health
        let service = PipelineService(worker: worker, configuration: configuration, store: store, clock: clock, health: health, logger: logger)
        task = Task { try await service.run() }
    }

    /// Waits until the worker owns at least one partition.
    public func waitUntilReady(timeout: Duration = .seconds(30)) async throws {
        let deadline = ContinuousClock.now.advanced(by: timeout)
        while !health.snapshot.ready {
            if ContinuousClock.now > deadline { throw TimeoutError(what: "worker readiness") }
            try await Task.sleep(for: .milliseconds(50))
        }
    }

    /// Asks for a graceful stop (finish the batch, publish, commit, leave the group) and waits for it.
    public func stop() async throws {
        task.cancel()
        try await task.value
    }
}

/// A test waited too long.
public struct TimeoutError: Error, CustomStringConvertible {
    public var what: String
    public init(what: String) { self.what = what }
    public var description: String { "timed out waiting for \(what)" }
}
