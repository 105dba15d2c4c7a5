import Plumb
import XCTest

@testable import PlumbCore
@testable import PlumbPostgres

/// The PostgreSQL protocol without a server: bytes as a server sends them go into
/// ``PostgresStateMachine`` and the actions that come out are compared. Expected hashes and
/// proofs were computed apart from Plumb (Python's hashlib and hmac).
final class PostgresStateMachineTests: XCTestCase {
  private typealias Action = PostgresStateMachine.Action

  private let settings = PostgresSettings(
    host: "127.0.0.1", port: 5432, database: "plumbtest", user: "plumb", password: "pencil")
  private let startup = PostgresFrontendMessage.startup(user: "plumb", database: "plumbtest")

  private func error(_ code: String?, _ message: String) -> PostgresError {
    PostgresError(server: "127.0.0.1:5432/plumbtest", code: code, message: message)
  }

  /// A machine whose start-up message was sent, in plaintext.
  private func startedMachine(_ settings: PostgresSettings? = nil, nonce: String? = nil) -> PostgresStateMachine {
    var machine = PostgresStateMachine(settings: settings ?? self.settings, clientNonce: nonce)
    XCTAssertEqual(machine.start(encryption: .never), .send([startup]))
    XCTAssertEqual(machine.nextAction(), .read)
    return machine
  }

  /// A machine logged in and waiting for a query.
  private func readyMachine() -> PostgresStateMachine {
    var machine = startedMachine()
    XCTAssertEqual(feed(&machine, Wire.authentication(0) + Wire.ready()), .loggedIn)
    return machine
  }

  /// Gives the machine `bytes` and returns its next action.
  private func feed(_ machine: inout PostgresStateMachine, _ bytes: [UInt8]) -> Action {
    machine.received(bytes)
    return machine.nextAction()
  }

  // MARK: - Start-up and TLS

  func testATrustLoginSkipsParametersAndTheKeyAndEndsAtReadyForQuery() {
    var machine = startedMachine()
    XCTAssertEqual(feed(&machine, Wire.authentication(0)), .read, "ReadyForQuery is still to come")
    let session =
      Wire.parameterStatus("server_version", "15.10") + Wire.message("K", Wire.int32(4242) + Wire.int32(7))
      + Wire.notice("WARNING", "mind the gap") + Wire.ready("I")
    XCTAssertEqual(feed(&machine, session), .loggedIn)
    XCTAssertEqual(machine.state, .ready)
    XCTAssertEqual(machine.transactionState, UInt8(ascii: "I"))
  }

  func testTheStartupMessageAndTheSSLRequestOnTheWire() {
    XCTAssertEqual(
      PostgresFrontendMessage.encode([startup]),
      Wire.int32(60) + Wire.int32(196_608) + Array("user\0plumb\0database\0plumbtest\0client_encoding\0UTF8\0\0".utf8))
    XCTAssertEqual(PostgresFrontendMessage.encode([.sslRequest]), [0, 0, 0, 8, 0x04, 0xd2, 0x16, 0x2f])
    XCTAssertEqual(PostgresFrontendMessage.encode([.query("SELECT 1")]), Wire.message("Q", Array("SELECT 1\0".utf8)))
    XCTAssertEqual(
      PostgresFrontendMessage.encode([.bind(["é", nil])]),
      Wire.message(
        "B", [0, 0, 0, 0, 0, 2] + Wire.int32(2) + Array("é".utf8) + Wire.int32(-1) + [0, 0]))
    XCTAssertEqual(PostgresFrontendMessage.encode([.terminate]), [UInt8(ascii: "X"), 0, 0, 0, 4])
  }

