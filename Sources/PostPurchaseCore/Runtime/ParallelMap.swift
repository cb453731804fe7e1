import Foundation
import Synchronization

/// Maps a batch's items on every core at once, for the pure per-item work around a batch's
/// handlers: decoding and parsing inputs before them, encoding outputs after them.
///
/// The handlers themselves run one after another on the pipeline's thread (they share state), so
/// without this the pipeline uses one core. The calling thread takes one share of the items and
/// waits for the others. Small batches are mapped on the calling thread, where waking a helper
/// would cost more than it saves.
enum ParallelMap {
    /// Below this many items a batch is mapped on the calling thread.
    static let minimumParallelCount = 64

    /// `transform` of each item, in order. Throws the first error of any share.
    static func map<Item: Sendable, Result: Sendable>(
        _ items: [Item], _ transform: @Sendable (Item) throws -> Result
    ) throws -> [Result] {
        let cores = ProcessInfo.processInfo.activeProcessorCount
        guard items.count >= minimumParallelCount, cores > 1 else { return try items.map(transform) }
        let shares = min(cores, items.count / (minimumParallelCount / 2))
        let failure = Mutex<(any Error)?>(nil)
        var results = [Result?](repeating: nil, count: items.count)
        results.withUnsafeMutableBufferPointer { buffer in
            // Each share writes only its own index range of the buffer.
            nonisolated(unsafe) let output = buffer
            DispatchQueue.concurrentPerform(iterations: shares) { share in
                do {
                    for index in range(of: share, in: shares, count: items.count) { output[index] = try transform(items[index]) }
                } catch {
                    failure.withLock { if $0 == nil { $0 = error } }
                }
            }
        }
        if let error = failure.withLock({ $0 }) { throw error }
        return results.map { $0! }
    }

    /// The indices of share `share` of `shares`: contiguous, sizes differing by at most one.
    static func range(of share: Int, in shares: Int, count: Int) -> Range<Int> {
        let base = count / shares, extra = count % shares
        let start = share * base + min(share, extra)
        return start..<(start + base + (share < extra ? 1 : 0))
    }
}
