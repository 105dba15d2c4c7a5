import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbBuild
@testable import PlumbCommandLine
@testable import PlumbCore
@testable import PlumbPostgres
@testable import PlumbWorkers

/// The PostgreSQL client, target and CopyToTable against a real throw-away cluster, one for the
/// whole class (initdb and start take about 2 s).
final class PostgresTests: XCTestCase {
  nonisolated(unsafe) private static var shared: Result<PostgresServer, any Error>?

  private var server: PostgresServer!

  override func setUpWithError() throws {
    try super.setUpWithError()
    if Self.shared == nil { Self.shared = Result { try PostgresServer(md5AndPasswordLogins: true) } }
    server = try Self.shared!.get()
  }

  override class func tearDown() {
    if case .success(let server) = shared { server.stop() }
    shared = nil
    super.tearDown()
  }

  private func connect(user: String = "plumb", password: String? = nil) throws -> PostgresConnection {
    var settings = server.settings()
    settings.user = user
    if user == "plumb" { settings.password = password ?? server.password } else { settings.password = password }
    return try PostgresConnection(settings)
  }

  /// A fresh table name for one test.
  private func tableName() -> String { "t_" + UUID().uuidString.prefix(8).lowercased() }

  // MARK: - The client

  func testSCRAMAndTrustLoginsAndAWrongPassword() throws {
    let scram = try connect()
    XCTAssertEqual(try scram.execute("SELECT current_user"), [["plumb"]])
    let trusted = try connect(user: "trusting")
    XCTAssertEqual(try trusted.execute("SELECT current_user"), [["trusting"]])
    XCTAssertThrowsError(try connect(password: "wrong")) { error in
      XCTAssertEqual(
        "\(error)",
        "PostgreSQL 127.0.0.1:\(server.port)/plumbtest: 28P01: FATAL password authentication failed for user \"plumb\"")
    }
    var noPassword = server.settings()
    noPassword.password = nil
    XCTAssertThrowsError(try PostgresConnection(noPassword)) { error in
      XCTAssertTrue("\(error)".contains("asks for a password (SCRAM-SHA-256)"), "\(error)")
    }
  }

  /// The older password methods on the real server: `md5` in pg_hba.conf with a password stored
  /// as an MD5 hash, and `password` (cleartext). What the server asked for shows in the message
  /// of a login without a password.
  func testMD5AndCleartextLoginsAndTheirWrongPasswords() throws {
    let administrator = try connect()
    XCTAssertEqual(
      try administrator.query("SELECT left(rolpassword, 3) FROM pg_authid WHERE rolname = $1", ["md5_login"]),
      [["md5"]], "an MD5 hash, so that the server asks for MD5 rather than SCRAM")
    for (login, method) in [(PostgresServer.Login.md5, "MD5"), (.cleartext, "password")] {
      let connection = try PostgresConnection(server.settings(login: login))
      XCTAssertEqual(try connection.execute("SELECT current_user"), [[login.user]])
      XCTAssertEqual(try connection.query("SELECT $1::int + 1", ["41"]), [["42"]])
      connection.close()

      var wrong = server.settings(login: login)
      wrong.password = "wrong"
      XCTAssertEqual(
        thrownMessage { try PostgresConnection(wrong) },
        "PostgreSQL 127.0.0.1:\(server.port)/plumbtest: 28P01: FATAL password authentication failed for user "
          + "\"\(login.user)\"")
      var none = server.settings(login: login)
      none.password = nil
      XCTAssertEqual(
        thrownMessage { try PostgresConnection(none) },
        "PostgreSQL 127.0.0.1:\(server.port)/plumbtest: the server asks for a password (\(method)) for user "
          + "\(login.user): set [postgres] password or PGPASSWORD")
    }
  }