  func testTheServerAgreeingToTLSStartsTheHandshakeAndThenTheStartup() {
    for encryption in [PostgresStateMachine.Encryption.ifOffered, .always] {
      var machine = PostgresStateMachine(settings: settings)
      XCTAssertEqual(machine.start(encryption: encryption), .send([.sslRequest]))
      XCTAssertEqual(machine.nextAction(), .read)
      XCTAssertEqual(feed(&machine, Array("S".utf8)), .startTLS)
      XCTAssertEqual(machine.tlsEstablished(), .send([startup]))
      XCTAssertEqual(machine.nextAction(), .read)
    }
  }

  func testTheServerDecliningTLSGoesOnInPlaintextUnlessTLSIsRequired() {
    var preferring = PostgresStateMachine(settings: settings)
    _ = preferring.start(encryption: .ifOffered)
    XCTAssertEqual(feed(&preferring, Array("N".utf8)), .send([startup]))

    var requiring = PostgresStateMachine(settings: settings)
    _ = requiring.start(encryption: .always)
    XCTAssertEqual(
      feed(&requiring, Array("N".utf8)),
      .closeConnection(error(nil, "server does not support SSL, but SSL was required")))
    XCTAssertTrue(requiring.isClosed)
  }

  func testPlaintextAfterTheTLSYesIsRefused() {
    // CVE-2021-23222: bytes after the 'S' came unencrypted and could be a listener's.
    var machine = PostgresStateMachine(settings: settings)
    _ = machine.start(encryption: .always)
    XCTAssertEqual(
      feed(&machine, Array("S".utf8) + Wire.authentication(0)),
      .closeConnection(error(nil, "the server sent unencrypted data after agreeing to TLS")))
  }

  func testAnErrorOrAnythingElseAnsweringTheSSLRequestClosesTheConnection() {
    var refusing = PostgresStateMachine(settings: settings)
    _ = refusing.start(encryption: .ifOffered)
    let answer = Wire.error("FATAL", "53300", "sorry, too many clients already")
    XCTAssertEqual(feed(&refusing, Array(answer.prefix(3))), .read, "half an ErrorResponse waits for the rest")
    XCTAssertEqual(
      feed(&refusing, Array(answer.dropFirst(3))),
      .closeConnection(error("53300", "FATAL sorry, too many clients already")))

    var confused = PostgresStateMachine(settings: settings)
    _ = confused.start(encryption: .ifOffered)
    XCTAssertEqual(
      feed(&confused, Array("HTTP/1.1 400".utf8)),
      .closeConnection(error(nil, "the server answered the request for TLS with neither yes nor no")))
  }

  // MARK: - Authentication

  func testCleartextPasswordLogin() {
    var machine = startedMachine()
    XCTAssertEqual(feed(&machine, Wire.authentication(3)), .send([.password("pencil")]))
    XCTAssertEqual(
      PostgresFrontendMessage.encode([.password("pencil")]), Wire.message("p", Array("pencil\0".utf8)))
    XCTAssertEqual(machine.nextAction(), .read)
    XCTAssertEqual(feed(&machine, Wire.authentication(0) + Wire.ready()), .loggedIn)
  }

  func testMD5PasswordLogin() {
    var alice = settings
    alice.user = "alice"
    alice.password = "secret"
    var machine = PostgresStateMachine(settings: alice)
    _ = machine.start(encryption: .never)
    // md5(md5("secret" + "alice") + salt), computed with Python's hashlib.
    XCTAssertEqual(
      feed(&machine, Wire.authentication(5, [1, 2, 3, 4])), .send([.password("md598a0412b9c31436fc53776e863350083")]))
    XCTAssertEqual(feed(&machine, Wire.authentication(0) + Wire.ready()), .loggedIn)
  }

  func testAPasswordMethodWithoutAPasswordSaysWhereToSetOne() {
    var noPassword = settings
    noPassword.password = nil
    for (code, method) in [(Int32(3), "password"), (5, "MD5"), (10, "SCRAM-SHA-256")] {
      var machine = startedMachine(noPassword)
      let request =
        code == 10 ? Wire.authentication(10, Array("SCRAM-SHA-256\0\0".utf8)) : Wire.authentication(code, [1, 2, 3, 4])
      XCTAssertEqual(
        feed(&machine, request),
        .closeConnection(
          error(
            nil,
            "the server asks for a password (\(method)) for user plumb: set [postgres] password or PGPASSWORD")))
    }
  }

