import Foundation
import Synchronization

/// What `/health/ready` reports, updated by the pipeline thread and read by the HTTP server.
public final class WorkerHealth: Sendable {
    /// A snapshot of the worker's health.
    public struct Snapshot: Sendable, Codable, Equatable {
        public var storeOpen = false
        public var assignedPartitions: [String] = []
        public var pipelineRunning = false
        public var lastError: String?
        /// CPU seconds the pipeline's thread has used (updated after each batch and each second).
        public var pipelineCPUSeconds: Double = 0
        /// CPU seconds the thread writing batches behind has used (0 without write-behind).
        public var writerCPUSeconds: Double = 0
        /// Batches committed behind the pipeline (``StateWriter``), and how often such batches were
        /// wound back and handled again.
        public var batchesWrittenBehind = 0
        public var writeBehindWindBacks = 0
        /// Ready: store open and partitions assigned (an instance with none has nothing to do).
        public var ready: Bool { storeOpen && pipelineRunning && !assignedPartitions.isEmpty }
    }

    private let state = Mutex(Snapshot())
    private let port = Mutex<Int?>(nil)

    public init() {}

    public var snapshot: Snapshot { state.withLock { $0 } }
    public func update(_ change: (inout Snapshot) -> Void) { state.withLock { change(&$0) } }

    /// The port the HTTP server actually listens on (useful with port 0).
    public var httpPort: Int? { port.withLock { $0 } }
    func setHTTPPort(_ value: Int?) { port.withLock { $0 = value } }
}
