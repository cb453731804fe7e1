import ArgumentParser
import PostPurchaseCore
import Returns

/// The `returns` worker executable: configuration, then the shared runtime.
@main
struct ReturnsWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: WorkerRole.returns.name,
        abstract: "Runs returns: policy, approvals, labels, return tracking, refunds, store credit and exchanges.",
        discussion: """
            Environment: KAFKA_BOOTSTRAP_SERVERS, POSTPURCHASE_DATA_DIR, POSTPURCHASE_GROUP_ID, POSTPURCHASE_TOPIC_PREFIX,
            POSTPURCHASE_HTTP_PORT (default \(WorkerRole.returns.defaultHTTPPort)), KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*,
            KAFKA_SSL_CA_LOCATION, KAFKA_PROP_<LIBRDKAFKA_PROPERTY>, POSTPURCHASE_TEMPLATES_DIR (default Config/templates).
            The returns policy is the `returns:` section of the configuration file. Stops cleanly on SIGTERM/SIGINT.
            """)

    @Option(help: "Configuration file (YAML, see Config/postpurchase.yaml); environment variables override it.")
    var config: String?

    func run() async throws {
        let configuration = try WorkerApplication.loadConfiguration(file: config)
        let policy = try configuration.workerSettings(.returns, defaults: ReturnPolicy())
        try policy.validate()
        let composer = try NotificationComposer.fromEnvironment(required: ReturnMessages.templates)
        try await WorkerApplication.run(
            ReturnsWorker(composer: composer, policy: policy), configuration: configuration, defaultHTTPPort: WorkerRole.returns.defaultHTTPPort)
    }
}