  /// RFC 7677's exchange with PostgreSQL's empty user name (the user is in the start-up message).
  func testSCRAMLoginSendsTheProofAndChecksTheServersSignature() {
    var machine = startedMachine(nonce: "rOprNGfwEbeRWgbNEkqO")
    XCTAssertEqual(
      feed(&machine, Wire.authentication(10, Array("SCRAM-SHA-256-PLUS\0SCRAM-SHA-256\0\0".utf8))),
      .send([.saslInitialResponse(mechanism: "SCRAM-SHA-256", response: Array("n,,n=,r=rOprNGfwEbeRWgbNEkqO".utf8))]))
    XCTAssertEqual(
      feed(&machine, Wire.authentication(11, Array(Wire.rfc7677ServerFirst.utf8))),
      .send([
        .saslResponse(
          Array(
            "c=biws,r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,p=qvT2SWdEH5Q06albL+hjSYuUhCG7VndFyzIb7CK4n9k="
              .utf8))
      ]))
    XCTAssertEqual(
      feed(&machine, Wire.authentication(12, Array("v=3HO6Qt1M4MKJrmlKaoOqLAI0/0TV0HZe7J9H3MBtSOg=".utf8))), .read)
    XCTAssertEqual(feed(&machine, Wire.authentication(0) + Wire.ready()), .loggedIn)
  }

  func testSCRAMRefusesAWrongSignatureAServerThatSkipsItAndABadServerFirst() {
    var forger = startedMachine(nonce: "rOprNGfwEbeRWgbNEkqO")
    _ = feed(&forger, Wire.authentication(10, Array("SCRAM-SHA-256\0\0".utf8)))
    _ = feed(&forger, Wire.authentication(11, Array(Wire.rfc7677ServerFirst.utf8)))
    XCTAssertEqual(
      feed(&forger, Wire.authentication(12, Array("v=6rriTRBi23WpRR/wtup+mMhUZUn/dB5nLTJRsjl95G4=".utf8))),
      .closeConnection(error(nil, "the server's SCRAM signature is wrong: it does not know the password")))

    var skipper = startedMachine(nonce: "rOprNGfwEbeRWgbNEkqO")
    _ = feed(&skipper, Wire.authentication(10, Array("SCRAM-SHA-256\0\0".utf8)))
    _ = feed(&skipper, Wire.authentication(11, Array(Wire.rfc7677ServerFirst.utf8)))
    XCTAssertEqual(
      feed(&skipper, Wire.authentication(0)),
      .closeConnection(error(nil, "the server ended SCRAM authentication before proving it knows the password")))

    var stranger = startedMachine(nonce: "rOprNGfwEbeRWgbNEkqO")
    _ = feed(&stranger, Wire.authentication(10, Array("SCRAM-SHA-256\0\0".utf8)))
    XCTAssertEqual(
      feed(&stranger, Wire.authentication(11, Array("r=someoneelse,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096".utf8))),
      .closeConnection(error(nil, "the server's SCRAM message is malformed")), "a nonce that is not ours")

    var plusOnly = startedMachine()
    XCTAssertEqual(
      feed(&plusOnly, Wire.authentication(10, Array("SCRAM-SHA-256-PLUS\0\0".utf8))),
      .closeConnection(error(nil, "the server offers SCRAM-SHA-256-PLUS, not SCRAM-SHA-256")))
  }