  func testQueriesWithParametersNullsAndUnicode() throws {
    let connection = try connect()
    let table = tableName()
    try connection.execute("CREATE TABLE \(table) (id INT, name TEXT)")
    try connection.query("INSERT INTO \(table) VALUES ($1, $2), ($3, $4)", ["1", "caf\u{e9} 'quoted'\n", "2", nil])
    XCTAssertEqual(
      try connection.query("SELECT id, name FROM \(table) ORDER BY id"), [["1", "caf\u{e9} 'quoted'\n"], ["2", nil]])
    XCTAssertEqual(try connection.query("SELECT name FROM \(table) WHERE id = $1", ["3"]), [])
    XCTAssertThrowsError(try connection.query("SELECT * FROM no_such_table")) { error in
      XCTAssertEqual((error as? PostgresError)?.code, PostgresError.undefinedTable)
      XCTAssertEqual(
        "\(error)",
        "PostgreSQL 127.0.0.1:\(server.port)/plumbtest: 42P01: ERROR relation \"no_such_table\" does not exist")
    }
    XCTAssertEqual(try connection.execute("SELECT 1"), [["1"]], "the connection is usable after an error")
  }

  func testCopyAndTransactionsCommitOrRollBackTogether() throws {
    let connection = try connect()
    let table = tableName()
    try connection.execute("CREATE TABLE \(table) (id INT, name TEXT)")
    let rows: [[String?]] = [["1", "tab\there"], ["2", "back\\slash\r\nline"], ["3", nil]]
    XCTAssertEqual(
      try connection.transaction { try connection.copy(into: table, columns: ["id", "name"], rows: rows) }, 3)
    XCTAssertEqual(try connection.query("SELECT id, name FROM \(table) ORDER BY id"), rows)

    struct Broken: Error {}
    XCTAssertThrowsError(
      try connection.transaction {
        try connection.copy(into: table, columns: ["id", "name"], rows: [["4", "four"]])
        throw Broken()
      })
    XCTAssertThrowsError(
      try connection.transaction {
        try connection.copy(into: table, columns: ["id", "name"], rows: [["5", "five"], ["not a number", "x"]])
      }
    ) { error in XCTAssertEqual((error as? PostgresError)?.code, "22P02") }
    XCTAssertEqual(try connection.query("SELECT count(*) FROM \(table)"), [["3"]], "both failures left nothing")
  }

  func testARowThatBreaksAConstraintEarlyStopsALargeCopyAtOnce() throws {
    let connection = try connect()
    let table = tableName()
    try connection.execute("CREATE TABLE \(table) (id INT PRIMARY KEY, name TEXT)")
    // Row 2 repeats row 1's key; 2,000,000 rows (about 40 MB) would follow.
    let total = 2_000_000
    var produced = 0
    let rows = (0..<total).lazy.map { index -> [String?] in
      produced += 1
      return [String(index == 1 ? 0 : index), "part"]
    }
    XCTAssertThrowsError(
      try connection.transaction { try connection.copy(into: table, columns: ["id", "name"], rows: rows) }
    ) { error in XCTAssertEqual((error as? PostgresError)?.code, PostgresError.uniqueViolation, "\(error)") }
    XCTAssertLessThan(produced, total / 4, "the sending stopped soon after the server's error")
    XCTAssertEqual(try connection.query("SELECT count(*) FROM \(table)"), [["0"]])
    XCTAssertEqual(try connection.execute("SELECT 1"), [["1"]], "the connection is usable after the error")
  }

  func testARefusedConnectionAndASilentServerAreOneLineErrors() throws {
    let port = try LoopbackPort.unused()
    XCTAssertThrowsError(
      try PostgresConnection(PostgresSettings(host: "127.0.0.1", port: port, database: "d", user: "u"))
    ) { error in
      XCTAssertEqual("\(error)", "PostgreSQL 127.0.0.1:\(port)/d: connection refused")
    }
    // A server that accepts and never answers.
    let silent = try LoopbackHTTPServer(routes: [:])
    silent.setResponse(.noAnswer, for: "/")
    let started = Date()
    XCTAssertThrowsError(
      try PostgresConnection(
        PostgresSettings(host: "127.0.0.1", port: silent.port, database: "d", user: "u", timeout: 1))
    ) { error in
      XCTAssertEqual("\(error)", "PostgreSQL 127.0.0.1:\(silent.port)/d: no answer within 1 s")
    }
    XCTAssertLessThan(Date().timeIntervalSince(started), 5)
    silent.stop()
  }

