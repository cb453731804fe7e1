import Foundation

/// What this process has used so far, from `getrusage`, for benchmarks.
public enum ProcessUsage {
    /// CPU time (user + system, all threads) in seconds: on a shared machine CPU time per event is
    /// steadier than events per second of wall time.
    public static func cpuSeconds() -> Double {
        let usage = current()
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }

    /// The most resident memory the process has had, in bytes (what a container limit must allow;
    /// Linux reports `ru_maxrss` in KiB).
    public static func peakResidentBytes() -> Int {
        current().ru_maxrss * 1024
    }

    private static func current() -> rusage {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage
    }
}
