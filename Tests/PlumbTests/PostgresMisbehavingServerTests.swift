import Foundation
import Plumb
import XCTest

@testable import PlumbPostgres
@testable import PlumbWorkers

#if canImport(Glibc)
  import Glibc
#endif

/// The connection's shell against a loopback server that breaks the protocol on cue, which a real
/// PostgreSQL never does: the state machine's verdict reaches the caller as one line, and the
/// socket is closed (the scripted server sees the client hang up).
final class PostgresMisbehavingServerTests: XCTestCase {
  private func settings(_ server: ScriptedServer, _ mode: PostgresSSLMode = .disable) -> PostgresSettings {
    PostgresSettings(host: "127.0.0.1", port: server.port, database: "d", user: "u", timeout: 5, sslMode: mode)
  }

  func testAnHTTPServerAnsweringTheStartupIsAMalformedMessage() throws {
    let server = try ScriptedServer(answers: [Array("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".utf8)])
    XCTAssertEqual(
      thrownMessage { try PostgresConnection(settings(server)) },
      "PostgreSQL 127.0.0.1:\(server.port)/d: the server sent a malformed message")
    XCTAssertTrue(server.waitForHangUp(), "the client closed the socket")
  }

  func testPlaintextAfterTheTLSYesIsRefusedBeforeTheHandshake() throws {
    let authenticationOK: [UInt8] = [UInt8(ascii: "R"), 0, 0, 0, 8, 0, 0, 0, 0]
    let server = try ScriptedServer(answers: [[UInt8(ascii: "S")] + authenticationOK])
    XCTAssertEqual(
      thrownMessage { try PostgresConnection(settings(server, .require)) },
      "PostgreSQL 127.0.0.1:\(server.port)/d: the server sent unencrypted data after agreeing to TLS")
    XCTAssertTrue(server.waitForHangUp())
  }

  func testAnUnexpectedAnswerToAQueryEndsTheConnection() throws {
    let authenticationOK: [UInt8] = [UInt8(ascii: "R"), 0, 0, 0, 8, 0, 0, 0, 0]
    let ready: [UInt8] = [UInt8(ascii: "Z"), 0, 0, 0, 5, UInt8(ascii: "I")]
    let server = try ScriptedServer(answers: [authenticationOK + ready, authenticationOK])
    let connection = try PostgresConnection(settings(server))
    XCTAssertEqual(
      thrownMessage { try connection.execute("SELECT 1") },
      "PostgreSQL 127.0.0.1:\(server.port)/d: the server sent an unexpected message (AuthenticationOk) during a query"
    )
    XCTAssertTrue(server.waitForHangUp(), "the socket closed at once, before close()")
    XCTAssertEqual(
      thrownMessage { try connection.execute("SELECT 1") },
      "PostgreSQL 127.0.0.1:\(server.port)/d: the connection is closed")
  }
}

/// A TCP server on 127.0.0.1 for one client: it answers each thing the client sends with the
/// next of `answers`, then reads until the client hangs up.
private final class ScriptedServer: @unchecked Sendable {
  let port: Int
  private let listener: Int32
  private let hungUp = DispatchSemaphore(value: 0)

  struct Failure: Error, CustomStringConvertible {
    let description: String
  }

  init(answers: [[UInt8]]) throws {
    let listening = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard listening >= 0 else { throw Failure(description: "no socket: \(String(cString: strerror(errno)))") }
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    address.sin_port = 0
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { address in
        bind(listening, address, length) == 0 && listen(listening, 1) == 0
          && getsockname(listening, address, &length) == 0
      }
    }
    guard bound else {
      close(listening)
      throw Failure(description: "cannot listen: \(String(cString: strerror(errno)))")
    }
    port = Int(UInt16(bigEndian: address.sin_port))
    listener = listening
    let hungUp = hungUp
    Thread.detachNewThread {
      defer { hungUp.signal() }
      let client = accept(listening, nil, nil)
      guard client >= 0 else { return }
      defer { close(client) }
      var buffer = [UInt8](repeating: 0, count: 4096)
      for answer in answers {
        guard recv(client, &buffer, buffer.count, 0) > 0 else { return }
        _ = answer.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      }
      while recv(client, &buffer, buffer.count, 0) > 0 {}
    }
  }

  deinit {
    // Wakes an accept that no client came for.
    shutdown(listener, Int32(SHUT_RDWR))
    close(listener)
  }

  /// Whether the client hung up (within 10 s).
  func waitForHangUp() -> Bool {
    hungUp.wait(timeout: .now() + 10) == .success
  }
}