  func testSettingsFromTheConfigurationAndTheEnvironment() throws {
    let configured = try PostgresSettings(
      configuration: Configuration(
        text: "[postgres]\nhost = db\nport = 6543\ndatabase = w\nuser = u\npassword = p\nmarker-table = marks\n"),
      environment: ["PGHOST": "ignored"])
    XCTAssertEqual(
      configured,
      PostgresSettings(host: "db", port: 6543, database: "w", user: "u", password: "p", markerTable: "marks"))
    let fromEnvironment = try PostgresSettings(
      configuration: Configuration(),
      environment: ["PGHOST": "h", "PGPORT": "5433", "PGDATABASE": "db", "PGUSER": "me", "PGPASSWORD": "pw"])
    XCTAssertEqual(fromEnvironment, PostgresSettings(host: "h", port: 5433, database: "db", user: "me", password: "pw"))
    XCTAssertEqual(fromEnvironment.description, "h:5433/db")
    XCTAssertThrowsError(
      try PostgresSettings(configuration: Configuration(text: "[postgres]\nport = x\n"), environment: [:]))
  }

  func testSSLModeAndRootCertFromTheConfigurationOrTheEnvironment() throws {
    let configured = try PostgresSettings(
      configuration: Configuration(text: "[postgres]\nsslmode = verify-full\nsslrootcert = /etc/ca.pem\n"),
      environment: ["PGSSLMODE": "disable", "PGSSLROOTCERT": "/ignored"])
    XCTAssertEqual(configured.sslMode, .verifyFull)
    XCTAssertEqual(configured.sslRootCert, "/etc/ca.pem")
    let fromEnvironment = try PostgresSettings(
      configuration: Configuration(), environment: ["PGSSLMODE": "verify-ca", "PGSSLROOTCERT": "/ca.pem"])
    XCTAssertEqual(fromEnvironment.sslMode, .verifyCA)
    XCTAssertEqual(fromEnvironment.sslRootCert, "/ca.pem")
    let unset = try PostgresSettings(configuration: Configuration(), environment: [:])
    XCTAssertEqual(unset.sslMode, .prefer, "libpq's default")
    XCTAssertNil(unset.sslRootCert)

    XCTAssertEqual(
      thrownMessage {
        try PostgresSettings(
          configuration: Configuration(text: "[postgres]\nsslmode = verify_full\n"), environment: [:])
      },
      "bad config file config: [postgres] sslmode must be one of disable, allow, prefer, require, verify-ca, "
        + "verify-full, not 'verify_full'")
    XCTAssertEqual(
      thrownMessage {
        try PostgresSettings(
          configuration: Configuration(), environment: ["PGHOST": "db", "PGUSER": "u", "PGSSLMODE": "Require"])
      },
      "PostgreSQL db:5432/u: PGSSLMODE must be one of disable, allow, prefer, require, verify-ca, verify-full, "
        + "not 'Require'")
  }

