import Foundation
import Logging

/// Commits journals (``StateJournal``) to the store on its own thread, one transaction each, in the
/// order they were handed over, so the pipeline's thread handles the next batch meanwhile.
///
/// A batch's journal is committed only if its reads are still valid: when it was built against a
/// store's latest state plus earlier journals, nobody else may have committed since its first read
/// (``StateStore/writesByOthersSeen``). A batch journal that fails (that check, a stored
/// offset moved by another instance, a store error) is not applied, and neither is any batch journal
/// handed over after it, until the pipeline has wound back and calls ``resume()``: later batches
/// were built on top of it. Journals that are not batches (the relay's clean-up of acknowledged
/// outputs) depend on no read and are committed regardless, retried a few times on store errors.
final class StateWriter: @unchecked Sendable { // Every mutable field is guarded by `condition`.
    /// What became of a batch's journal.
    enum Outcome: Sendable {
        /// Committed; the outbox records as stored, with their sequence numbers.
        case committed([OutboxRecord])
        /// Not applied, and no later batch journal was either.
        case failed(any Error)
    }

    /// A batch journal handed over after one that failed.
    struct EarlierBatchFailed: Error, CustomStringConvertible {
        var description: String { "an earlier batch's writes failed" }
    }

    /// Another connection committed after this batch began reading.
    struct SnapshotOutdated: Error, CustomStringConvertible {
        var description: String { "another process wrote to the store while the batch was handled" }
    }

    private struct Item {
        var number: UInt64
        var journal: StateJournal
        var isBatch: Bool
    }

    private let store: any StateStore
    private let logger: Logger
    private let condition = NSCondition()
    private var queue: [Item] = []
    private var outcomes: [UInt64: Outcome] = [:]
    private var nextNumber: UInt64 = 0
    private var halted = false
    private var stopping = false
    private var running = false
    private var threadCPUSeconds = 0.0

    init(store: any StateStore, logger: Logger) {
        self.store = store
        self.logger = logger
    }

    /// CPU seconds the writer's thread has used, as of its last commit: with the pipeline's, it
    /// says which of the two threads bounds the instance's throughput.
    var cpuSeconds: Double {
        condition.lock()
        defer { condition.unlock() }
        return threadCPUSeconds
    }

    /// Starts the writer's thread.
    func start(name: String) {
        condition.lock()
        running = true
        condition.unlock()
        let thread = Thread { [self] in run() }
        thread.name = name
        thread.start()
    }

    /// Hands over a batch's journal; its ``Outcome`` is read with ``outcome(of:wait:)``.
    func submitBatch(_ journal: StateJournal) -> UInt64 {
        enqueue(journal, isBatch: true)
    }

    /// Hands over writes that depend on no read and whose outcome nobody waits for; once the
    /// writer has stopped (the consumer's last revocation comes after it), makes them at once.
    func submit(_ journal: StateJournal) {
        condition.lock()
        let stopped = stopping && !running
        condition.unlock()
        if stopped {
            _ = commit(Item(number: 0, journal: journal, isBatch: false))
        } else {
            _ = enqueue(journal, isBatch: false)
        }
    }

    private func enqueue(_ journal: StateJournal, isBatch: Bool) -> UInt64 {
        condition.lock()
        defer { condition.unlock() }
        nextNumber += 1
        queue.append(Item(number: nextNumber, journal: journal, isBatch: isBatch))
        condition.broadcast()
        return nextNumber
    }

    /// The outcome of batch `number` (and forgets it), waiting for it with `wait`; `nil` if not
    /// decided yet without `wait`.
    func outcome(of number: UInt64, wait: Bool) -> Outcome? {
        condition.lock()
        defer { condition.unlock() }
        while outcomes[number] == nil {
            guard wait else { return nil }
            condition.wait()
        }
        return outcomes.removeValue(forKey: number)
    }

    /// Waits until everything handed over is committed or failed.
    func waitForAll() {
        condition.lock()
        defer { condition.unlock() }
        while !queue.isEmpty { condition.wait() }
    }

    /// After a batch failed and the pipeline wound back: waits for what is still queued (failed
    /// in its turn), forgets every outcome, and applies batch journals again.
    func resume() {
        condition.lock()
        defer { condition.unlock() }
        while !queue.isEmpty { condition.wait() }
        outcomes.removeAll()
        halted = false
    }

    /// Commits what is queued, then ends the thread; returns once it has.
    func stop() {
        condition.lock()
        defer { condition.unlock() }
        stopping = true
        condition.broadcast()
        while running { condition.wait() }
    }

    private func run() {
        while true {
            condition.lock()
            while queue.isEmpty && !stopping { condition.wait() }
            guard let item = queue.first else {
                running = false
                condition.broadcast()
                condition.unlock()
                return
            }
            let skip = item.isBatch && halted
            condition.unlock()

            let outcome: Outcome = skip ? .failed(EarlierBatchFailed()) : commit(item)
            let cpu = ThreadCPUTime.seconds()

            condition.lock()
            threadCPUSeconds = cpu
            queue.removeFirst()
            if item.isBatch {
                outcomes[item.number] = outcome
                if case .failed = outcome { halted = true }
            }
            condition.broadcast()
            condition.unlock()
        }
    }

    private func commit(_ item: Item) -> Outcome {
        var attempt = 0
        while true {
            do {
                let stored = try store.write { transaction in
                    // Read after this transaction took the lock and counted any foreign commit.
                    if let seen = item.journal.readsSince, seen != store.writesByOthersSeen { throw SnapshotOutdated() }
                    return try item.journal.replay(on: transaction)
                }
                return .committed(stored)
            } catch {
                // A batch is handled again by the pipeline, which has its own retries; clean-up
                // writes are retried here, and after that left to recovery (rows still in the
                // outbox are checked against the topic before anything is published again).
                attempt += 1
                guard !item.isBatch, attempt < 5, store.isTransient(error) else {
                    if !item.isBatch {
                        logger.error("store write behind the pipeline failed", metadata: [LogKey.error: "\(error)"])
                    }
                    return .failed(error)
                }
                Thread.sleep(forTimeInterval: 0.05 * Double(attempt))
            }
        }
    }
}
