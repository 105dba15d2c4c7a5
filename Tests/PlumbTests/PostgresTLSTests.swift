import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbCommandLine
@testable import PlumbCore
@testable import PlumbPostgres
@testable import PlumbWorkers

/// The client's TLS against a real throw-away cluster with `ssl = on` that takes TCP logins over
/// TLS only (`hostssl`), so a login that works went through TLS; its certificate names
/// 127.0.0.1 and no host name. A server without TLS is PostgresTests'.
final class PostgresTLSTests: XCTestCase {
  nonisolated(unsafe) private static var shared: Result<PostgresServer, any Error>?

  private var server: PostgresServer!

  override func setUpWithError() throws {
    try super.setUpWithError()
    if Self.shared == nil { Self.shared = Result { try PostgresServer(tls: true) } }
    server = try Self.shared!.get()
  }

  override class func tearDown() {
    if case .success(let server) = shared { server.stop() }
    shared = nil
    super.tearDown()
  }

  private func settings(
    _ mode: PostgresSSLMode, host: String = "127.0.0.1", rootCert: String? = nil
  ) -> PostgresSettings {
    var settings = server.settings()
    settings.host = host
    settings.sslMode = mode
    settings.sslRootCert = rootCert
    return settings
  }

  /// Whether the server sees this connection's session as encrypted.
  private func isEncrypted(_ connection: PostgresConnection) throws -> Bool {
    try connection.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()") == [["t"]]
  }

  func testRequireEncryptsAndACopyToTableRunWritesItsRowsOverTLS() throws {
    let connection = try PostgresConnection(settings(.require))
    XCTAssertTrue(try isEncrypted(connection))
    try connection.execute("CREATE TABLE IF NOT EXISTS parts (batch TEXT, id INT, name TEXT)")
    XCTAssertEqual(
      try connection.execute("SELECT version FROM pg_stat_ssl WHERE pid = pg_backend_pid()").first?.first??
        .hasPrefix("TLSv1."),
      true)

    // Through the command line, with the mode in the config file; hostssl makes TLS the only way in.
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write(server.configuration + "sslmode = require\n", to: "plumb.cfg")
    let task = LoadParts(batch: "tls\(UUID().uuidString.prefix(6))", size: 2_000)
    var errors: [String] = []
    let code = PipelineCommand(name: "loads", tasks: [LoadParts.self]).run(
      arguments: ["LoadParts", "--batch", task.batch, "--size", "2000", "--no-lock"], workingDirectory: folder.path,
      standardOutput: { _ in }, standardError: { errors.append($0) })
    XCTAssertEqual(code, 0, "\(errors)")
    XCTAssertEqual(try connection.query("SELECT count(*) FROM parts WHERE batch = $1", [task.batch]), [["2000"]])
    XCTAssertTrue(
      try PostgresTarget(table: "parts", updateID: TaskInfo(task).id, settings: settings(.require)).exists())
  }

  func testPreferAndAllowUseTLSWhenTheServerWantsItAndDisableIsRefused() throws {
    XCTAssertTrue(try isEncrypted(PostgresConnection(settings(.prefer))), "prefer asks for TLS first")
    XCTAssertTrue(try isEncrypted(PostgresConnection(settings(.allow))), "allow retries with TLS")
    XCTAssertEqual(
      thrownMessage { try PostgresConnection(settings(.disable)) },
      "PostgreSQL 127.0.0.1:\(server.port)/plumbtest: 28000: FATAL no pg_hba.conf entry for host \"127.0.0.1\", "
        + "user \"plumb\", database \"plumbtest\", no encryption")
  }

  func testVerifyFullAcceptsTheRightAuthorityAndHostAndRefusesAnotherHostName() throws {
    let authority = try XCTUnwrap(server.certificateAuthority)
    let verified = try PostgresConnection(settings(.verifyFull, rootCert: authority))
    XCTAssertTrue(try isEncrypted(verified))
    XCTAssertEqual(try verified.execute("SELECT current_user"), [["plumb"]])

    // localhost is the same server, but its certificate names only 127.0.0.1.
    XCTAssertEqual(
      thrownMessage { try PostgresConnection(settings(.verifyFull, host: "localhost", rootCert: authority)) },
      "PostgreSQL localhost:\(server.port)/plumbtest: TLS: the server's certificate is not for host localhost")
    // verify-ca checks the authority only, so the same host name is fine there.
    XCTAssertTrue(try isEncrypted(PostgresConnection(settings(.verifyCA, host: "localhost", rootCert: authority))))
  }

  func testVerifyCAAndVerifyFullRefuseAnotherAuthorityAndAMissingFile() throws {
    let unrelated = try XCTUnwrap(server.unrelatedCertificateAuthority)
    for mode in [PostgresSSLMode.verifyCA, .verifyFull] {
      XCTAssertEqual(
        thrownMessage { try PostgresConnection(settings(mode, rootCert: unrelated)) },
        "PostgreSQL 127.0.0.1:\(server.port)/plumbtest: TLS: the server's certificate is not trusted: "
          + "unable to get local issuer certificate", "\(mode)")
    }
    // require does not verify, unless it is given a root certificate file, as in libpq.
    XCTAssertTrue(try isEncrypted(PostgresConnection(settings(.require))))
    XCTAssertNotNil(thrownMessage { try PostgresConnection(settings(.require, rootCert: unrelated)) })

    let missing = "/nonexistent/plumb-ca.crt"
    XCTAssertEqual(
      thrownMessage { try PostgresConnection(settings(.verifyFull, rootCert: missing)) },
      "PostgreSQL 127.0.0.1:\(server.port)/plumbtest: root certificate file \"\(missing)\" does not exist: "
        + "set [postgres] sslrootcert or PGSSLROOTCERT, use sslrootcert=system for the system's authorities, "
        + "or sslmode=require")
  }

  func testATimeoutAndATerminatedSessionOverTLSAreOneLineErrors() throws {
    var impatient = settings(.require)
    impatient.timeout = 1
    let slow = try PostgresConnection(impatient)
    let started = Date()
    XCTAssertEqual(
      thrownMessage { try slow.execute("SELECT pg_sleep(5)") },
      "PostgreSQL 127.0.0.1:\(server.port)/plumbtest: no answer within 1 s")
    XCTAssertLessThan(Date().timeIntervalSince(started), 4)

    let connection = try PostgresConnection(settings(.require))
    let pid = try XCTUnwrap(connection.execute("SELECT pg_backend_pid()").first?.first ?? nil)
    try PostgresConnection(settings(.require)).execute("SELECT pg_terminate_backend(\(pid))")
    // The server's goodbye may be lost to the reset that our query meets; either way one line.
    let lost = try XCTUnwrap(thrownMessage { try connection.execute("SELECT 1") })
    XCTAssertTrue(lost.hasPrefix("PostgreSQL 127.0.0.1:\(server.port)/plumbtest: "), lost)
    XCTAssertFalse(lost.contains("\n"), lost)
    XCTAssertEqual(
      thrownMessage { try connection.execute("SELECT 1") },
      "PostgreSQL 127.0.0.1:\(server.port)/plumbtest: the connection is closed")
  }
}
