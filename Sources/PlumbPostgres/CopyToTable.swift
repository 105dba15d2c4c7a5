import Foundation
import PlumbCore

/// A task that writes rows into a PostgreSQL table, as Luigi's `luigi.contrib.postgres.CopyToTable`
/// does: the table is created when missing, the rows go in with `COPY`, and the marker row of
/// ``PostgresTarget`` is written in the same transaction, so a failure leaves neither rows nor
/// marker, and a finished task is complete for Plumb and Luigi alike.
///
/// Give the table, its columns and the rows; `run()` and `output()` come with the protocol:
///
/// ```swift
/// struct LoadParts: CopyToTable {
///   @Parameter var day: Date = .required
///   var table: String { "parts" }
///   var columns: [(name: String, type: String)] { [("id", "INT"), ("name", "TEXT")] }
///   func rows() throws -> [[String?]] { [["1", "bolt"], ["2", nil]] }
/// }
/// ```
///
/// The server comes from the run's `[postgres]` section or the `PG*` variables
/// (``PostgresSettings``). Values are text, as COPY reads them; `nil` is NULL.
public protocol CopyToTable: PipelineTask where Output == PostgresTarget {
  /// The rows' type: any sequence of rows, produced as the copy goes.
  associatedtype Rows: Sequence where Rows.Element == [String?]

  /// The table to write, as written into SQL (quote it yourself if it needs quoting).
  var table: String { get }
  /// The table's columns and their SQL types, used to create it when missing.
  var columns: [(name: String, type: String)] { get }
  /// The rows to write, each with one value per column.
  func rows() throws -> Rows
}

extension CopyToTable {
  /// The marker of this task: `table`, with Luigi's task id as `update_id`.
  public func output() -> PostgresTarget { PostgresTarget(table: table, updateID: TaskInfo(self).id) }

  /// Creates the table if missing, copies ``rows()``, writes the marker, and commits, all in one
  /// transaction.
  @inlinable
  public func run() throws { try copyRows() }

  /// What the protocol's `run()` does, for a task that defines its own `run()` around it.
  ///
  /// ```swift
  /// func run() throws {
  ///   try copyRows()
  ///   print("loaded \(table)")
  /// }
  /// ```
  // Inlinable, as PostgresConnection.copy is, so that the task's own type of rows reaches the
  // copy loop and it runs specialized.
  @inlinable
  public func copyRows() throws {
    let target = output()
    let settings = try target.connectionSettings()
    let connection = try PostgresConnection(settings)
    defer { connection.close() }
    try connection.transaction {
      let found = try connection.query("SELECT to_regclass($1)", [table])
      if found.first?.first ?? nil == nil {
        let definitions = columns.map { "\($0.name) \($0.type)" }.joined(separator: ", ")
        try connection.execute("CREATE TABLE \(table) (\(definitions))")
      }
      try connection.copy(into: table, columns: columns.map(\.name), rows: rows())
      try target.touch(in: connection)
    }
  }
}
