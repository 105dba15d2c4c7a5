import Foundation

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
/// ```
///
/// ```swift
/// let settings = try PostgresSettings(configuration: configuration)
/// let connection = try PostgresConnection(settings)
/// ```
public struct PostgresSettings: Sendable, Hashable, CustomStringConvertible {
  /// The server's host name or address; connections are plain TCP (no TLS, no Unix socket).
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

  /// Settings given in code.
  public init(
    host: String = "localhost", port: Int = 5432, database: String, user: String, password: String? = nil,
    markerTable: String = "table_updates", timeout: TimeInterval = 30
  ) {
    self.host = host
    self.port = port
    self.database = database
    self.user = user
    self.password = password
    self.markerTable = markerTable
    self.timeout = timeout
  }

  /// Settings from `[postgres]` in `configuration`, else from `PGHOST`, `PGPORT`, `PGDATABASE`,
  /// `PGUSER`, `PGPASSWORD` in `environment`.
  ///
  /// - Throws: ``ConfigurationError`` for a port or timeout that is not a positive number.
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
      markerTable: setting("marker-table", nil) ?? "table_updates", timeout: timeout)
  }

  /// `host:port/database`, for messages; never the password.
  public var description: String { "\(host):\(port)/\(database)" }
}
