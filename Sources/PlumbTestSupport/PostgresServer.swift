import Foundation
import Plumb

/// A throw-away PostgreSQL cluster for tests: `initdb` into a fresh folder, a server on 127.0.0.1
/// on a free port with `fsync` off, stopped and deleted by ``stop()``.
///
/// Two roles can log in over TCP: `plumb`, a superuser with a password (SCRAM-SHA-256), and
/// `trusting`, a superuser that needs none (trust). The database `plumbtest` belongs to `plumb`.
/// `PostgresServer(md5AndPasswordLogins: true)` adds two roles with the same password for the
/// older methods: `md5_login` (`md5`, its password stored as an MD5 hash, so that the server does
/// not switch to SCRAM) and `cleartext_login` (`password`, sent as it is). ``settings(database:login:)``
/// gives the settings of each ``Login``.
///
/// ```swift
/// let server = try PostgresServer()
/// defer { server.stop() }
/// let connection = try PostgresConnection(server.settings())
/// ```
///
/// `PostgresServer(tls: true)` runs with `ssl = on` and accepts TCP logins over TLS only
/// (`hostssl`), with a certificate for the address 127.0.0.1 (and no host name) signed by
/// ``certificateAuthority`` (``TestCertificates``); the role of ``Login/certificate`` logs in by
/// its client certificate alone (`cert`), and `trusting` with or without TLS (`host`), for the
/// tests of `sslmode=prefer`'s fallback.
///
/// The binaries are Debian's (`/usr/lib/postgresql/<version>/bin`), which `make postgres`
/// installs with apt when they are missing (`make test` does). As root, the server runs as the
/// `postgres` user, since `initdb` refuses root.
public final class PostgresServer: @unchecked Sendable {
  /// The port the server listens on, on 127.0.0.1.
  public let port: Int
  /// The password of the role `plumb`.
  public let password = "plumb-\(UUID().uuidString.prefix(8))"
  /// With TLS, the CA file (PEM) that signed the server's certificate: `sslrootcert` for
  /// `verify-ca` and `verify-full`.
  public let certificateAuthority: String?
  /// With TLS, a CA file of another authority, which did not sign the server's certificate.
  public let unrelatedCertificateAuthority: String?
  /// With TLS, every certificate of the cluster's: the client certificate of the role of
  /// ``Login/certificate``, revocation lists of the CA's.
  public private(set) var certificates: TestCertificates?
  private let folder: String
  private let binaries: String