  func testAnUnsupportedMethodOrAStepOutOfOrderClosesTheConnection() {
    var gss = startedMachine()
    XCTAssertEqual(
      feed(&gss, Wire.authentication(7)),
      .closeConnection(error(nil, "the server asks for an authentication Plumb does not speak (code 7)")))

    var early = startedMachine()
    XCTAssertEqual(
      feed(&early, Wire.authentication(11, Array("r=x,s=eA==,i=1".utf8))),
      .closeConnection(
        error(nil, "the server sent an unexpected message (AuthenticationSASLContinue) during authentication")))

    var twice = startedMachine()
    _ = feed(&twice, Wire.authentication(3))
    XCTAssertEqual(
      feed(&twice, Wire.authentication(5, [1, 2, 3, 4])),
      .closeConnection(
        error(nil, "the server sent an unexpected message (AuthenticationMD5Password) during authentication")))
  }

  func testThePasswordIsNeverPrintedWithTheState() {
    var machine = startedMachine(nonce: "rOprNGfwEbeRWgbNEkqO")
    _ = feed(&machine, Wire.authentication(10, Array("SCRAM-SHA-256\0\0".utf8)))
    for text in [String(describing: machine.state), String(reflecting: machine.state), "\(machine.state)"] {
      XCTAssertFalse(text.contains("pencil"), text)
      XCTAssertTrue(text.contains("rOprNGfwEbeRWgbNEkqO"), text)
    }
    var dumped = ""
    dump(machine.state, to: &dumped)
    XCTAssertFalse(dumped.contains("pencil"), dumped)
  }

  // MARK: - ErrorResponse at each stage

  func testAnErrorDuringTheLoginOrTheStartupClosesTheConnection() {
    var wrongPassword = startedMachine()
    _ = feed(&wrongPassword, Wire.authentication(5, [9, 9, 9, 9]))
    XCTAssertEqual(
      feed(&wrongPassword, Wire.error("FATAL", "28P01", "password authentication failed for user \"plumb\"")),
      .closeConnection(error("28P01", "FATAL password authentication failed for user \"plumb\"")))
    XCTAssertTrue(wrongPassword.isClosed)

    var noDatabase = startedMachine()
    XCTAssertEqual(
      feed(
        &noDatabase,
        Wire.authentication(0) + Wire.error("FATAL", "3D000", "database \"plumbtest\" does not exist")),
      .closeConnection(error("3D000", "FATAL database \"plumbtest\" does not exist")))

    var refused = startedMachine()
    XCTAssertEqual(
      feed(&refused, Wire.error("FATAL", "28000", "no pg_hba.conf entry")),
      .closeConnection(error("28000", "FATAL no pg_hba.conf entry")))
  }

  func testAnErrorInAQueryFailsItAndTheConnectionTakesTheNext() {
    var machine = readyMachine()
    XCTAssertEqual(machine.query("SELECT * FROM nowhere; SELECT 1"), .send([.query("SELECT * FROM nowhere; SELECT 1")]))
    XCTAssertEqual(
      feed(&machine, Wire.error("ERROR", "42P01", "relation \"nowhere\" does not exist") + Wire.ready()),
      .failed(error("42P01", "ERROR relation \"nowhere\" does not exist")))
    XCTAssertEqual(machine.state, .ready)
    _ = machine.query("SELECT 1")
    XCTAssertEqual(
      feed(&machine, Wire.rowDescription(1) + Wire.dataRow(["1"]) + Wire.command("SELECT 1") + Wire.ready()),
      .finished([["1"]]))
  }

  func testAnErrorStartingOrDuringACopyFailsIt() {
    var noTable = readyMachine()
    _ = noTable.copyIn("COPY nowhere (a) FROM STDIN")
    XCTAssertEqual(
      feed(&noTable, Wire.error("ERROR", "42P01", "relation \"nowhere\" does not exist") + Wire.ready()),
      .failed(error("42P01", "ERROR relation \"nowhere\" does not exist")))

    var badRow = readyMachine()
    _ = badRow.copyIn("COPY parts (id) FROM STDIN")
    XCTAssertEqual(feed(&badRow, Wire.message("G", [0, 0, 1, 0, 0])), .copyReady)
    // The server reports the bad row while rows still come; it drops them and waits for CopyDone.
    badRow.received(Wire.error("ERROR", "22P02", "invalid input syntax for type integer: \"x\"") + Wire.ready("E"))
    XCTAssertEqual(badRow.copyDone(), .send([.copyDone]))
    XCTAssertEqual(badRow.nextAction(), .failed(error("22P02", "ERROR invalid input syntax for type integer: \"x\"")))
    XCTAssertEqual(badRow.transactionState, UInt8(ascii: "E"))
  }

