import Foundation
import Plumb
import PlumbTestSupport

/// `make bench`'s PostgreSQL figures: rows a second into one throw-away cluster by Plumb (a
/// CopyToTable task run by `build()`), by psql's `\copy` and by psycopg2's `copy_expert`, best of
/// several runs, each into an emptied table after a checkpoint.
///
/// Plumb's time counts what the engine does for the task: the completeness check, the connections
/// and logins, the copy and the marker, in one transaction. psql's counts its whole process
/// (start, login, copy); psycopg2's counts from `connect` to `commit`, not Python's start. psql and
/// psycopg2 read the rows from a file in `folder` written beforehand; Plumb makes them as it goes.
struct PostgresComparison {
  let rows: Int
  let repeats: Int
  let folder: String
  /// A Python with psycopg2, and Benchmarks/psycopg2_copy.py.
  let python: String?
  let script: String

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  func run() throws {
    let server = try PostgresServer()
    defer { server.stop() }
    try execute("CREATE TABLE parts (batch TEXT, id INT, name TEXT)", on: server)
    let file = folder + "/plumb-bench-rows-\(getpid()).tsv"
    try writeRows(to: file)
    defer { unlink(file) }

    print("PostgreSQL: COPY of \(rows) rows (batch TEXT, id INT, name TEXT) into a local cluster,")
    print("best of \(repeats) runs, each into an emptied table:")
    let plumb = try best(on: server) { run in
      var options = RunOptions()
      options.workingDirectory = folder
      options.configuration = try Configuration(text: server.configuration)
      options.logSink = { _ in }  // the table is the report
      let started = Date()
      let result = try build([BenchRows(batch: "plumb-\(getpid())-\(run)", size: rows)], options: options)
      guard result.success else { throw Failure(description: result.summary) }
      return Date().timeIntervalSince(started)
    }
    report("plumb build()", plumb, against: plumb)

    let psql = "/usr/bin/psql"
    if FileManager.default.isExecutableFile(atPath: psql) {
      let seconds = try best(on: server) { _ in
        let started = Date()
        try runProcess(
          psql,
          [
            "-h", "127.0.0.1", "-p", String(server.port), "-U", "plumb", "-d", "plumbtest", "-X", "-q", "-c",
            "\\copy parts (batch, id, name) FROM '\(file)'",
          ], environment: ["PGPASSWORD": server.password])
        return Date().timeIntervalSince(started)
      }
      report("psql \\copy", seconds, against: plumb)
    } else {
      print("  psql \\copy            not measured: no \(psql) (Debian's postgresql-client)")
    }

    if let python, FileManager.default.isExecutableFile(atPath: python) {
      let seconds = try best(on: server) { _ in
        let output = try runProcess(python, [script, String(server.port), server.password, file], environment: [:])
        guard let seconds = Double(output.trimmingCharacters(in: .whitespacesAndNewlines)) else {
          throw Failure(description: "\(script) printed \(output)")
        }
        return seconds
      }
      report("psycopg2 copy_expert", seconds, against: plumb)
    } else {
      print("  psycopg2 copy_expert  not measured: no Python with psycopg2 (make postgres installs it)")
    }
  }

  private func report(_ name: String, _ seconds: Double, against plumb: Double) {
    let label = name.padding(toLength: 21, withPad: " ", startingAt: 0)
    print(
      "  \(label) \(String(format: "%6.3f", seconds)) s \(String(format: "%10.0f", Double(rows) / seconds)) rows/s"
        + "  time \(String(format: "%.2f", seconds / plumb)) x Plumb's")
  }

  /// The rows BenchRows makes, in COPY's text format.
  private func writeRows(to path: String) throws {
    guard let handle = fopen(path, "w") else { throw Failure(description: "cannot write \(path)") }
    defer { fclose(handle) }
    for index in 0..<rows { fputs("file\t\(index)\tpart \(index)\n", handle) }
  }

  /// The best of `repeats` timings `body` returns, each into an emptied table, each checked to have
  /// copied every row.
  private func best(on server: PostgresServer, _ body: (Int) throws -> Double) throws -> Double {
    var best = Double.infinity
    for run in 0..<repeats {
      // The checkpoint writes out the last run's pages now rather than during the next one.
      try execute("TRUNCATE parts; CHECKPOINT", on: server)
      best = min(best, try body(run))
      let count = try execute("SELECT count(*) FROM parts", on: server)
      guard count == [[String(rows)]] else { throw Failure(description: "expected \(rows) rows, found \(count)") }
    }
    return best
  }

  @discardableResult
  private func execute(_ sql: String, on server: PostgresServer) throws -> [[String?]] {
    let connection = try PostgresConnection(server.settings())
    defer { connection.close() }
    return try connection.execute(sql)
  }

  /// Runs `program` and returns its standard output; throws when it fails.
  @discardableResult
  private func runProcess(_ program: String, _ arguments: [String], environment: [String: String]) throws -> String {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: program)
    process.arguments = arguments
    process.environment = ProcessInfo.processInfo.environment.merging(environment) { $1 }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let data = output.fileHandleForReading.readDataToEndOfFile()
    let problem = errors.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    guard process.terminationStatus == 0 else {
      throw Failure(
        description: "\(program) failed (\(process.terminationStatus)): \(String(decoding: problem, as: UTF8.self))")
    }
    return String(decoding: data, as: UTF8.self)
  }
}
