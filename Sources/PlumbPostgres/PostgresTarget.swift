import Foundation
import PlumbCore

/// Rows written into a PostgreSQL table by one task, marked done in Luigi's marker table: the
/// target exists once `table_updates` has a row whose `update_id` is the task's id.
///
/// It follows Luigi's `luigi.contrib.postgres.PostgresTarget` exactly, so a Plumb task and a Luigi
/// `CopyToTable` task with the same family and parameters see each other's work:
///
/// ```sql
/// CREATE TABLE table_updates (update_id TEXT PRIMARY KEY, target_table TEXT, inserted TIMESTAMP DEFAULT NOW())
/// ```
///
/// ``touch(in:)`` inserts the row in the caller's transaction, so the rows and the marker commit
/// together or not at all. ``CopyToTable`` does all of this for a task that writes rows.
///
/// ```swift
/// func output() -> PostgresTarget { PostgresTarget(table: "parts", updateID: TaskInfo(self).id) }
/// ```
public struct PostgresTarget: Target, Sendable {
  /// The table the task writes.
  public let table: String
  /// The marker's id: Luigi's task id of the task that writes the rows.
  public let updateID: String
  private let settings: Result<PostgresSettings, any Error>

  /// The marker `updateID` for `table` on the server of `settings`.
  public init(table: String, updateID: String, settings: PostgresSettings) {
    self.table = table
    self.updateID = updateID
    self.settings = .success(settings)
  }

  /// The marker `updateID` for `table` on the server the run's `[postgres]` section (or the `PG*`
  /// variables) names.
  public init(table: String, updateID: String) {
    self.table = table
    self.updateID = updateID
    settings = Result {
      let configuration =
        try RunContext.current?.configuration ?? Configuration.load(in: FileManager.default.currentDirectoryPath)
      return try PostgresSettings(configuration: configuration)
    }
  }

  /// `table parts in 127.0.0.1:5432/warehouse (update Part_2024_01_02_5_2274d39f09)`.
  public var description: String {
    let server = (try? settings.get().description) ?? "an unusable [postgres] section"
    return "table \(table) in \(server) (update \(updateID))"
  }

  /// The server this target's rows and marker are on.
  ///
  /// - Throws: ``ConfigurationError`` for a bad `[postgres]` section.
  public func connectionSettings() throws -> PostgresSettings { try settings.get() }

  /// Whether the marker row exists; a missing marker table means "not yet", as in Luigi.
  ///
  /// - Throws: ``PostgresError`` when the server cannot be reached or refuses the login.
  public func exists() throws -> Bool {
    let connection = try PostgresConnection(settings.get())
    defer { connection.close() }
    return try exists(in: connection)
  }

  /// Whether the marker row exists, asked on `connection`.
  public func exists(in connection: PostgresConnection) throws -> Bool {
    do {
      let rows = try connection.query(
        "SELECT 1 FROM \(connection.settings.markerTable) WHERE update_id = $1 LIMIT 1", [updateID])
      return !rows.isEmpty
    } catch let error as PostgresError where error.code == PostgresError.undefinedTable {
      return false
    }
  }

  /// Inserts the marker row on `connection`, in its open transaction if it has one, after making
  /// sure the marker table exists (on a connection of its own, as Luigi does, so that creating it
  /// does not depend on the caller's transaction).
  ///
  /// A second touch of the same id fails with a unique violation, as in Luigi.
  public func touch(in connection: PostgresConnection) throws {
    try Self.createMarkerTable(connection.settings)
    try connection.query(
      "INSERT INTO \(connection.settings.markerTable) (update_id, target_table) VALUES ($1, $2)", [updateID, table])
  }

  /// Creates the marker table unless it exists.
  static func createMarkerTable(_ settings: PostgresSettings) throws {
    let connection = try PostgresConnection(settings)
    defer { connection.close() }
    do {
      try connection.execute(
        """
        CREATE TABLE \(settings.markerTable) (
          update_id TEXT PRIMARY KEY,
          target_table TEXT,
          inserted TIMESTAMP DEFAULT NOW())
        """)
    } catch let error as PostgresError
      where error.code == PostgresError.duplicateTable || error.code == PostgresError.uniqueViolation
    {
      // Made already (a unique violation on pg_type when two create it at once).
    }
  }
}