  /// The folder of `initdb` and `pg_ctl`, the newest version installed.
  public static func binaryFolder() throws -> String {
    let root = "/usr/lib/postgresql"
    let versions = ((try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [])
      .filter { FileManager.default.isExecutableFile(atPath: "\(root)/\($0)/bin/initdb") }
      .sorted { (Int($0) ?? 0) < (Int($1) ?? 0) }
    guard let newest = versions.last else {
      throw SetupCommand.Failure(
        description: "PostgreSQL is not installed (no \(root)/<version>/bin/initdb): run `make postgres` in the "
          + "package folder (make test does it), which runs `apt-get install -y postgresql`")
    }
    return "\(root)/\(newest)/bin"
  }

  /// A role of the cluster and the way it logs in.
  ///
  /// ```swift
  /// let settings = server.settings(login: .md5)   // user md5_login, with the password
  /// ```
  public enum Login: String, CaseIterable, Sendable {
    /// `plumb`, with its password, by SCRAM-SHA-256.
    case scram = "plumb"
    /// `md5_login`, with the same password, by MD5 (with `md5AndPasswordLogins`).
    case md5 = "md5_login"
    /// `cleartext_login`, with the same password sent as it is (with `md5AndPasswordLogins`).
    case cleartext = "cleartext_login"
    /// `trusting`, with no password.
    case trust = "trusting"
    /// `certified`, with TLS only, by its client certificate (`cert` in pg_hba.conf) and no password.
    case certificate = "certified"

    /// The role's name.
    public var user: String { rawValue }
  }

  /// Makes and starts the cluster, with TLS only if `tls`, and with the roles of the MD5 and
  /// cleartext logins only if `md5AndPasswordLogins`; throws when PostgreSQL is not installed
  /// (saying how to install it) or does not start.
  ///
  /// ```swift
  /// let server = try PostgresServer(md5AndPasswordLogins: true)
  /// let connection = try PostgresConnection(server.settings(login: .md5))
  /// ```
  public init(tls: Bool = false, md5AndPasswordLogins: Bool = false) throws {
    binaries = try Self.binaryFolder()
    Self.removeLeftovers(binaries: binaries)
    let template = "/tmp/plumb-pg-XXXXXX"
    var name = Array(template.utf8CString)
    guard let made = mkdtemp(&name) else { throw SetupCommand.Failure(description: "cannot make a folder in /tmp") }
    folder = String(cString: made)
    port = try LoopbackPort.unused()
    certificateAuthority = tls ? folder + "/ca.crt" : nil
    unrelatedCertificateAuthority = tls ? folder + "/unrelated-ca.crt" : nil
    do {
      try FileManager.default.createDirectory(atPath: folder + "/sock", withIntermediateDirectories: true)
      try password.write(toFile: folder + "/password", atomically: true, encoding: .utf8)
      if tls { certificates = try TestCertificates(in: folder, clientName: Login.certificate.user) }
      try String(getpid()).write(toFile: folder + "/owner", atomically: true, encoding: .utf8)
      chmod(folder, 0o755)
      if geteuid() == 0 { try Self.run("/bin/chown", ["-R", "postgres:postgres", folder]) }
      try runAsServerUser(
        binaries + "/initdb",
        [
          "-D", folder + "/data", "-U", "plumb", "--pwfile=\(folder)/password", "--auth-local=trust",
          "--auth-host=scram-sha-256", "--encoding=UTF8", "--locale=C.UTF-8",
        ])
      let host = tls ? "hostssl" : "host"
      let olderMethods =
        md5AndPasswordLogins
        ? "\(host) all \(Login.md5.user) 127.0.0.1/32 md5\n\(host) all \(Login.cleartext.user) 127.0.0.1/32 password\n"
        : ""
      let certificateLogin = tls ? "hostssl all \(Login.certificate.user) 127.0.0.1/32 cert\n" : ""
      let rules = """
        local all all trust
        \(certificateLogin)host all trusting 127.0.0.1/32 trust
        \(olderMethods)\(host) all all 127.0.0.1/32 scram-sha-256

        """
      try rules.write(toFile: folder + "/data/pg_hba.conf", atomically: false, encoding: .utf8)
      try runAsServerUser(
        binaries + "/pg_ctl",
        [
          "-D", folder + "/data", "-l", folder + "/server.log", "-w", "-t", "60", "-o",
          "-c listen_addresses=127.0.0.1 -p \(port) -k \(folder)/sock -c fsync=off -c full_page_writes=off"
            + (tls
              ? " -c ssl=on -c ssl_cert_file=\(folder)/server.crt -c ssl_key_file=\(folder)/server.key"
                + " -c ssl_ca_file=\(folder)/ca.crt" : ""),
          "start",
        ])
      let connection = try PostgresConnection(settings(database: "postgres"))
      defer { connection.close() }
      try connection.execute("CREATE ROLE trusting LOGIN SUPERUSER")
      if tls { try connection.execute("CREATE ROLE \(Login.certificate.user) LOGIN SUPERUSER") }
      try connection.execute("CREATE DATABASE plumbtest OWNER plumb")
      if md5AndPasswordLogins {
        // Stored as an MD5 hash, the password makes `md5` in pg_hba.conf ask for MD5; a SCRAM
        // verifier would turn it into a SCRAM login.
        try connection.execute(
          "SET password_encryption = 'md5'; CREATE ROLE \(Login.md5.user) LOGIN PASSWORD '\(password)'; "
            + "RESET password_encryption; CREATE ROLE \(Login.cleartext.user) LOGIN PASSWORD '\(password)'")
      }
    } catch {
      stop()
      throw error
    }
  }

  /// Settings for `database` as the role of `login`, with the password unless it is `.trust`.
  ///
  /// ```swift
  /// let settings = server.settings(login: .cleartext)
  /// ```
  public func settings(database: String = "plumbtest", login: Login = .scram) -> PostgresSettings {
    PostgresSettings(
      host: "127.0.0.1", port: port, database: database, user: login.user,
      password: login == .trust || login == .certificate ? nil : password, timeout: 10)
  }

  /// The `[postgres]` section that points Plumb at this server as `plumb`.
  public var configuration: String {
    """
    [postgres]
    host = 127.0.0.1
    port = \(port)
    database = plumbtest
    user = plumb
    password = \(password)

    """
  }

  /// Stops the server (fast shutdown) and deletes its folder.
  public func stop() {
    if FileManager.default.fileExists(atPath: folder + "/data/postmaster.pid") {
      try? runAsServerUser(binaries + "/pg_ctl", ["-D", folder + "/data", "-m", "fast", "-w", "stop"])
    }
    try? FileManager.default.removeItem(atPath: folder)
  }

  /// Stops and deletes the clusters of test processes that were killed before their tearDown,
  /// so that they do not run on for good; clusters of live processes are left alone.
  private static func removeLeftovers(binaries: String) {
    let names = (try? FileManager.default.contentsOfDirectory(atPath: "/tmp")) ?? []
    for name in names where name.hasPrefix("plumb-pg-") {
      let folder = "/tmp/" + name
      guard let text = try? String(contentsOfFile: folder + "/owner", encoding: .utf8),
        let owner = Int32(text.trimmingCharacters(in: .whitespacesAndNewlines)),
        kill(owner, 0) != 0 && errno == ESRCH
      else { continue }
      if FileManager.default.fileExists(atPath: folder + "/data/postmaster.pid") {
        try? runAsServerUser(binaries + "/pg_ctl", ["-D", folder + "/data", "-m", "immediate", "-w", "stop"])
      }
      try? FileManager.default.removeItem(atPath: folder)
    }
  }

  private func runAsServerUser(_ program: String, _ arguments: [String]) throws {
    try Self.runAsServerUser(program, arguments)
  }

  private static func runAsServerUser(_ program: String, _ arguments: [String]) throws {
    if geteuid() == 0 {
      try run("/usr/sbin/runuser", ["-u", "postgres", "--", program] + arguments)
    } else {
      try run(program, arguments)
    }
  }

  /// Runs `program` with its output in a file, through posix_spawn and waitpid: Foundation's
  /// `Process` would wait for the server `pg_ctl start` leaves running, which inherits the
  /// descriptors Process watches to see its child end (and a pipe would never reach its end).
  private static func run(_ program: String, _ arguments: [String]) throws {
    let log = NSTemporaryDirectory() + "plumb-pg-\(UUID().uuidString).out"
    defer { unlink(log) }
    var actions = posix_spawn_file_actions_t()
    posix_spawn_file_actions_init(&actions)
    defer { posix_spawn_file_actions_destroy(&actions) }
    posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
    posix_spawn_file_actions_addopen(&actions, 1, log, O_WRONLY | O_CREAT | O_TRUNC, 0o644)
    posix_spawn_file_actions_adddup2(&actions, 1, 2)
    let argv = ([program] + arguments).map { strdup($0) } + [nil]
    defer { argv.forEach { free($0) } }
    var pid: pid_t = 0
    let spawned = posix_spawn(&pid, program, &actions, nil, argv, environ)
    guard spawned == 0 else {
      throw SetupCommand.Failure(description: "cannot start \(program): \(String(cString: strerror(spawned)))")
    }
    var status: Int32 = 0
    while waitpid(pid, &status, 0) < 0 && errno == EINTR {}
    let output = (try? String(contentsOfFile: log, encoding: .utf8)) ?? ""
    // WIFEXITED and WEXITSTATUS are C macros Swift does not import.
    let exitCode = (status & 0x7f) == 0 ? (status >> 8) & 0xff : 128 + (status & 0x7f)
    guard exitCode == 0 else {
      throw SetupCommand.Failure(
        description: "\((program as NSString).lastPathComponent) failed (\(exitCode)): "
          + output.split(separator: "\n").suffix(3).joined(separator: " / "))
    }
  }
}
