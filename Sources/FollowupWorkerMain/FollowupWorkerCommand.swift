import ArgumentParser
import Followup
import PostPurchaseCore

/// The `followup` worker executable: configuration, then the shared runtime.
@main
struct FollowupWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: WorkerRole.followup.name,
        abstract: "Sends durable, timed follow-ups (reassurance, delight check, setup help, review requests, replenishment, cross-sell).",
        discussion: """
            Environment: KAFKA_BOOTSTRAP_SERVERS, POSTPURCHASE_DATA_DIR, POSTPURCHASE_GROUP_ID, POSTPURCHASE_TOPIC_PREFIX,
            POSTPURCHASE_HTTP_PORT (default \(WorkerRole.followup.defaultHTTPPort)), KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*,
            KAFKA_SSL_CA_LOCATION, KAFKA_PROP_<LIBRDKAFKA_PROPERTY>, POSTPURCHASE_TEMPLATES_DIR (default Config/templates),
            POSTPURCHASE_CLOCK_SPEED. Follow-up settings: the `followup:` section of the config file. Stops cleanly on SIGTERM/SIGINT.
            """)

    @Option(help: "Configuration file (YAML, see Config/postpurchase.yaml); environment variables override it.")
    var config: String?

    func run() async throws {
        let configuration = try WorkerApplication.loadConfiguration(file: config)
        let policy = try configuration.workerSettings(.followup, defaults: FollowupPolicy())
        let worker = try FollowupWorker.fromEnvironment(policy: policy)
        try await WorkerApplication.run(
            worker, configuration: configuration, defaultHTTPPort: WorkerRole.followup.defaultHTTPPort)
    }
}
