import Foundation

/// The most resident memory this process has had, for benchmarks (what a container limit must allow).
public enum ProcessPeakMemory {
    /// Peak resident set size in bytes (`getrusage`'s `ru_maxrss`, which Linux reports in KiB).
    public static func bytes() -> Int {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        return usage.ru_maxrss * 1024
    }
}
