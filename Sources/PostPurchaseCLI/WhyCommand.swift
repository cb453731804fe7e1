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
        discussion: "Reads <data-dir>/followup-worker.sqlite (POSTPURCHASE_DATA_DIR or store.dataDir) read-only; the worker may keep running.")

    @Argument(help: "The order id.")
    var orderId: String

    @Option(help: "The workers' data directory (default: POSTPURCHASE_DATA_DIR or the config file's store.dataDir).")
    var dataDir: String?

    @Option(help: "Configuration file (YAML).")
    var config: String?

    func run() async throws {
        let directory = try dataDir ?? ConfigurationLoader.load(file: config).store.dataDir
        let path = (directory as NSString).appendingPathComponent("\(WorkerRole.followup.name).sqlite")
        // Opening a missing file would create an empty store; say where we looked instead.
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no follow-up worker state at \(path) (set --data-dir or POSTPURCHASE_DATA_DIR)")
        }
        let store = try SQLiteStateStore(path: path)
        print(FollowupTimeline.render(orderId: orderId, try FollowupTimeline.followups(of: orderId, in: store)), terminator: "")
    }
}
