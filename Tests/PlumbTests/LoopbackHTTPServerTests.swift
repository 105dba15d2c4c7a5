import Foundation
import PlumbTestSupport
import XCTest

#if canImport(Glibc)
  import Glibc
#endif

/// The test server, checked on the wire with a raw socket client, so these tests do not depend on
/// the download helper they serve.
final class LoopbackHTTPServerTests: XCTestCase {
  func testServesTextWithStatusLineAndLength() throws {
    let server = try LoopbackHTTPServer(routes: ["/hello": .text("hello, world\n")])
    defer { server.stop() }
    XCTAssertGreaterThan(server.port, 0)
    let answer = try exchange(port: server.port, request: "GET /hello HTTP/1.1\r\nHost: x\r\n\r\n")
    XCTAssertTrue(answer.hasPrefix("HTTP/1.1 200 OK\r\n"), answer)
    XCTAssertTrue(answer.contains("\r\nContent-Length: 13\r\n"), answer)
    XCTAssertTrue(answer.hasSuffix("\r\n\r\nhello, world\n"), answer)
  }

  func testServesAFileAsItIsWhenAsked() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("a,b\n", to: "rows.csv")
    let server = try LoopbackHTTPServer(routes: ["/rows.csv": .file(folder.path(of: "rows.csv"))])
    defer { server.stop() }
    XCTAssertTrue(try exchange(port: server.port, request: "GET /rows.csv HTTP/1.1\r\n\r\n").hasSuffix("\r\n\r\na,b\n"))
    try folder.write("c,d\n", to: "rows.csv")
    XCTAssertTrue(try exchange(port: server.port, request: "GET /rows.csv HTTP/1.1\r\n\r\n").hasSuffix("\r\n\r\nc,d\n"))
    try FileManager.default.removeItem(atPath: folder.path(of: "rows.csv"))
    XCTAssertTrue(try exchange(port: server.port, request: "GET /rows.csv HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 404 "))
  }

  func testUnknownPathIs404AndQueryIsIgnoredForRouting() throws {
    let server = try LoopbackHTTPServer(routes: ["/data": .text("x")])
    defer { server.stop() }
    let missing = try exchange(port: server.port, request: "GET /nothing HTTP/1.1\r\n\r\n")
    XCTAssertTrue(missing.hasPrefix("HTTP/1.1 404 Not Found\r\n"), missing)
    let withQuery = try exchange(port: server.port, request: "GET /data?page=2 HTTP/1.1\r\n\r\n")
    XCTAssertTrue(withQuery.hasPrefix("HTTP/1.1 200 OK\r\n"), withQuery)
    XCTAssertEqual(server.requestedPaths, ["/nothing", "/data?page=2"])
  }

  func testStatusRoutesHeadAndOtherMethods() throws {
    let server = try LoopbackHTTPServer(routes: [
      "/broken": .status(503), "/data": .data(Data([1, 2, 3]), status: 201, contentType: "application/x-test"),
    ])
    defer { server.stop() }
    XCTAssertTrue(
      try exchange(port: server.port, request: "GET /broken HTTP/1.1\r\n\r\n").hasPrefix(
        "HTTP/1.1 503 Service Unavailable\r\n"))
    let created = try exchange(port: server.port, request: "GET /data HTTP/1.1\r\n\r\n")
    XCTAssertTrue(created.hasPrefix("HTTP/1.1 201 Created\r\n"), created)
    XCTAssertTrue(created.contains("Content-Type: application/x-test\r\n"), created)
    let head = try exchange(port: server.port, request: "HEAD /data HTTP/1.1\r\n\r\n")
    XCTAssertTrue(head.contains("Content-Length: 3\r\n"), head)
    XCTAssertTrue(head.hasSuffix("\r\n\r\n"), "a HEAD answer has no body: \(head)")
    XCTAssertTrue(
      try exchange(port: server.port, request: "PATCH /data HTTP/1.1\r\n\r\n").hasPrefix(
        "HTTP/1.1 405 Method Not Allowed\r\n"))
    XCTAssertTrue(
      try exchange(port: server.port, request: "nonsense\r\n\r\n").hasPrefix("HTTP/1.1 400 Bad Request\r\n"))
  }

  func testRecordsWhatIsPostedAndAnswersFromTheRoute() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .status(204)])
    defer { server.stop() }
    let body = String(repeating: "x", count: 5000) + "end"
    let answer = try exchange(
      port: server.port,
      request:
        "POST /hook?team=data HTTP/1.1\r\nContent-Type: application/json\r\nContent-Length: \(body.utf8.count)\r\n\r\n"
        + body)
    XCTAssertTrue(answer.hasPrefix("HTTP/1.1 204 No Content\r\n"), answer)
    let requests = server.requests
    XCTAssertEqual(requests.map(\.method), ["POST"])
    XCTAssertEqual(requests.first?.target, "/hook?team=data")
    XCTAssertEqual(requests.first?.headers["content-type"], "application/json")
    XCTAssertEqual(requests.first.map { String(decoding: $0.body, as: UTF8.self) }, body)
    XCTAssertEqual(server.requestedPaths, ["/hook?team=data"])
  }

  func testRoutesCanChangeWhileRunning() throws {
    let server = try LoopbackHTTPServer()
    defer { server.stop() }
    XCTAssertTrue(try exchange(port: server.port, request: "GET /late HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 404 "))
    server.setResponse(.text("here"), for: "/late")
    XCTAssertTrue(try exchange(port: server.port, request: "GET /late HTTP/1.1\r\n\r\n").hasSuffix("here"))
    server.setResponse(nil, for: "/late")
    XCTAssertTrue(try exchange(port: server.port, request: "GET /late HTTP/1.1\r\n\r\n").hasPrefix("HTTP/1.1 404 "))
  }

  func testNoAnswerHoldsOnlyItsOwnConnectionUntilStop() throws {
    let server = try LoopbackHTTPServer(routes: ["/slow": .noAnswer, "/fast": .text("fast")])
    let slow = try connect(port: server.port)
    defer { close(slow) }
    try sendAll("GET /slow HTTP/1.1\r\n\r\n", to: slow)
    XCTAssertTrue(try exchange(port: server.port, request: "GET /fast HTTP/1.1\r\n\r\n").hasSuffix("fast"))
    server.stop()
    XCTAssertEqual(try readAll(slow), "", "the silent route must end without an answer when the server stops")
  }

  func testWaitForRequestsReturnsWhenTheyHaveArrived() throws {
    let server = try LoopbackHTTPServer(routes: ["/slow": .noAnswer])
    defer { server.stop() }
    XCTAssertFalse(server.waitForRequests(1, timeout: 0.1), "no request was sent yet")
    let slow = try connect(port: server.port)
    defer { close(slow) }
    try sendAll("GET /slow HTTP/1.1\r\n\r\n", to: slow)
    XCTAssertTrue(server.waitForRequests(1, timeout: 10))
    XCTAssertEqual(server.requestedPaths, ["/slow"])
    XCTAssertFalse(server.waitForRequests(2, timeout: 0.1), "only one request was sent")
  }

  func testStoppedServerRefusesConnectionsAndStopsOnce() throws {
    let server = try LoopbackHTTPServer(routes: ["/": .text("x")])
    let port = server.port
    server.stop()
    server.stop()
    XCTAssertThrowsError(try connect(port: port)) { error in
      XCTAssertEqual((error as? SocketFailure)?.code, ECONNREFUSED, "\(error)")
    }
  }

  func testTwoServersGetDifferentPorts() throws {
    let first = try LoopbackHTTPServer()
    let second = try LoopbackHTTPServer()
    defer {
      first.stop()
      second.stop()
    }
    XCTAssertNotEqual(first.port, second.port)
    XCTAssertEqual(first.url("/a.txt").absoluteString, "http://127.0.0.1:\(first.port)/a.txt")
  }

  func testEndlessSendsUntilTheClientHangsUp() throws {
    let server = try LoopbackHTTPServer(routes: ["/forever": .endless])
    defer { server.stop() }
    let client = try connect(port: server.port)
    try sendAll("GET /forever HTTP/1.1\r\n\r\n", to: client)
    let received = try read(atLeast: 10_000_000, from: client)
    close(client)
    XCTAssertTrue(received.hasPrefix("HTTP/1.1 200 OK\r\n"), String(received.prefix(100)))
    XCTAssertFalse(received.prefix(200).contains("Content-Length"), "an endless body has no length")
    XCTAssertGreaterThanOrEqual(received.utf8.count, 10_000_000)
  }

  func testDripSendsOneByteAndStopsWithTheServer() throws {
    let server = try LoopbackHTTPServer(routes: ["/drip": .drip])
    let client = try connect(port: server.port)
    defer { close(client) }
    try sendAll("GET /drip HTTP/1.1\r\n\r\n", to: client)
    let first = try read(atLeast: 1, after: "\r\n\r\n", from: client)
    XCTAssertTrue(first.hasPrefix("HTTP/1.1 200 OK\r\n"), first)
    XCTAssertTrue(first.contains("\r\nContent-Length: 1000000\r\n"), first)
    server.stop()
    let rest = try readAll(client)
    XCTAssertLessThan(
      first.utf8.count + rest.utf8.count, 1000, "the drip must end with the server, far short of its length")
  }

  func testRawSendsItsBytesInsteadOfAnAnswer() throws {
    let server = try LoopbackHTTPServer(routes: ["/old": .raw(Data("just a body\n".utf8))])
    defer { server.stop() }
    XCTAssertEqual(try exchange(port: server.port, request: "GET /old HTTP/1.1\r\n\r\n"), "just a body\n")
    XCTAssertEqual(server.requestedPaths, ["/old"])
  }

  // MARK: - A raw client

  private struct SocketFailure: Error {
    let code: Int32
  }

  private func connect(port: Int) throws -> Int32 {
    let client = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
    guard client >= 0 else { throw SocketFailure(code: errno) }
    // A bound on how long a broken server can keep a read waiting, so a bug fails the test instead of hanging it.
    var limit = timeval(tv_sec: 10, tv_usec: 0)
    setsockopt(client, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = UInt16(port).bigEndian
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    let connected = withUnsafePointer(to: &address) {
      $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
        Glibc.connect(client, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
      }
    }
    guard connected == 0 else {
      let code = errno
      close(client)
      throw SocketFailure(code: code)
    }
    return client
  }

  private func sendAll(_ text: String, to client: Int32) throws {
    let bytes = Array(text.utf8)
    var offset = 0
    while offset < bytes.count {
      let sent = bytes[offset...].withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
      guard sent > 0 else { throw SocketFailure(code: errno) }
      offset += sent
    }
  }

  private func readAll(_ client: Int32) throws -> String {
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 4096)
    while true {
      let count = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
      if count == 0 || (count < 0 && errno == ECONNRESET) { break }
      guard count > 0 else { throw SocketFailure(code: errno) }
      received.append(contentsOf: chunk[..<count])
    }
    return String(decoding: received, as: UTF8.self)
  }

  /// Reads until `count` bytes have come after the first `marker` (or after the start without one).
  private func read(atLeast count: Int, after marker: String = "", from client: Int32) throws -> String {
    var received: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    let markerBytes = Array(marker.utf8)
    while true {
      if let start = markerBytes.isEmpty ? 0 : received.firstRange(of: markerBytes)?.upperBound,
        received.count - start >= count
      {
        return String(decoding: received, as: UTF8.self)
      }
      let got = chunk.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
      guard got > 0 else { throw SocketFailure(code: errno) }
      received.append(contentsOf: chunk[..<got])
    }
  }

  private func exchange(port: Int, request: String) throws -> String {
    let client = try connect(port: port)
    defer { close(client) }
    try sendAll(request, to: client)
    return try readAll(client)
  }
}
