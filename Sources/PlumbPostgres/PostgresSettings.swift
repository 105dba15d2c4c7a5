import Foundation
import PlumbCore
import PlumbWorkers

/// Where a PostgreSQL server is and who to be there: the `[postgres]` section of the config file,
/// then the usual `PG*` environment variables, then libpq's defaults.
///
/// ```ini
/// [postgres]
/// host = 127.0.0.1           ; PGHOST, default localhost
/// port = 5432                ; PGPORT
/// database = warehouse       ; PGDATABASE, default the user
/// user = plumb               ; PGUSER, default the login name
/// password = …               ; PGPASSWORD; for SCRAM-SHA-256, MD5 or password authentication
/// marker-table = table_updates
/// timeout = 30               ; seconds the server may stay silent
/// sslmode = verify-full      ; PGSSLMODE, default prefer (see PostgresSSLMode)
/// sslrootcert = ca.pem       ; PGSSLROOTCERT, default ~/.postgresql/root.crt
/// sslcert = client.crt       ; PGSSLCERT, default ~/.postgresql/postgresql.crt, if it exists
/// sslkey = client.key        ; PGSSLKEY, default ~/.postgresql/postgresql.key
/// sslcrl = root.crl          ; PGSSLCRL, default ~/.postgresql/root.crl, if it exists
/// ```
///
/// ```swift
/// let settings = try PostgresSettings(configuration: configuration)
/// let connection = try PostgresConnection(settings)
/// ```
public struct PostgresSettings: Sendable, Hashable, CustomStringConvertible {
  /// The server's host name or address, reached over TCP (no Unix socket); `verify-full` checks
  /// the server's certificate against it.
  public var host: String
  /// The server's port.
  public var port: Int
  /// The database to connect to.
  public var database: String
  /// The role to connect as.
  public var user: String
  /// The password, when the server asks for one; never printed.
  public var password: String?
  /// Luigi's marker table, `table_updates` unless `[postgres] marker-table` says otherwise.
  public var markerTable: String
  /// Seconds the server may stay silent (connecting, or waiting for an answer).
  public var timeout: TimeInterval
  /// Whether the connection must, may or must not be encrypted, and what of the server's
  /// certificate is checked; libpq's `sslmode`.
  public var sslMode: PostgresSSLMode
  /// The file of certificate authorities (PEM) the server's certificate must chain to, libpq's
  /// `sslrootcert`; `system` means the system's authorities, and `nil` `~/.postgresql/root.crt`,
  /// as in libpq.
  public var sslRootCert: String?
  /// The client's certificate (PEM), shown to a server that asks for one (`hostssl … cert` in its
  /// `pg_hba.conf`); libpq's `sslcert`. `nil` means `~/.postgresql/postgresql.crt`, and a file that
  /// does not exist means no certificate, as in libpq.
  public var sslCert: String?
  /// The client certificate's private key (PEM), which only its owner may read (mode 0600);
  /// libpq's `sslkey`, `~/.postgresql/postgresql.key` when `nil`.
  public var sslKey: String?
  /// A certificate revocation list (PEM): a server certificate it lists is refused; libpq's
  /// `sslcrl`, `~/.postgresql/root.crl` when `nil`. Read only when the certificate is checked
  /// (``sslRootCert`` is there), and ignored when the file does not exist, as in libpq.
  public var sslCRL: String?

  /// Settings given in code.
  ///
  /// ```swift
  /// let settings = PostgresSettings(
  ///   host: "db.example.com", database: "warehouse", user: "plumb", sslMode: .verifyFull, sslRootCert: "ca.pem",
  ///   sslCert: "client.crt", sslKey: "client.key")
  /// ```
  public init(
    host: String = "localhost", port: Int = 5432, database: String, user: String, password: String? = nil,
    markerTable: String = "table_updates", timeout: TimeInterval = 30, sslMode: PostgresSSLMode = .prefer,
    sslRootCert: String? = nil, sslCert: String? = nil, sslKey: String? = nil, sslCRL: String? = nil
  ) {
    self.host = host
    self.port = port
    self.database = database
    self.user = user
    self.password = password
    self.markerTable = markerTable
    self.timeout = timeout
    self.sslMode = sslMode
    self.sslRootCert = sslRootCert
    self.sslCert = sslCert
    self.sslKey = sslKey
    self.sslCRL = sslCRL
  }

