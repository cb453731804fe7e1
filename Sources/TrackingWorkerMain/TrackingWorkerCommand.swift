import ArgumentParser
import PostPurchaseCore
import Tracking

/// The `tracking` worker executable: configuration, then the shared runtime.
@main
struct TrackingWorkerCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: WorkerRole.tracking.name,
        abstract: "Turns carrier updates into canonical shipment status, customer messages and delay alerts.",
        discussion: """
            Environment: KAFKA_BOOTSTRAP_SERVERS, POSTPURCHASE_DATA_DIR, POSTPURCHASE_GROUP_ID, POSTPURCHASE_TOPIC_PREFIX,
            POSTPURCHASE_HTTP_PORT (default \(WorkerRole.tracking.defaultHTTPPort)), KAFKA_SECURITY_PROTOCOL, KAFKA_SASL_*,
            KAFKA_SSL_CA_LOCATION, KAFKA_PROP_<LIBRDKAFKA_PROPERTY>, POSTPURCHASE_TEMPLATES_DIR (default Config/templates),
            POSTPURCHASE_TRACKING_UNMATCHED_HOURS (default 24). Stops cleanly on SIGTERM/SIGINT.
            """)

    @Option(help: "Configuration file (YAML, see Config/postpurchase.yaml); environment variables override it.")
    var config: String?

    func run() async throws {
        let configuration = try WorkerApplication.loadConfiguration(file: config)
        let worker = try TrackingWorker.fromEnvironment()
        try await WorkerApplication.run(
            worker, configuration: configuration, defaultHTTPPort: WorkerRole.tracking.defaultHTTPPort)
    }
}
