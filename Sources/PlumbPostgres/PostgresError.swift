import PlumbCore

/// Why a PostgreSQL call failed, in one line: the server's address and database, the SQLSTATE code
/// when the server sent one, and the message; never the password.
///
/// ```
/// PostgreSQL 127.0.0.1:5432/plumb: ERROR 42P01: relation "parts" does not exist
/// PostgreSQL 127.0.0.1:5432/plumb: connection refused
/// ```
public struct PostgresError: Error, CustomStringConvertible, Equatable, Sendable {
  /// `host:port/database`.
  public let server: String
  /// The SQLSTATE code, such as `42P01` (undefined table) or `28P01` (wrong password), if the
  /// server sent one.
  public let code: String?
  /// The server's severity and message, or what went wrong on the way.
  public let message: String

  /// An error for `server` with `message` and, from the server, its `code`.
  public init(server: String, code: String? = nil, message: String) {
    self.server = server
    self.code = code
    self.message = message
  }

  /// The message, in one line.
  public var description: String {
    escapingControlCharacters("PostgreSQL \(server): " + (code.map { "\($0): " } ?? "") + message)
  }

  /// `42P01`: the table does not exist.
  public static let undefinedTable = "42P01"
  /// `42P07`: the table exists already.
  public static let duplicateTable = "42P07"
  /// `23505`: a unique constraint (a primary key) would be broken.
  public static let uniqueViolation = "23505"
}