  /// Settings from `[postgres]` in `configuration`, else from `PGHOST`, `PGPORT`, `PGDATABASE`,
  /// `PGUSER`, `PGPASSWORD`, `PGSSLMODE`, `PGSSLROOTCERT`, `PGSSLCERT`, `PGSSLKEY`, `PGSSLCRL` in
  /// `environment`.
  ///
  /// ```swift
  /// let settings = try PostgresSettings(configuration: Configuration(text: "[postgres]\nsslmode = require\n"))
  /// ```
  ///
  /// - Throws: ``ConfigurationError`` for a port or timeout that is not a positive number, or an
  ///   `sslmode` in the file that libpq does not know; ``PostgresError`` for such a `PGSSLMODE`.
  public init(
    configuration: Configuration, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws {
    func setting(_ key: String, _ variable: String?) -> String? {
      let value = configuration.value(section: "postgres", key: key) ?? variable.flatMap { environment[$0] }
      return value.flatMap { $0.isEmpty ? nil : $0 }
    }
    func problem(_ text: String) -> ConfigurationError {
      ConfigurationError(source: configuration.files.last ?? "config", line: nil, problem: "[postgres] \(text)")
    }
    let user = setting("user", "PGUSER") ?? environment["USER"] ?? "postgres"
    let portText = setting("port", "PGPORT") ?? "5432"
    guard let port = Int(portText), (1...65535).contains(port) else {
      throw problem("port must be a number from 1 to 65535, not '\(portText)'")
    }
    let timeoutText = setting("timeout", nil) ?? "30"
    guard let timeout = TimeInterval(timeoutText), timeout > 0, timeout.isFinite else {
      throw problem("timeout must be a positive number of seconds, not '\(timeoutText)'")
    }
    self.init(
      host: setting("host", "PGHOST") ?? "localhost", port: port, database: setting("database", "PGDATABASE") ?? user,
      user: user, password: setting("password", "PGPASSWORD"),
      markerTable: setting("marker-table", nil) ?? "table_updates", timeout: timeout,
      sslRootCert: setting("sslrootcert", "PGSSLROOTCERT"), sslCert: setting("sslcert", "PGSSLCERT"),
      sslKey: setting("sslkey", "PGSSLKEY"), sslCRL: setting("sslcrl", "PGSSLCRL"))
    if let modeText = setting("sslmode", "PGSSLMODE") {
      guard let mode = PostgresSSLMode(rawValue: modeText) else {
        let allowed = PostgresSSLMode.allCases.map(\.rawValue).joined(separator: ", ")
        // The value may have come from the environment, which is no config file to blame.
        guard setting("sslmode", nil) == nil else {
          throw problem("sslmode must be one of \(allowed), not '\(modeText)'")
        }
        throw PostgresError(server: description, message: "PGSSLMODE must be one of \(allowed), not '\(modeText)'")
      }
      sslMode = mode
    }
  }

  /// `host:port/database`, for messages; never the password.
  public var description: String { "\(host):\(port)/\(database)" }
}

/// How much a connection insists on TLS, with libpq's names (`sslmode`) and meanings.
///
/// ```ini
/// [postgres]
/// sslmode = verify-full
/// sslrootcert = /etc/ssl/db-ca.pem
/// ```
///
/// With `require`, `verify-ca` or `verify-full`, Plumb asks the server for TLS before it sends
/// anything else, and a server without TLS is refused (`server does not support SSL, but SSL was
/// required`, as libpq and psycopg2 say): no password and no row ever travel in plaintext.
public enum PostgresSSLMode: String, Sendable, Hashable, CaseIterable {
  /// Plaintext only; the server is never asked for TLS.
  case disable
  /// Plaintext first; when the server refuses that login (say, `hostssl` lines only in its
  /// `pg_hba.conf`), a second connection asks for TLS and logs in again, as in libpq. The
  /// certificate is checked only as for `prefer`.
  case allow
  /// libpq's default: TLS is asked for first and used when the server agrees; a server that
  /// answers it has none gets the login in plaintext on the same connection, and when the TLS
  /// handshake fails (a certificate that is not trusted included), a second connection logs in
  /// in plaintext, as in libpq. The certificate is checked only when a root certificate file is
  /// there (then as `verify-ca`), as in libpq. It protects against a passive listener only: anyone
  /// in between can answer that there is no TLS.
  case prefer
  /// TLS or no connection, without checking the server's certificate (unless a root certificate
  /// file is there: then as `verify-ca`, as in libpq). Encrypted, but not safe from a server
  /// that pretends to be yours.
  case require
  /// TLS or no connection, with a certificate signed by an authority of ``PostgresSettings/sslRootCert``.
  case verifyCA = "verify-ca"
  /// As `verify-ca`, and the certificate must name the host connected to.
  case verifyFull = "verify-full"

  /// Whether a server without TLS is refused.
  ///
  /// ```swift
  /// PostgresSSLMode.require.requiresTLS   // true
  /// ```
  public var requiresTLS: Bool {
    switch self {
    case .disable, .allow, .prefer: false
    case .require, .verifyCA, .verifyFull: true
    }
  }
}
