import Foundation
import PostPurchaseCore

/// The state backend a worker benchmark measures, chosen on its command line: SQLite in the
/// benchmark's data directory by default, `--postgres` for a throw-away PostgreSQL server on
/// loopback (durable settings, like a production server), or `--database-url URL` for a server
/// of one's own. `--no-write-behind` makes SQLite batches commit on the pipeline's thread
/// (`store.writeBehind: false`), for comparisons.
public struct BenchmarkStore {
    /// `SQLite` or `PostgreSQL`, for the printed figures.
    public let backend: String
    /// The backend and how batches are committed, for the printed set-up.
    public let description: String
    /// Kept for the run: stopping it removes the database.
    private let server: PostgresTestServer?

    /// Reads `--postgres` or `--database-url URL` from `arguments` and points `configuration` at
    /// that database (unchanged, SQLite, without either).
    public init(arguments: [String] = CommandLine.arguments, configuration: inout PostPurchaseConfiguration) throws {
        if arguments.contains("--postgres") {
            let server = try PostgresTestServer.start(durable: true)
            configuration.store.databaseUrl = try server.createDatabase("bench")
            self.server = server
        } else if let flag = arguments.firstIndex(of: "--database-url") {
            guard arguments.indices.contains(flag + 1) else { throw PostgresTestServer.Failure(description: "--database-url needs a postgres:// URL") }
            configuration.store.databaseUrl = arguments[flag + 1]
            server = nil
        } else {
            server = nil
        }
        if arguments.contains("--no-write-behind") { configuration.store.writeBehind = false }
        backend = configuration.store.databaseUrl == nil ? "SQLite" : "PostgreSQL"
        description = configuration.store.databaseUrl != nil ? backend
            : configuration.store.writeBehind ? "SQLite, batches written behind (a second thread commits)"
            : "SQLite, batches committed on the pipeline's thread (--no-write-behind)"
    }

    /// Stops the throw-away server, if this run started one.
    public func stop() {
        server?.stop()
    }
}
