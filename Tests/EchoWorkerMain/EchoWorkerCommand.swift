import ArgumentParser
import PostPurchaseCore
import PostPurchaseTesting

/// The echo worker as a real process, so tests can SIGTERM and SIGKILL it.
@main
struct EchoWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postpurchase-echo-worker",
        abstract: "A test worker that echoes echo.request events (used by the crash and shutdown tests).")

    @Option(help: "Configuration file (YAML); environment variables override it.")
    var config: String?

    func run() async throws {
        let configuration = try WorkerApplication.loadConfiguration(file: config)
        try await WorkerApplication.run(EchoWorker(), configuration: configuration, defaultHTTPPort: 0)
    }
}
