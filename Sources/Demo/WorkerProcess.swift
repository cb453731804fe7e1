import Foundation

/// One worker executable the demo started as a child process, its output in a log file.
final class WorkerProcess {
    let name: String
    let process = Process()
    let log: URL

    init(executable: URL, arguments: [String], environment: [String: String], log: URL) throws {
        name = executable.lastPathComponent
        self.log = log
        process.executableURL = executable
        process.arguments = arguments
        process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
        // A restarted instance appends to its log, so a crash and what followed stay readable.
        if !FileManager.default.fileExists(atPath: log.path) { _ = FileManager.default.createFile(atPath: log.path, contents: nil) }
        let handle = try FileHandle(forWritingTo: log)
        handle.seekToEndOfFile()
        process.standardOutput = handle
        process.standardError = handle
        try process.run()
    }

    var isRunning: Bool { process.isRunning }

    /// Sends SIGTERM (the workers drain, commit and exit 0) and waits up to `timeout` seconds;
    /// SIGKILL after that. Returns the exit status.
    func stop(timeout: TimeInterval = 30) -> Int32 {
        if process.isRunning { kill(process.processIdentifier, SIGTERM) }
        let deadline = Date().addingTimeInterval(timeout)
        while process.isRunning && Date() < deadline { usleep(50_000) }
        if process.isRunning {
            kill(process.processIdentifier, SIGKILL)
            process.waitUntilExit()
            return -9
        }
        return process.terminationStatus
    }

    /// The last lines of its log (shown when it failed).
    func tail(_ count: Int = 15) -> String {
        let text = (try? String(contentsOf: log, encoding: .utf8)) ?? ""
        return text.split(separator: "\n").suffix(count).joined(separator: "\n")
    }
}