  // MARK: - Queries

  func testASimpleQueryGivesTheRowsOfItsLastResultWithRows() {
    var machine = readyMachine()
    XCTAssertEqual(
      machine.query("SELECT 1; SELECT 'a', NULL; SET x = 1"), .send([.query("SELECT 1; SELECT 'a', NULL; SET x = 1")]))
    XCTAssertEqual(machine.nextAction(), .read)
    let answers =
      Wire.rowDescription(1) + Wire.dataRow(["1"]) + Wire.command("SELECT 1") + Wire.rowDescription(2)
      + Wire.dataRow(["a", nil]) + Wire.dataRow(["é", ""]) + Wire.command("SELECT 2") + Wire.command("SET")
    XCTAssertEqual(feed(&machine, answers), .read, "no ReadyForQuery yet")
    XCTAssertEqual(feed(&machine, Wire.ready("T")), .finished([["a", nil], ["é", ""]]))
    XCTAssertEqual(machine.transactionState, UInt8(ascii: "T"))

    XCTAssertEqual(machine.query(""), .send([.query("")]))
    XCTAssertEqual(feed(&machine, Wire.message("I", []) + Wire.ready()), .finished([]))
  }

  func testAnExtendedQuerySendsParseBindExecuteSync() {
    var machine = readyMachine()
    XCTAssertEqual(
      machine.query("SELECT $1::int + 1", parameters: ["41"]),
      .send([.parse("SELECT $1::int + 1"), .bind(["41"]), .execute, .sync]))
    let answers =
      Wire.message("1", []) + Wire.message("2", []) + Wire.dataRow(["42"]) + Wire.command("SELECT 1") + Wire.ready()
    XCTAssertEqual(feed(&machine, answers), .finished([["42"]]))
  }

  func testAnswersSplitAnywhereGiveTheSameActions() {
    let answers =
      Wire.authentication(0) + Wire.parameterStatus("TimeZone", "UTC") + Wire.ready() + Wire.rowDescription(1)
      + Wire.dataRow(["x"]) + Wire.command("SELECT 1") + Wire.ready()
    var machine = startedMachine()
    var actions: [Action] = []
    for byte in answers {
      let action = feed(&machine, [byte])
      if action != .read { actions.append(action) }
      if action == .loggedIn { actions.append(machine.query("SELECT 'x'")) }
    }
    XCTAssertEqual(actions, [.loggedIn, .send([.query("SELECT 'x'")]), .finished([["x"]])])
  }

  func testALongAnswerReadInSmallPiecesKeepsEveryRow() {
    var machine = readyMachine()
    _ = machine.query("SELECT n, 'row ' || n FROM generate_series(1, 2000) n")
    let rows = (1...2000).map { [String($0), "row \($0)"] as [String?] }
    let answer = Wire.rowDescription(2) + rows.flatMap(Wire.dataRow) + Wire.command("SELECT 2000") + Wire.ready()
    var action = Action.read
    for start in stride(from: 0, to: answer.count, by: 7) {
      XCTAssertEqual(action, .read)
      action = feed(&machine, Array(answer[start..<min(start + 7, answer.count)]))
    }
    XCTAssertEqual(action, .finished(rows))
  }

  // MARK: - COPY

