import Foundation
import Logging
import Metrics
import Prometheus
import ServiceLifecycle

/// Wires a worker executable together: logging, metrics, the store, the health and metrics
/// server and the pipeline, in a `ServiceGroup` that drains on SIGTERM/SIGINT.
public enum WorkerApplication {
    /// Sets up process-wide logging from the configuration (call once, first).
    public static func bootstrapLogging(_ configuration: PostPurchaseConfiguration) {
        let level = Logger.Level(rawValue: configuration.logging.level) ?? .info
        let json = configuration.logging.format == "json"
        LoggingSystem.bootstrap { label in
            var handler: any LogHandler = json ? JSONLogHandler(label: label) : StreamLogHandler.standardError(label: label)
            handler.logLevel = level
            return handler
        }
    }

    /// Loads the configuration (file, then environment) and sets up logging from it.
    public static func loadConfiguration(file: String?) throws -> PostPurchaseConfiguration {
        let configuration = try ConfigurationLoader.load(file: file)
        bootstrapLogging(configuration)
        return configuration
    }

    /// Runs `worker` until SIGTERM or SIGINT, then drains, commits and returns.
    ///
    /// - Parameter defaultHTTPPort: used when the configuration names no port.
    public static func run<W: Worker>(
        _ worker: W, configuration: PostPurchaseConfiguration, defaultHTTPPort: Int, clock: (any WorkerClock)? = nil
    ) async throws {
        let logger = Logger(label: worker.name)
        let registry = PrometheusCollectorRegistry()
        MetricsSystem.bootstrap(PrometheusMetricsFactory(registry: registry))
        let store = try StateStoreFactory.open(configuration, workerName: worker.name, logger: logger)
        let clock = clock ?? configuration.runtime.clock()
        let health = WorkerHealth()
        health.update { $0.storeOpen = store.isHealthy() }
        logger.info("starting", metadata: [
            "kafka.bootstrap": "\(configuration.kafka.bootstrapServers)",
            "kafka.group": "\(configuration.kafka.groupId ?? "postpurchase-\(worker.name)")",
            "store": "\(StateStoreFactory.location(configuration, workerName: worker.name))",
            "clock.speed": "\(configuration.runtime.clockSpeed)",
            "clock.now": "\(RFC3339.format(clock.now()))",
        ])
        let http = ObservabilityServer.make(
            host: configuration.http.host, port: configuration.http.port ?? defaultHTTPPort, health: health,
            registry: registry, logger: logger)
        let pipeline = PipelineService(
            worker: worker, configuration: configuration, store: store, clock: clock, health: health, logger: logger)
        // Shutdown runs in reverse order: the pipeline drains first, the HTTP server stops last.
        // The store is not a service: it lives until this function returns, after both.
        var groupConfiguration = ServiceGroupConfiguration(
                services: [
                .init(service: http),
                .init(service: pipeline, successTerminationBehavior: .gracefullyShutdownGroup,
                      failureTerminationBehavior: .gracefullyShutdownGroup),
            ],
            gracefulShutdownSignals: [.sigterm, .sigint],
            cancellationSignals: [],
            logger: logger)
        groupConfiguration.maximumGracefulShutdownDuration = .seconds(configuration.runtime.shutdownTimeoutSeconds)
        let group = ServiceGroup(configuration: groupConfiguration)
        defer { withExtendedLifetime(store) {} }
        try await group.run()
        logger.info("stopped")
    }
}
