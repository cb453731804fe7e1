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
            Reads the loyalty worker's store without changing it (the worker may keep running): the PostgreSQL database of
            POSTPURCHASE_DATABASE_URL (or store.databaseUrl of --config) when set, else <data dir>/loyalty-worker.sqlite, the
            data directory being --data, else POSTPURCHASE_DATA_DIR, else store.dataDir of --config.
            """)

    @Argument(help: "The customer id.")
    var customerId: String

    @Option(help: "The loyalty worker's data directory.")
    var data: String?

    @Option(help: "Configuration file (YAML): the store settings and the loyalty: rules (for the tier).")
    var config: String?

    @Flag(help: "Print the account as JSON instead of text.")
    var json = false

    func run() throws {
        var configuration = try ConfigurationLoader.load(file: config)
        let policy = try configuration.workerSettings(.loyalty, defaults: LoyaltyPolicy())
        if let data { configuration.store.dataDir = data }
        let worker = WorkerRole.loyalty.name
        let location = StateStoreFactory.location(configuration, workerName: worker)
        // Opening a missing store would create an empty one: refuse instead.
        guard let store = try StateStoreFactory.openExisting(configuration, workerName: worker, logger: cliLogger()) else {
            throw ValidationError("no loyalty worker state in \(location) (set --data, POSTPURCHASE_DATA_DIR or POSTPURCHASE_DATABASE_URL)")
        }
        let stored = try store.read { try $0.entity(namespace: LoyaltyAccount.namespace, key: customerId) }
        guard let stored else { throw ValidationError("customer '\(customerId)' has no loyalty ledger in \(location)") }
        if json {
            print(String(decoding: stored, as: UTF8.self))
            return
        }
        let account = try CloudEventCodec.decoder.decode(LoyaltyAccount.self, from: stored)
        print(LoyaltyStatement.text(account, policy: policy, now: Date()))
    }
}