  func testCopyInSendsTheStatementThenTakesRowsThenCopyDone() {
    var machine = readyMachine()
    XCTAssertEqual(machine.copyIn("COPY parts (id) FROM STDIN"), .send([.query("COPY parts (id) FROM STDIN")]))
    XCTAssertFalse(machine.acceptsCopyData, "not before the server's CopyInResponse")
    XCTAssertEqual(machine.nextAction(), .read)
    XCTAssertEqual(feed(&machine, Wire.message("G", [0, 0, 1, 0, 0])), .copyReady)
    XCTAssertTrue(machine.acceptsCopyData)
    XCTAssertEqual(machine.copyDone(), .send([.copyDone]))
    XCTAssertFalse(machine.acceptsCopyData)
    XCTAssertEqual(machine.nextAction(), .read)
    XCTAssertEqual(feed(&machine, Wire.command("COPY 3") + Wire.ready("T")), .finished([]))
  }

  func testCopyFailAbandonsTheCopy() {
    var machine = readyMachine()
    _ = machine.copyIn("COPY parts (id) FROM STDIN")
    _ = feed(&machine, Wire.message("G", [0, 0, 1, 0, 0]))
    XCTAssertEqual(
      machine.copyFail("the rows could not be produced"), .send([.copyFail("the rows could not be produced")]))
    XCTAssertEqual(
      feed(
        &machine,
        Wire.error("ERROR", "57014", "COPY from stdin failed: the rows could not be produced") + Wire.ready("E")),
      .failed(error("57014", "ERROR COPY from stdin failed: the rows could not be produced")))
  }

  func testACopyTheServerDoesNotStartFails() {
    var machine = readyMachine()
    _ = machine.copyIn("COPY parts (id) FROM STDIN")
    XCTAssertEqual(
      feed(&machine, Wire.command("SELECT 0") + Wire.ready()),
      .failed(error(nil, "the server did not start the COPY")))
  }

  func testACopyFromStdinThroughAQueryIsRefusedWithCopyFail() {
    var machine = readyMachine()
    _ = machine.query("COPY parts FROM STDIN")
    XCTAssertEqual(
      feed(&machine, Wire.message("G", [0, 0, 1, 0, 0])),
      .send([.copyFail("use copy(into:columns:rows:) for COPY FROM STDIN")]))
    XCTAssertEqual(
      feed(&machine, Wire.error("ERROR", "57014", "COPY from stdin failed") + Wire.ready()),
      .failed(error("57014", "ERROR COPY from stdin failed")))
  }

  func testCopyRowsAreEscapedAndFramedAsOneCopyDataMessage() {
    let buffer = PostgresCopyBuffer()
    XCTAssertTrue(buffer.isEmpty)
    XCTAssertEqual(Array(buffer.finishedMessage()), [], "no rows, no message")
    buffer.removeAll()
    buffer.append(["1", "tab\there", nil])
    buffer.append(["back\\slash", "CR\r\nLF", ""])
    buffer.append(["café ✓"])
    let text = "1\ttab\\there\t\\N\nback\\\\slash\tCR\\r\\nLF\t\ncafé ✓\n"
    XCTAssertEqual(Array(buffer.finishedMessage()), Wire.message("d", Array(text.utf8)))
    buffer.removeAll()
    let long = String(repeating: "\\", count: PostgresCopyBuffer.flushSize)
    buffer.append([long])
    XCTAssertTrue(buffer.isFull)
    XCTAssertEqual(Array(buffer.finishedMessage()), Wire.message("d", Array((long + long + "\n").utf8)))
  }

  // MARK: - Unexpected messages and misuse

