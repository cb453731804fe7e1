import Foundation
import Logging
import ServiceLifecycle

/// Runs a worker's pipeline on its own thread as a `Service`: graceful shutdown (SIGTERM/SIGINT)
/// asks it to finish the current batch, publish, commit and leave the group, then `run()` returns.
public struct PipelineService<W: Worker>: Service {
    let worker: W
    let configuration: PostPurchaseConfiguration
    let store: any StateStore
    let clock: any WorkerClock
    let health: WorkerHealth
    let logger: Logger

    /// A service running `worker` against `store` with `configuration`.
    public init(worker: W, configuration: PostPurchaseConfiguration, store: any StateStore, clock: any WorkerClock,
                health: WorkerHealth, logger: Logger) {
        self.worker = worker
        self.configuration = configuration
        self.store = store
        self.clock = clock
        self.health = health
        self.logger = logger
    }

    public func run() async throws {
        let stop = StopSignal()
        try await withGracefulShutdownHandler {
            try await withTaskCancellationHandler {
                try await runOnThread(stop: stop)
            } onCancel: {
                stop.stop()
            }
        } onGracefulShutdown: {
            stop.stop()
        }
    }

    private func runOnThread(stop: StopSignal) async throws {
        let (worker, configuration, store, clock, health, logger) = (worker, configuration, store, clock, health, logger)
        try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
            let thread = Thread {
                do {
                    let pipeline = try WorkerPipeline(
                        worker: worker, configuration: configuration, store: store, clock: clock, health: health,
                        stop: stop, logger: logger)
                    try pipeline.run()
                    continuation.resume()
                } catch {
                    logger.critical("worker pipeline failed", metadata: [LogKey.error: "\(error)"])
                    health.update { $0.lastError = "\(error)" }
                    continuation.resume(throwing: error)
                }
            }
            thread.name = "\(worker.name)-pipeline"
            thread.start()
        }
    }
}
