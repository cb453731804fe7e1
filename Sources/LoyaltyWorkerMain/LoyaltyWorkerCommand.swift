import ArgumentParser
import Loyalty
import PostPurchaseCore

/// The `loyalty` worker executable: configuration, then the shared runtime.
@main
struct LoyaltyWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: WorkerRole.loyalty.name,
        abstract: "Keeps the loyalty points ledger: pending and confirmed points, reversals, bonuses, tiers and expiry.",
        discussion: """
            Environment: KAFKA_BOOTSTRAP_SERVERS, POSTPURCHASE_DATA_DIR, POSTPURCHASE_GROUP_ID, POSTPURCHASE_TOPIC_PREFIX,
            POSTPURCHASE_HTTP_PORT (default \(WorkerRole.loyalty.defaultHTTPPort)), KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*,
            KAFKA_SSL_CA_LOCATION, KAFKA_PROP_<LIBRDKAFKA_PROPERTY>, POSTPURCHASE_TEMPLATES_DIR (default Config/templates).
            The programme's rules are the `loyalty:` section of the configuration file. Stops cleanly on SIGTERM/SIGINT.
            """)

    @Option(help: "Configuration file (YAML, see Config/postpurchase.yaml); environment variables override it.")
    var config: String?

    func run() async throws {
        let configuration = try WorkerApplication.loadConfiguration(file: config)
        let policy = try configuration.workerSettings(.loyalty, defaults: LoyaltyPolicy())
        let worker = try LoyaltyWorker.fromEnvironment(policy: policy)
        try await WorkerApplication.run(worker, configuration: configuration, defaultHTTPPort: WorkerRole.loyalty.defaultHTTPPort)
    }
}
