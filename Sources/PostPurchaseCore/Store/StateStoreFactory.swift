import Foundation
import Logging

/// Opens the store the configuration asks for: PostgreSQL when `store.databaseUrl`
/// (`POSTPURCHASE_DATABASE_URL`) is set, else one SQLite file per worker kind in `store.dataDir`.
public enum StateStoreFactory {
    /// The store of `workerName`.
    public static func open(_ configuration: PostPurchaseConfiguration, workerName: String, logger: Logger) throws -> any StateStore {
        if let url = configuration.store.databaseUrl {
            return try PostgresStateStore(url: PostgresDatabaseURL(url), workerName: workerName, logger: logger)
        }
        return try SQLiteStateStore(path: sqlitePath(configuration, workerName: workerName),
                                    busyTimeout: .milliseconds(configuration.store.busyTimeoutMs))
    }

    /// Opens the store of `workerName` only if that worker has kept state there; nil, creating
    /// nothing, when there is no SQLite file or no schema of that worker in the database. For
    /// readers such as `postpurchase why`, which must not leave an empty store where they looked.
    public static func openExisting(_ configuration: PostPurchaseConfiguration, workerName: String, logger: Logger) throws -> (any StateStore)? {
        if let url = configuration.store.databaseUrl {
            do {
                return try PostgresStateStore(url: PostgresDatabaseURL(url), workerName: workerName, createIfMissing: false, logger: logger)
            } catch is PostgresStateStore.Missing {
                return nil
            }
        }
        let path = sqlitePath(configuration, workerName: workerName)
        guard FileManager.default.fileExists(atPath: path) else { return nil }
        return try SQLiteStateStore(path: path, busyTimeout: .milliseconds(configuration.store.busyTimeoutMs))
    }

    /// Where the store lives, for logs: the SQLite path, or the database URL without its password.
    public static func location(_ configuration: PostPurchaseConfiguration, workerName: String) -> String {
        if let url = configuration.store.databaseUrl {
            return (try? PostgresDatabaseURL(url).description) ?? "postgres (invalid URL)"
        }
        return sqlitePath(configuration, workerName: workerName)
    }

    static func sqlitePath(_ configuration: PostPurchaseConfiguration, workerName: String) -> String {
        (configuration.store.dataDir as NSString).appendingPathComponent("\(workerName).sqlite")
    }
}
