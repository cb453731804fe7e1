import Foundation

/// CPU time this process has used (user + system, all threads), for benchmarks: on a shared
/// machine CPU time per event is steadier than events per second of wall time.
public enum ProcessCPUTime {
    /// Seconds of CPU used so far.
    public static func seconds() -> Double {
        var usage = rusage()
        getrusage(__rusage_who_t(RUSAGE_SELF.rawValue), &usage)
        let user = Double(usage.ru_utime.tv_sec) + Double(usage.ru_utime.tv_usec) / 1e6
        let system = Double(usage.ru_stime.tv_sec) + Double(usage.ru_stime.tv_usec) / 1e6
        return user + system
    }
}
