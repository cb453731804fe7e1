import Foundation

/// Where a ``PostgresStateStore`` connects, parsed from `postgres://user:password@host:port/database`.
///
/// The URL holds a password: ``description`` leaves it out, and parse errors never repeat the URL.
public struct PostgresDatabaseURL: Sendable, Equatable, CustomStringConvertible {
    /// How to use TLS, as libpq's `sslmode` query parameter names it.
    public enum TLSMode: String, Sendable, Equatable, CaseIterable {
        /// Plain TCP only.
        case disable
        /// TLS when the server offers it, plain otherwise (libpq's default).
        case prefer
        /// TLS or no connection; the server certificate is verified against the system's CAs.
        case require
    }

    public var host: String
    /// Default: 5432.
    public var port: Int
    public var username: String
    /// Never logged, never in metrics or error messages.
    public var password: String?
    public var database: String
    /// Default: `prefer`.
    public var tls: TLSMode

    /// Parses `url`; `key` names the setting (`POSTPURCHASE_DATABASE_URL`, `store.databaseUrl`) in errors.
    public init(_ url: String, key: String = "store.databaseUrl") throws {
        // Errors describe the problem without echoing the URL: it carries a password.
        guard let components = URLComponents(string: url.trimmingCharacters(in: .whitespaces)) else {
            throw ConfigurationError(key: key, reason: "is not a valid URL (expected postgres://user:password@host:port/database)")
        }
        guard let scheme = components.scheme?.lowercased(), ["postgres", "postgresql"].contains(scheme) else {
            throw ConfigurationError(key: key, reason: "must start with postgres:// or postgresql://")
        }
        guard let host = components.host, !host.isEmpty else {
            throw ConfigurationError(key: key, reason: "names no host (expected postgres://user:password@host:port/database)")
        }
        guard let user = components.user, !user.isEmpty else {
            throw ConfigurationError(key: key, reason: "names no user (expected postgres://user:password@host:port/database)")
        }
        let database = String(components.path.drop { $0 == "/" })
        guard !database.isEmpty, !database.contains("/") else {
            throw ConfigurationError(key: key, reason: "names no database (expected postgres://user:password@host:port/database)")
        }
        if let port = components.port, !(1...65_535).contains(port) {
            throw ConfigurationError(key: key, reason: "port must be within 1...65535")
        }
        var tls = TLSMode.prefer
        for item in components.queryItems ?? [] {
            switch item.name {
            case "sslmode":
                guard let mode = item.value.flatMap(TLSMode.init(rawValue:)) else {
                    throw ConfigurationError(key: key, reason: "sslmode must be one of \(TLSMode.allCases.map(\.rawValue).joined(separator: ", "))")
                }
                tls = mode
            default:
                throw ConfigurationError(key: key, reason: "unknown parameter '\(item.name)' (only sslmode is understood)")
            }
        }
        // URLComponents keeps percent-escapes in user and password (`p%40ss` for `p@ss`).
        self.host = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        self.port = components.port ?? 5432
        self.username = components.percentEncodedUser?.removingPercentEncoding ?? user
        self.password = components.percentEncodedPassword.map { $0.removingPercentEncoding ?? $0 }
        self.database = database.removingPercentEncoding ?? database
        self.tls = tls
    }

    /// The URL without its password, for logs.
    public var description: String {
        "postgres://\(username)@\(host.contains(":") ? "[\(host)]" : host):\(port)/\(database)?sslmode=\(tls.rawValue)"
    }
}
