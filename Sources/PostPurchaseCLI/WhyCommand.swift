import ArgumentParser
import Followup
import Foundation
import PostPurchaseCore

/// `postpurchase why ORDER_ID`: the life of an order's follow-ups (scheduled, deferred, sent,
/// skipped, cancelled, and why), read from the follow-up worker's state without changing it.
struct WhyCommand: AsyncParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "why",
        abstract: "Show what the follow-up worker planned for an order, what it sent and why.",
        discussion: """
            Reads the follow-up worker's store without changing it (the worker may keep running): the PostgreSQL database of \
            POSTPURCHASE_DATABASE_URL (or store.databaseUrl) when set, else <data-dir>/followup-worker.sqlite.
            """)

    @Argument(help: "The order id.")
    var orderId: String

    @Option(help: "The workers' data directory (default: POSTPURCHASE_DATA_DIR or the config file's store.dataDir).")
    var dataDir: String?

    @Option(help: "Configuration file (YAML).")
    var config: String?

    func run() async throws {
        var configuration = try ConfigurationLoader.load(file: config)
        if let dataDir { configuration.store.dataDir = dataDir }
        let worker = WorkerRole.followup.name
        // Opening a missing store would create an empty one; say where we looked instead.
        guard let store = try StateStoreFactory.openExisting(configuration, workerName: worker, logger: cliLogger()) else {
            throw ValidationError("""
                no follow-up worker state in \(StateStoreFactory.location(configuration, workerName: worker)) \
                (set --data-dir, POSTPURCHASE_DATA_DIR or POSTPURCHASE_DATABASE_URL)
                """)
        }
        print(FollowupTimeline.render(orderId: orderId, try FollowupTimeline.followups(of: orderId, in: store)), terminator: "")
    }
}
