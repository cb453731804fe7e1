import Foundation
import Synchronization

/// Maps a batch's items on every core at once, for the pure per-item work around a batch's
/// handlers: decoding and parsing inputs before them, encoding outputs after them.
///
/// The handlers themselves run one after another on the pipeline's thread (they share state), so
/// without this the pipeline uses one core. The items are taken in small chunks by whichever
/// thread is free: the calling thread keeps taking them while a helper waits for a core (the
/// writer thread, librdkafka and the broker share them), instead of waiting for a fixed share
/// the helper has not started. Small batches are mapped on the calling thread, where waking a
/// helper would cost more than it saves.
enum ParallelMap {
    /// Below this many items a batch is mapped on the calling thread.
    static let minimumParallelCount = 64
    /// Items taken at once: enough to make taking them cheap, few enough that a thread that is
    /// preempted holds back little.
    static let chunkSize = 16

    /// `transform` of each item, in order. Throws the first error of any item.
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ transform: @Sendable (Item) throws -> Result
    ) throws -> [Result] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard items.count >= minimumParallelCount, cores > 1 else { return try items.map(transform) }
        let threads = min(cores, items.count / (minimumParallelCount / 2))
        let failure = Mutex<(any Error)?>(nil)
        let nextChunk = Atomic<Int>(0)
        let chunks = (items.count + chunkSize - 1) / chunkSize
        var results = [Result?](repeating: nil, count: items.count)
        results.withUnsafeMutableBufferPointer { buffer in
            // Each chunk is taken by one thread only, which alone writes its index range of the buffer.
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: threads) { _ in
                while true {
                    let chunk = nextChunk.wrappingAdd(1, ordering: .relaxed).oldValue
                    guard chunk < chunks else { return }
                    do {
                        for index in range(ofChunk: chunk, count: items.count) { output[index] = try transform(items[index]) }
                    } catch {
                        failure.withLock { if $0 == nil { $0 = error } }
                        // The batch fails anyway: the other threads stop at their next chunk.
                        nextChunk.store(chunks, ordering: .relaxed)
                        return
                    }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.map { $0! }
    }

    /// The item indices of chunk number `chunk` of `count` items.
    static func range(ofChunk chunk: Int, count: Int) -> Range<Int> {
        let start = chunk * chunkSize
        return start..<min(start + chunkSize, count)
    }
}
