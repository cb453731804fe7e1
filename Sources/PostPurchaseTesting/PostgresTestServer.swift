import Foundation
import PostPurchaseCore
import Synchronization
#if canImport(Glibc)
import Glibc
#endif

/// A throw-away PostgreSQL server for tests and benchmarks: `initdb` in a temporary directory,
/// `postgres` on a free loopback port, a fresh database per caller, everything removed on stop.
///
/// It uses the server binaries of Debian's `postgresql` package (`/usr/lib/postgresql/<version>/bin`,
/// or `POSTPURCHASE_PG_BINDIR`); `scripts/setup.sh` installs them. Without them ``start(durable:)``
/// throws a ``Failure`` saying so: a test that needs PostgreSQL fails, it never skips.
/// `initdb` and `postgres` refuse to run as root, so as root (CI) they run as the `postgres`
/// system user through `runuser`, which the package creates.
public final class PostgresTestServer: Sendable {
    /// Why the server could not be set up.
    public struct Failure: Error, CustomStringConvertible {
        public var description: String
    }

    /// The superuser's name and password (password authentication over TCP, as in production).
    public static let user = "postpurchase"
    public static let password = "test-secret"

    public let port: Int
    public let directory: String
    private let binaries: String
    private let stopped = Mutex(false)
    private let databaseCounter = Atomic<Int>(0)

    private init(port: Int, directory: String, binaries: String) {
        self.port = port
        self.directory = directory
        self.binaries = binaries
    }

    deinit { stop() }

    /// Starts a new server. `durable: false` turns off fsync (tests); `true` keeps PostgreSQL's
    /// defaults (benchmarks).
    public static func start(durable: Bool = false) throws -> PostgresTestServer {
        let binaries = try findBinaries()
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("pp-postgres-\(UUID().uuidString)").path
        try FileManager.default.createDirectory(atPath: directory, withIntermediateDirectories: true)
        let passwordFile = directory + "/pwfile"
        try Data(password.utf8).write(to: URL(fileURLWithPath: passwordFile))
        if getuid() == 0 {
            guard getpwnam("postgres") != nil else {
                throw Failure(description: "running as root, and there is no 'postgres' user to run initdb as (install Debian's postgresql package: scripts/setup.sh)")
            }
            try run("/bin/chown", ["-R", "postgres:postgres", directory])
        }
        try runAsServerUser(binaries + "/initdb", [
            "-D", directory + "/data", "-U", user, "--pwfile=" + passwordFile, "--auth-host=scram-sha-256",
            "--auth-local=trust", "-E", "UTF8", "--no-sync",
        ])
        var lastError: (any Error)?
        for _ in 0..<5 {
            let port = try freePort()
            var options = "-p \(port) -c listen_addresses=127.0.0.1 -c unix_socket_directories=\(directory) -c max_connections=300"
            if !durable { options += " -c fsync=off -c synchronous_commit=off -c full_page_writes=off" }
            do {
                try runAsServerUser(binaries + "/pg_ctl", ["-D", directory + "/data", "-l", directory + "/server.log", "-w", "-t", "60", "-o", options, "start"])
                return PostgresTestServer(port: port, directory: directory, binaries: binaries)
            } catch {
                // Most likely another process took the port between our probe and the server's bind.
                lastError = error
            }
        }
        let log = (try? String(contentsOfFile: directory + "/server.log", encoding: .utf8)) ?? ""
        throw Failure(description: "postgres did not start: \(lastError.map { "\($0)" } ?? "?")\n\(log.suffix(2_000))")
    }

    private static let sharedServer = Mutex<Result<PostgresTestServer, Failure>?>(nil)

    /// One server per test process, started on first use and stopped when the process exits.
    public static func shared() throws -> PostgresTestServer {
        try sharedServer.withLock { shared in
            if shared == nil {
                do {
                    shared = .success(try start())
                    atexit { PostgresTestServer.stopShared() }
                } catch let failure as Failure {
                    shared = .failure(failure)
                } catch {
                    shared = .failure(Failure(description: "\(error)"))
                }
            }
            return try shared!.get()
        }
    }

    private static func stopShared() {
        if case .success(let server)? = sharedServer.withLock({ $0 }) { server.stop() }
    }