  /// A server without TLS (the cluster's default) is refused when TLS is required, before the
  /// password or a row is sent: psycopg2's wording, a failed run, nothing written.
  func testATLSRequestIsRefusedByAServerWithoutTLSAndNothingIsWritten() throws {
    for mode in [PostgresSSLMode.require, .verifyCA, .verifyFull] {
      var settings = server.settings()
      settings.sslMode = mode
      XCTAssertEqual(
        thrownMessage { try PostgresConnection(settings) },
        "PostgreSQL 127.0.0.1:\(server.port)/plumbtest: server does not support SSL, but SSL was required", "\(mode)")
    }

    let connection = try connect()
    try connection.execute("CREATE TABLE IF NOT EXISTS parts (batch TEXT, id INT, name TEXT)")
    let folder = try TemporaryFolder(removedAfter: self)
    let command = PipelineCommand(name: "loads", tasks: [LoadParts.self])
    func run(_ task: LoadParts) -> (code: Int32, errors: [String]) {
      var errors: [String] = []
      let code = command.run(
        arguments: ["LoadParts", "--batch", task.batch, "--size", "5", "--no-lock"], workingDirectory: folder.path,
        standardOutput: { _ in }, standardError: { errors.append($0) })
      return (code, errors)
    }
    let refusal = "server does not support SSL, but SSL was required"
    try folder.write(server.configuration + "sslmode = verify-full\n", to: "plumb.cfg")
    let byFile = LoadParts(batch: "tls\(UUID().uuidString.prefix(6))", size: 5)
    let fileRun = run(byFile)
    XCTAssertNotEqual(fileRun.code, 0)
    XCTAssertTrue(fileRun.errors.contains { $0.contains(refusal) }, "\(fileRun.errors)")

    try folder.write(server.configuration, to: "plumb.cfg")
    setenv("PGSSLMODE", "require", 1)
    defer { unsetenv("PGSSLMODE") }
    let byEnvironment = LoadParts(batch: "tls\(UUID().uuidString.prefix(6))", size: 5)
    let environmentRun = run(byEnvironment)
    XCTAssertNotEqual(environmentRun.code, 0)
    XCTAssertTrue(environmentRun.errors.contains { $0.contains(refusal) }, "\(environmentRun.errors)")
    unsetenv("PGSSLMODE")

    for task in [byFile, byEnvironment] {
      XCTAssertEqual(try connection.query("SELECT count(*) FROM parts WHERE batch = $1", [task.batch]), [["0"]])
      XCTAssertFalse(
        try PostgresTarget(table: "parts", updateID: TaskInfo(task).id, settings: server.settings()).exists())
    }
    // The same command without TLS writes: the refusals above were the TLS setting's doing.
    let plain = run(byEnvironment)
    XCTAssertEqual(plain.code, 0, "\(plain.errors)")
    XCTAssertEqual(try connection.query("SELECT count(*) FROM parts WHERE batch = $1", [byEnvironment.batch]), [["5"]])
  }

  // MARK: - The target and CopyToTable

  func testCopyToTableWritesRowsAndMarkerTogether() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write(server.configuration, to: "plumb.cfg")
    let task = LoadParts(batch: "b\(UUID().uuidString.prefix(6))", size: 250)
    var options = folder.options(readingConfigFiles: true)
    options.workers = 1
    let first = try build([task], options: options)
    XCTAssertEqual(first.exitCode, 0, first.summary)
    let connection = try connect()
    XCTAssertEqual(try connection.query("SELECT count(*) FROM parts WHERE batch = $1", [task.batch]), [["250"]])
    XCTAssertEqual(
      try connection.query("SELECT target_table FROM table_updates WHERE update_id = $1", [TaskInfo(task).id]),
      [["parts"]])
    let second = try build([task], options: options)
    XCTAssertTrue(second.summary.contains("1 complete ones were encountered"), second.summary)

