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
        // The server sends its CA along (it has ssl_ca_file, for client certificates).
        "PostgreSQL 127.0.0.1:\(server.port)/plumbtest: TLS: the server's certificate is not trusted: "
          + "self-signed certificate in certificate chain", "\(mode)")
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

/// Client certificates, revocation lists and `prefer`'s fallback, on the same kind of cluster:
/// `hostssl … cert` for the role `certified`, `host … trust` (TLS or not) for `trusting`.
final class PostgresClientCertificateTests: XCTestCase {
  nonisolated(unsafe) private static var shared: Result<PostgresServer, any Error>?

  private var server: PostgresServer!
  private var certificates: TestCertificates!

  override func setUpWithError() throws {
    try super.setUpWithError()
    if Self.shared == nil { Self.shared = Result { try PostgresServer(tls: true) } }
    server = try Self.shared!.get()
    certificates = try XCTUnwrap(server.certificates)
  }

  override class func tearDown() {
    if case .success(let server) = shared { server.stop() }
    shared = nil
    super.tearDown()
  }

  /// `certified`'s settings over TLS; no file of ~/.postgresql is read unless named.
  private func certified(cert: String?, key: String? = nil) -> PostgresSettings {
    var settings = server.settings(login: .certificate)
    settings.sslMode = .require
    settings.sslCert = cert ?? "/nonexistent/postgresql.crt"
    settings.sslKey = key
    return settings
  }

  func testAClientCertificateOfTheCALogsInAndNoneIsRefused() throws {
    let connection = try PostgresConnection(
      certified(cert: certificates.clientCertificate, key: certificates.clientKey))
    XCTAssertEqual(try connection.execute("SELECT current_user"), [["certified"]])
    XCTAssertEqual(
      try connection.execute("SELECT client_dn FROM pg_stat_ssl WHERE pid = pg_backend_pid()"), [["/CN=certified"]])

    XCTAssertEqual(
      thrownMessage { try PostgresConnection(certified(cert: nil)) },
      "PostgreSQL 127.0.0.1:\(server.port)/plumbtest: 28000: FATAL connection requires a valid client certificate")
  }

  func testAClientKeyOthersCanReadOrAMissingKeyIsRefusedAsLibpqDoes() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let open = folder.path(of: "open.key")
    try FileManager.default.copyItem(atPath: certificates.clientKey, toPath: open)
    chmod(open, 0o644)
    XCTAssertEqual(
      thrownMessage { try PostgresConnection(certified(cert: certificates.clientCertificate, key: open)) },
      "PostgreSQL 127.0.0.1:\(server.port)/plumbtest: private key file \"\(open)\" has group or world access; "
        + "file must have permissions u=rw (0600) or less if owned by the current user, or permissions u=rw,g=r "
        + "(0640) or less if owned by root")
    let missing = folder.path(of: "missing.key")
    XCTAssertEqual(
      thrownMessage { try PostgresConnection(certified(cert: certificates.clientCertificate, key: missing)) },
      "PostgreSQL 127.0.0.1:\(server.port)/plumbtest: certificate present, but not private key file \"\(missing)\"")
  }

  func testARevocationListThatRevokesTheServersCertificateRefusesIt() throws {
    var settings = server.settings()
    settings.sslMode = .verifyCA
    settings.sslRootCert = certificates.authority
    settings.sslCRL = certificates.emptyRevocationList
    XCTAssertEqual(try PostgresConnection(settings).execute("SELECT 1"), [["1"]], "nothing revoked yet")

    settings.sslCRL = certificates.serverRevokedList
    XCTAssertEqual(
      thrownMessage { try PostgresConnection(settings) },
      "PostgreSQL 127.0.0.1:\(server.port)/plumbtest: TLS: the server's certificate is not trusted: "
        + "certificate revoked")
  }

  func testPreferFallsBackToPlaintextAfterAFailedHandshakeAsLibpqDoes() throws {
    // trusting may log in with or without TLS; an untrusted certificate fails prefer's handshake.
    var settings = server.settings(login: .trust)
    settings.sslMode = .prefer
    settings.sslRootCert = certificates.unrelatedAuthority
    let connection = try PostgresConnection(settings)
    XCTAssertEqual(
      try connection.execute("SELECT ssl FROM pg_stat_ssl WHERE pid = pg_backend_pid()"), [["f"]],
      "the second connection went in plaintext")

    // plumb may log in over TLS only: both reasons are told.
    var tlsOnly = server.settings()
    tlsOnly.sslMode = .prefer
    tlsOnly.sslRootCert = certificates.unrelatedAuthority
    XCTAssertEqual(
      thrownMessage { try PostgresConnection(tlsOnly) },
      "PostgreSQL 127.0.0.1:\(server.port)/plumbtest: TLS: the server's certificate is not trusted: self-signed "
        + "certificate in certificate chain; then without TLS: 28000: FATAL no pg_hba.conf entry for host \"127.0.0.1\", "
        + "user \"plumb\", database \"plumbtest\", no encryption")
    // require does not fall back.
    tlsOnly.sslMode = .require
    XCTAssertNotNil(thrownMessage { try PostgresConnection(tlsOnly) })
  }
}