    /// Creates an empty database and returns its `postgres://` URL (with the password).
    public func createDatabase(_ name: String? = nil) throws -> String {
        let name = name ?? "pp_\(ProcessInfo.processInfo.processIdentifier)_\(databaseCounter.add(1, ordering: .relaxed).newValue)_\(UUID().uuidString.prefix(8).lowercased())"
        // Over the server's own socket directory, where local connections are trusted.
        try Self.run(binaries + "/createdb", ["-h", directory, "-p", "\(port)", "-U", Self.user, name])
        return "postgres://\(Self.user):\(Self.password)@127.0.0.1:\(port)/\(name)?sslmode=disable"
    }

    /// Stops the server at once and removes its directory (idempotent).
    public func stop() {
        let already = stopped.withLock { stopped -> Bool in defer { stopped = true }; return stopped }
        guard !already else { return }
        try? Self.runAsServerUser(binaries + "/pg_ctl", ["-D", directory + "/data", "-m", "immediate", "-w", "stop"])
        try? FileManager.default.removeItem(atPath: directory)
    }

    // MARK: - Processes

    static func findBinaries() throws -> String {
        let fileManager = FileManager.default
        if let configured = ProcessInfo.processInfo.environment["POSTPURCHASE_PG_BINDIR"] {
            guard fileManager.isExecutableFile(atPath: configured + "/initdb") else {
                throw Failure(description: "POSTPURCHASE_PG_BINDIR=\(configured) holds no initdb")
            }
            return configured
        }
        let root = "/usr/lib/postgresql"
        let versions = ((try? fileManager.contentsOfDirectory(atPath: root)) ?? []).compactMap(Int.init).sorted(by: >)
        for version in versions where fileManager.isExecutableFile(atPath: "\(root)/\(version)/bin/initdb") {
            return "\(root)/\(version)/bin"
        }
        for directory in (ProcessInfo.processInfo.environment["PATH"] ?? "").split(separator: ":")
        where fileManager.isExecutableFile(atPath: "\(directory)/initdb") && fileManager.isExecutableFile(atPath: "\(directory)/pg_ctl") {
            return String(directory)
        }
        throw Failure(description: """
            PostgreSQL server binaries (initdb, pg_ctl, postgres) not found in \(root)/<version>/bin or PATH. \
            The PostgreSQL tests need a real server: install Debian's 'postgresql' package (./scripts/setup.sh does), \
            or set POSTPURCHASE_PG_BINDIR.
            """)
    }

    /// Runs a server program, as the `postgres` user when we are root.
    private static func runAsServerUser(_ program: String, _ arguments: [String]) throws {
        if getuid() == 0 {
            try run("/usr/sbin/runuser", ["-u", "postgres", "--", program] + arguments)
        } else {
            try run(program, arguments)
        }
    }

    private static func run(_ program: String, _ arguments: [String]) throws {
        // posix_spawn and waitpid rather than Foundation's Process: `pg_ctl start` leaves a
        // daemon behind, and Process then failed to notice the exit (the child stayed a zombie).
        // Output goes to a file, not a pipe, which that daemon would keep open.
        let outputPath = FileManager.default.temporaryDirectory.appendingPathComponent("pp-pg-\(UUID().uuidString).out").path
        defer { try? FileManager.default.removeItem(atPath: outputPath) }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, outputPath, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
        posix_spawn_file_actions_adddup2(&actions, 1, 2)
        let argv = ([program] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var pid = pid_t()
        let spawned = posix_spawn(&pid, program, &actions, nil, argv, environ)
        guard spawned == 0 else {
            throw Failure(description: "cannot start \(program): error \(spawned)")
        }
        var status: Int32 = 0
        while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
        let text = (try? String(contentsOfFile: outputPath, encoding: .utf8)) ?? ""
        // WIFEXITED and WEXITSTATUS, which Swift does not import.
        let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
        guard exitCode == 0 else {
            throw Failure(description: "\((program as NSString).lastPathComponent) \(arguments.joined(separator: " ")) exited with \(exitCode): \(text.suffix(2_000))")
        }
    }

    /// A TCP port on 127.0.0.1 that nothing listens on right now.
    private static func freePort() throws -> Int {
        let fd = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard fd >= 0 else { throw Failure(description: "cannot open a socket to find a free port") }
        defer { close(fd) }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = 0
        address.sin_addr.s_addr = inet_addr("127.0.0.1")
        let bound = withUnsafePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) }
        }
        guard bound == 0 else { throw Failure(description: "cannot bind a socket on 127.0.0.1") }
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let named = withUnsafeMutablePointer(to: &address) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(fd, $0, &length) }
        }
        guard named == 0 else { throw Failure(description: "cannot read the probe socket's port") }
        return Int(UInt16(bigEndian: address.sin_port))
    }
}
