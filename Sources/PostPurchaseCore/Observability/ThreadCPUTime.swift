import Foundation

/// CPU time used by the calling thread: how busy the pipeline's own thread is, which bounds a
/// worker's throughput (its handlers and store transaction run there, one batch after another).
enum ThreadCPUTime {
    /// Seconds of CPU the calling thread has used so far.
    static func seconds() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_THREAD_CPUTIME_ID, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
