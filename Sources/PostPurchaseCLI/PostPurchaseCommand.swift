import ArgumentParser
import Foundation
import Logging
import PostPurchaseCore

/// `postpurchase`: the project's command-line tool.
@main
struct PostPurchaseCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "postpurchase",
        abstract: "Post-purchase worker cluster tools: the demo, a dev Kafka broker, publishing, tailing and topic set-up.",
        subcommands: [DemoCommand.self, DevBrokerCommand.self, PublishCommand.self, TailCommand.self, TopicsCommand.self])
}

/// Connection options shared by the commands that talk to a cluster.
struct ClusterOptions: ParsableArguments {
    @Option(name: .customLong("bootstrap"), help: "Kafka bootstrap servers (default: KAFKA_BOOTSTRAP_SERVERS or the config file).")
    var bootstrapServers: String?

    @Option(help: "Configuration file (YAML) for security settings and topic names.")
    var config: String?

    /// The configuration with `--bootstrap` applied.
    func load() throws -> PostPurchaseConfiguration {
        var configuration = try ConfigurationLoader.load(file: config)
        if let bootstrapServers { configuration.kafka.bootstrapServers = bootstrapServers }
        try ConfigurationLoader.validate(configuration)
        return configuration
    }

    /// A topic argument as a physical name: contract names get the configured prefix and renames.
    static func physical(_ topic: String, _ configuration: PostPurchaseConfiguration) -> String {
        let name = TopicName(topic)
        return TopicName.contractTopics.contains(name) ? configuration.topics.map.physical(name) : topic
    }
}

/// A logger for CLI commands: text on standard error, warnings and above (librdkafka chatter hidden).
func cliLogger(verbose: Bool = false) -> Logger {
    var logger = Logger(label: "postpurchase") { StreamLogHandler.standardError(label: $0) }
    logger.logLevel = verbose ? .info : .error
    return logger
}

/// Suspends until SIGINT or SIGTERM arrives.
func waitForTerminationSignal() async {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let resumed = ResumeOnce(continuation)
        for signalNumber in [SIGINT, SIGTERM] {
            signal(signalNumber, SIG_IGN)
            let source = DispatchSource.makeSignalSource(signal: signalNumber, queue: .global())
            source.setEventHandler { resumed.resume() }
            source.resume()
            SignalSources.keep(source)
        }
    }
}

/// Keeps signal sources alive for the life of the process.
enum SignalSources {
    nonisolated(unsafe) private static var sources: [any DispatchSourceSignal] = []
    private static let lock = NSLock()
    static func keep(_ source: any DispatchSourceSignal) { lock.withLock { sources.append(source) } }
}

/// Resumes a continuation at most once, whichever signal comes first.
final class ResumeOnce: @unchecked Sendable {
    // @unchecked: the only state is guarded by `lock`.
    private let lock = NSLock()
    private var continuation: CheckedContinuation<Void, Never>?
    init(_ continuation: CheckedContinuation<Void, Never>) { self.continuation = continuation }
    func resume() {
        let pending = lock.withLock { () -> CheckedContinuation<Void, Never>? in
            defer { continuation = nil }
            return continuation
        }
        pending?.resume()
    }
}