    // A task whose rows fail half-way leaves neither rows nor marker.
    let broken = LoadParts(batch: "broken\(UUID().uuidString.prefix(6))", size: 100, failAt: 60)
    let failed = try build([broken], options: options)
    XCTAssertNotEqual(failed.exitCode, 0)
    XCTAssertEqual(try connection.query("SELECT count(*) FROM parts WHERE batch = $1", [broken.batch]), [["0"]])
    XCTAssertFalse(
      try PostgresTarget(table: "parts", updateID: TaskInfo(broken).id, settings: server.settings()).exists())
  }

  func testTheTargetOfAMissingMarkerTableIsNotComplete() throws {
    var settings = server.settings()
    settings.markerTable = "markers_" + UUID().uuidString.prefix(6).lowercased()
    let target = PostgresTarget(table: "parts", updateID: "Some_id", settings: settings)
    XCTAssertFalse(try target.exists())
    let connection = try PostgresConnection(settings)
    try connection.transaction { try target.touch(in: connection) }
    XCTAssertTrue(try target.exists())
    XCTAssertThrowsError(try target.touch(in: connection)) { error in
      XCTAssertEqual(
        (error as? PostgresError)?.code, PostgresError.uniqueViolation, "a second touch fails, as in Luigi")
    }
  }

  /// Luigi's own CopyToTable (luigi 3.8.1, psycopg2) and Plumb's, with the same family and
  /// parameters, see each other's markers.
  func testLuigiAndPlumbSeeEachOthersMarkers() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write(server.configuration, to: "plumb.cfg")
    let batch = "x\(UUID().uuidString.prefix(6))"
    // Plumb writes, Luigi sees it complete.
    let plumbTask = LoadParts(batch: batch, size: 30)
    XCTAssertEqual(try build([plumbTask], options: folder.options(readingConfigFiles: true)).exitCode, 0)
    XCTAssertEqual(try runLuigi("complete", batch: batch, size: 30), "complete True \(TaskInfo(plumbTask).id)")
    // Luigi writes, Plumb sees it complete and runs nothing.
    XCTAssertEqual(try runLuigi("run", batch: batch, size: 40), "ran True")
    let luigiTask = LoadParts(batch: batch, size: 40)
    XCTAssertTrue(
      try PostgresTarget(table: "parts", updateID: TaskInfo(luigiTask).id, settings: server.settings()).exists())
    let connection = try connect()
    XCTAssertEqual(try connection.query("SELECT count(*) FROM parts WHERE batch = $1", [batch]), [["70"]])
    let again = try build([luigiTask], options: folder.options(readingConfigFiles: true))
    XCTAssertTrue(again.summary.contains("1 complete ones were encountered"), again.summary)
  }

  private func runLuigi(_ mode: String, batch: String, size: Int) throws -> String {
    let python = LuigidServer.python
    struct NotInstalled: Error, CustomStringConvertible {
      var description: String {
        "Luigi with psycopg2 is not installed in \(LuigidServer.venv): run `make postgres` in the package folder "
          + "(make test does it)"
      }
    }
    guard FileManager.default.isExecutableFile(atPath: python) else { throw NotInstalled() }
    let script = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/postgres/luigi_copy.py").path
    let process = Process()
    process.executableURL = URL(fileURLWithPath: python)
    process.arguments = [script, mode, batch, String(size)]
    var environment = ProcessInfo.processInfo.environment
    environment["PLUMB_PG_PORT"] = String(server.port)
    environment["PLUMB_PG_PASSWORD"] = server.password
    process.environment = environment
    let pipe = Pipe()
    process.standardOutput = pipe
    process.standardError = FileHandle.nullDevice
    try process.run()
    let output = String(decoding: pipe.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    return output.split(separator: "\n").last.map(String.init) ?? "(no output, exit \(process.terminationStatus))"
  }
}

/// Parts of a batch, as Luigi's `LoadParts(CopyToTable)` in Tests/Fixtures/postgres/luigi_copy.py.
struct LoadParts: CopyToTable {
  @Parameter var batch: String = .required
  @Parameter var size: Int = 10
  /// A row number whose production fails, for the test of a broken copy; not significant.
  @Parameter(significant: false) var failAt: Int = -1

  struct RowsFailed: Error {}

  var table: String { "parts" }
  var columns: [(name: String, type: String)] { [("batch", "TEXT"), ("id", "INT"), ("name", "TEXT")] }

  func rows() throws -> some Sequence<[String?]> {
    let failAt = failAt
    let batch = batch
    return (0..<size).lazy.map { index -> [String?] in
      if index == failAt { return [batch, "not a number", nil] }
      return [batch, String(index), "part \(index)"]
    }
  }
}
