import ArgumentParser
import Foundation
import Loyalty
import PostPurchaseCore

/// `postpurchase loyalty CUSTOMER_ID`: a customer's points balance and ledger, read from the
/// loyalty worker's store.
struct LoyaltyCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "loyalty",
        abstract: "Print a customer's loyalty balance, tier, expiring points and ledger (from the loyalty worker's state).",
        discussion: """
            Reads <data dir>/loyalty-worker.sqlite without changing it (the worker may keep running). The data directory is
            --data, else POSTPURCHASE_DATA_DIR, else store.dataDir of --config.
            """)

    @Argument(help: "The customer id.")
    var customerId: String

    @Option(help: "The loyalty worker's data directory.")
    var data: String?

    @Option(help: "Configuration file (YAML): store.dataDir and the loyalty: rules (for the tier).")
    var config: String?

    @Flag(help: "Print the account as JSON instead of text.")
    var json = false

    func run() throws {
        let configuration = try ConfigurationLoader.load(file: config)
        let policy = try configuration.workerSettings(.loyalty, defaults: LoyaltyPolicy())
        let directory = data ?? configuration.store.dataDir
        let path = (directory as NSString).appendingPathComponent("\(WorkerRole.loyalty.name).sqlite")
        // Opening a missing file would create an empty store: refuse instead.
        guard FileManager.default.fileExists(atPath: path) else {
            throw ValidationError("no loyalty worker state at \(path) (set --data or POSTPURCHASE_DATA_DIR)")
        }
        let store = try SQLiteStateStore(path: path)
        let stored = try store.read { try $0.entity(namespace: LoyaltyAccount.namespace, key: customerId) }
        guard let stored else { throw ValidationError("customer '\(customerId)' has no loyalty ledger in \(path)") }
        if json {
            print(String(decoding: stored, as: UTF8.self))
            return
        }
        let account = try CloudEventCodec.decoder.decode(LoyaltyAccount.self, from: stored)
        print(LoyaltyStatement.text(account, policy: policy, now: Date()))
    }
}