  func testUnexpectedOrMalformedMessagesCloseTheConnection() {
    var rowInLogin = startedMachine()
    XCTAssertEqual(
      feed(&rowInLogin, Wire.dataRow(["1"])),
      .closeConnection(error(nil, "the server sent an unexpected message (DataRow) during authentication")))

    var loginInQuery = readyMachine()
    _ = loginInQuery.query("SELECT 1")
    XCTAssertEqual(
      feed(&loginInQuery, Wire.authentication(0)),
      .closeConnection(error(nil, "the server sent an unexpected message (AuthenticationOk) during a query")))

    var copyBoth = readyMachine()
    _ = copyBoth.query("START_REPLICATION")
    XCTAssertEqual(
      feed(&copyBoth, Wire.message("W", [0, 0, 0])),
      .closeConnection(error(nil, "the server sent an unexpected message (type 'W') during a query")))

    var short = startedMachine()
    XCTAssertEqual(
      feed(&short, Wire.message("R", [0, 0])),
      .closeConnection(error(nil, "the server sent a malformed message")))

    // An HTTP server's answer reads as a message of more than a gigabyte.
    var http = startedMachine()
    XCTAssertEqual(
      feed(&http, Array("HTTP/1.1 400 Bad Request\r\n".utf8)),
      .closeConnection(error(nil, "the server sent a malformed message")))
  }

  func testRequestsAfterTheEndOrOutOfStepAreRefused() {
    var machine = readyMachine()
    XCTAssertEqual(machine.close(), [.terminate])
    XCTAssertEqual(machine.close(), [], "nothing more to say")
    XCTAssertEqual(machine.query("SELECT 1"), .failed(error(nil, "the connection is closed")))
    XCTAssertEqual(machine.copyIn("COPY t FROM STDIN"), .failed(error(nil, "the connection is closed")))

    var starting = startedMachine()
    XCTAssertEqual(
      starting.query("SELECT 1"),
      .closeConnection(error(nil, "a query was asked for during authentication")))

    var idle = readyMachine()
    XCTAssertEqual(
      idle.copyDone(), .closeConnection(error(nil, "CopyDone was asked for while no query ran")))
  }
}

/// Backend messages as a server puts them on the wire, for the tests.
private enum Wire {
  /// RFC 7677's server-first message.
  static let rfc7677ServerFirst =
    "r=rOprNGfwEbeRWgbNEkqO%hvYDpWUa2RaTCAfuxFIlj)hNlF$k0,s=W22ZaJ0SNY7soEsUEjb6gQ==,i=4096"

  static func int32(_ value: Int32) -> [UInt8] {
    var bytes: [UInt8] = []
    bytes.append(int32: value)
    return bytes
  }

  static func message(_ type: Character, _ body: [UInt8]) -> [UInt8] {
    [type.asciiValue!] + int32(Int32(body.count + 4)) + body
  }

  static func authentication(_ code: Int32, _ rest: [UInt8] = []) -> [UInt8] { message("R", int32(code) + rest) }

  static func ready(_ state: Character = "I") -> [UInt8] { message("Z", [state.asciiValue!]) }

  static func parameterStatus(_ name: String, _ value: String) -> [UInt8] {
    message("S", Array("\(name)\0\(value)\0".utf8))
  }

  static func rowDescription(_ columns: Int16) -> [UInt8] {
    // Only the count is read; the fields' descriptions are left out.
    message("T", [UInt8(columns >> 8), UInt8(columns & 0xff)])
  }

  static func dataRow(_ values: [String?]) -> [UInt8] {
    var body: [UInt8] = [0, UInt8(values.count)]
    for value in values {
      if let value {
        body += int32(Int32(value.utf8.count)) + Array(value.utf8)
      } else {
        body += int32(-1)
      }
    }
    return message("D", body)
  }

  static func command(_ tag: String) -> [UInt8] { message("C", Array("\(tag)\0".utf8)) }

  static func error(_ severity: String, _ code: String, _ text: String) -> [UInt8] {
    message("E", Array("S\(severity)\0V\(severity)\0C\(code)\0M\(text)\0\0".utf8))
  }

  static func notice(_ severity: String, _ text: String) -> [UInt8] {
    message("N", Array("S\(severity)\0M\(text)\0\0".utf8))
  }
}
