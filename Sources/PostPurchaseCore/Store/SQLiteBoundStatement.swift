import Foundation
import GRDB
import GRDBSQLite

/// A cached GRDB statement bound and stepped through SQLite's C API, for the few statements every
/// event runs (entity reads and writes, outbox rows).
///
/// Why not GRDB's `execute(arguments:)`: it converts each argument to a `DatabaseValue`, boxes
/// them in an array and binds them through generic code. In the tracking worker's profile that
/// cost as much again as SQLite's own work on these statements (about 10 % of the process). Here
/// each value is bound directly; GRDB still prepares, caches and finalizes the statement, owns the
/// transaction, and every call runs inside its write (or read) closure, on its queue.
struct SQLiteBoundStatement {
    private let statement: Statement
    private let handle: OpaquePointer

    /// The connection's cached statement for `sql`.
    init(_ db: Database, sql: String) throws {
        statement = try db.cachedStatement(sql: sql)
        handle = statement.sqliteStatement
    }

    /// SQLite copies the bytes during the bind call, so the Swift buffers need not outlive it.
    private static let transient = unsafeBitCast(-1, to: sqlite3_destructor_type.self)

    func bind(_ text: String, at index: Int32) {
        var text = text
        text.withUTF8 { bytes in
            _ = sqlite3_bind_text(handle, index, bytes.baseAddress.map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) },
                                  Int32(bytes.count), Self.transient)
        }
    }

    func bind(_ value: Int64, at index: Int32) {
        sqlite3_bind_int64(handle, index, value)
    }

    /// Binds a blob (`Data` or `[UInt8]`), or NULL for `nil`.
    func bind<Bytes: ContiguousBytes>(_ bytes: Bytes?, at index: Int32) {
        guard let bytes else {
            sqlite3_bind_null(handle, index)
            return
        }
        bytes.withUnsafeBytes { raw in
            // A zero-length blob still binds as a blob, not as NULL: SQLite needs a non-nil pointer.
            withUnsafeBytes(of: 0 as UInt8) { empty in
                _ = sqlite3_bind_blob(handle, index, raw.baseAddress ?? empty.baseAddress, Int32(raw.count), Self.transient)
            }
        }
    }

    /// Runs a statement that returns no rows, then makes it ready for the next bindings.
    func run() throws {
        defer { clear() }
        let code = sqlite3_step(handle)
        guard code == SQLITE_DONE else { throw failure(code) }
    }

    /// Runs a query and returns the first column of its first row as bytes (`nil`: no row).
    func firstBlob() throws -> Data? {
        defer { clear() }
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW:
            let count = Int(sqlite3_column_bytes(handle, 0))
            guard count > 0, let bytes = sqlite3_column_blob(handle, 0) else { return Data() }
            return Data(bytes: bytes, count: count)
        case SQLITE_DONE:
            return nil
        default:
            throw failure(code)
        }
    }

    /// Whether a query returns at least one row.
    func hasRow() throws -> Bool {
        defer { clear() }
        let code = sqlite3_step(handle)
        switch code {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw failure(code)
        }
    }

    private func clear() {
        sqlite3_reset(handle)
        sqlite3_clear_bindings(handle)
    }

    private func failure(_ code: Int32) -> DatabaseError {
        let message = sqlite3_db_handle(handle).flatMap { sqlite3_errmsg($0) }.map { String(cString: $0) }
        return DatabaseError(resultCode: ResultCode(rawValue: code), message: message, sql: statement.sql)
    }
}
