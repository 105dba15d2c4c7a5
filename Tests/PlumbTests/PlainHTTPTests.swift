import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// HTTP/1.1 as Plumb's own client for `http://` URLs reads it: the ways a server may frame its
/// answer, interim answers, redirects, and answers cut short.
final class PlainHTTPTests: XCTestCase {
  private func answer(_ text: String) -> LoopbackHTTPServer.Response {
    .raw(Data(text.utf8))
  }

  func testAChunkedAnswerIsJoinedAndItsExtensionsAndTrailersIgnored() throws {
    let server = try LoopbackHTTPServer(routes: [
      "/chunked": answer(
        "HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n7;name=value\r\n, world\r\n"
          + "0\r\nExpires: never\r\n\r\n")
    ])
    defer { server.stop() }
    XCTAssertEqual(String(decoding: try download(server.url("/chunked")), as: UTF8.self), "hello, world")
  }

  func testAnAnswerWithoutALengthEndsWhereTheServerCloses() throws {
    let server = try LoopbackHTTPServer(routes: ["/all": answer("HTTP/1.1 200 OK\r\n\r\nall of it\nand more")])
    defer { server.stop() }
    XCTAssertEqual(String(decoding: try download(server.url("/all")), as: UTF8.self), "all of it\nand more")
  }

  func testAnAnswerCutShortOfItsLengthIsAnErrorNotABody() throws {
    let server = try LoopbackHTTPServer(routes: [
      "/short": answer("HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\nonly this"),
      "/chunk": answer("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n10\r\nonly this"),
    ])
    defer { server.stop() }
    for path in ["/short", "/chunk"] {
      let url = server.url(path)
      XCTAssertThrowsError(try download(url), path) { error in
        XCTAssertEqual(
          "\(error)",
          "could not download \(url.absoluteString): the server closed the connection before the end of its answer")
      }
    }
  }

  func testInterimAnswersBeforeTheRealOneAreSkipped() throws {
    let server = try LoopbackHTTPServer(routes: [
      "/slow": answer(
        "HTTP/1.1 100 Continue\r\n\r\nHTTP/1.1 103 Early Hints\r\nLink: </a>\r\n\r\n"
          + "HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok")
    ])
    defer { server.stop() }
    XCTAssertEqual(try download(server.url("/slow")), Data("ok".utf8))
  }

  func testARedirectOfADownloadIsFollowed() throws {
    let server = try LoopbackHTTPServer(routes: [
      "/old": answer("HTTP/1.1 301 Moved Permanently\r\nLocation: /new?v=2\r\nContent-Length: 0\r\n\r\n"),
      "/new": .text("moved here"),
    ])
    defer { server.stop() }
    XCTAssertEqual(try download(server.url("/old")), Data("moved here".utf8))
    XCTAssertEqual(server.requestedPaths, ["/old", "/new?v=2"])
  }

  func testARedirectLoopEndsAsAnHTTPStatus() throws {
    let server = try LoopbackHTTPServer(routes: [
      "/loop": answer("HTTP/1.1 302 Found\r\nLocation: /loop\r\nContent-Length: 0\r\n\r\n")
    ])
    defer { server.stop() }
    let url = server.url("/loop")
    XCTAssertThrowsError(try download(url)) { error in
      XCTAssertEqual("\(error)", "HTTP 302 Found from \(url.absoluteString)")
    }
    XCTAssertEqual(server.requests.count, 11, "the first request and ten redirects")
  }

  func testTheRequestNamesTheHostAndAsksToClose() throws {
    let server = try LoopbackHTTPServer(routes: ["/a%20b": .text("ok")])
    defer { server.stop() }
    _ = try download(try XCTUnwrap(URL(string: "http://127.0.0.1:\(server.port)/a%20b?q=1&r=%C3%A9")))
    let request = try XCTUnwrap(server.requests.first)
    XCTAssertEqual(request.method, "GET")
    XCTAssertEqual(request.target, "/a%20b?q=1&r=%C3%A9")
    XCTAssertEqual(request.headers["host"], "127.0.0.1:\(server.port)")
    XCTAssertEqual(request.headers["connection"], "close")
  }

  func testAnEndlessAnswerIsHungUpOnOnceTheLimitIsPassed() throws {
    let server = try LoopbackHTTPServer(routes: ["/forever": .endless, "/small": .text("small")])
    defer { server.stop() }
    XCTAssertThrowsError(try download(server.url("/forever"), maximumBytes: 1_000_000))
    XCTAssertTrue(server.waitForOpenConnectionsToClose(), "the client must hang up on an endless answer")
    XCTAssertEqual(try download(server.url("/small")), Data("small".utf8), "the next download goes through")
  }
}
