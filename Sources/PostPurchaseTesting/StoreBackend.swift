import Foundation
import PostPurchaseCore

/// A state-store backend for tests to run against: the embedded SQLite default, or PostgreSQL on
/// the throw-away server of ``PostgresTestServer``.
///
/// Suites take it as a Swift Testing argument (`@Test(arguments: StoreBackend.allCases)`), so one
/// test body runs once per backend.
public enum StoreBackend: String, CaseIterable, Sendable, CustomStringConvertible {
    /// One SQLite file per worker kind in the data directory (`POSTPURCHASE_DATABASE_URL` unset).
    case sqlite
    /// A fresh database on the shared ``PostgresTestServer`` (`POSTPURCHASE_DATABASE_URL` set).
    case postgres

    /// The backend's name, as test names show it.
    public var description: String { rawValue }

    /// A fresh, empty place for one test's state: `nil` for SQLite (the data directory holds it),
    /// the `postgres://` URL of a new database for PostgreSQL (starting the shared server on first use).
    public func makeDatabaseURL() throws -> String? {
        switch self {
        case .sqlite: nil
        case .postgres: try PostgresTestServer.shared().createDatabase()
        }
    }

    /// The environment that points a worker executable or the CLI at `databaseURL`: the URL, or
    /// an empty `POSTPURCHASE_DATABASE_URL` (SQLite) so a value inherited from the caller cannot
    /// turn a SQLite test into a PostgreSQL one.
    public static func environment(databaseURL: String?) -> [String: String] {
        ["POSTPURCHASE_DATABASE_URL": databaseURL ?? ""]
    }
}
