import Foundation
import Plumb
import PlumbTestSupport
import XCTest

final class DownloadTests: XCTestCase {
  func testDownloadsTheBodyOfA200() throws {
    let body = (1...2000).map { "row \($0)" }.joined(separator: "\n")
    let server = try LoopbackHTTPServer(routes: ["/rows.txt": .text(body)])
    defer { server.stop() }
    XCTAssertEqual(try download(server.url("/rows.txt")), Data(body.utf8))
    XCTAssertEqual(try download(server.url("/rows.txt").absoluteString), Data(body.utf8))
  }

  func testEachDownloadAsksTheServerAgain() throws {
    let server = try LoopbackHTTPServer(routes: ["/v": .text("one")])
    defer { server.stop() }
    XCTAssertEqual(try download(server.url("/v")), Data("one".utf8))
    server.setResponse(.text("two"), for: "/v")
    XCTAssertEqual(try download(server.url("/v")), Data("two".utf8), "nothing may be cached between downloads")
    XCTAssertEqual(server.requestedPaths, ["/v", "/v"])
  }

  func testNotFoundSaysStatusReasonAndURL() throws {
    let server = try LoopbackHTTPServer()
    defer { server.stop() }
    let url = server.url("/missing.csv")
    assertDownloadError(try download(url), is: "HTTP 404 Not Found from http://127.0.0.1:\(server.port)/missing.csv")
  }

  func testServerErrorIsAnErrorNotABody() throws {
    let server = try LoopbackHTTPServer(routes: ["/boom": .status(500)])
    defer { server.stop() }
    assertDownloadError(
      try download(server.url("/boom")), is: "HTTP 500 Internal Server Error from \(server.url("/boom").absoluteString)"
    )
  }

  func testRefusedConnectionNamesHostAndPort() throws {
    let server = try LoopbackHTTPServer()
    let port = server.port
    server.stop()
    assertDownloadError(
      try download(URL(string: "http://127.0.0.1:\(port)/iris.data")!), is: "connection refused by 127.0.0.1:\(port)")
  }

  func testSilentServerTimesOut() throws {
    let server = try LoopbackHTTPServer(routes: ["/slow": .noAnswer])
    defer { server.stop() }
    let url = server.url("/slow")
    // Whole seconds: URLSession on Linux would give up at once on a fraction.
    assertDownloadError(try download(url, timeout: 0.2), is: "timed out after 1 s waiting for \(url.absoluteString)")
  }

  func testRefusesWhatIsNotHTTPInOneLine() {
    assertDownloadError(
      try download(URL(fileURLWithPath: "/tmp/iris.data")),
      is: "cannot download file:///tmp/iris.data: only http:// and https:// URLs can be downloaded"
        + " (read local files with LocalTarget)")
    assertDownloadError(try download("not a url"), is: "not a URL: 'not a url'")
    assertDownloadError(
      try download("http://127.0.0.1:1/x", timeout: 0),
      is: "a download timeout must be a positive number of seconds, not 0")
  }

  /// A task that saves a download: a failed download fails the task with the one-line reason and
  /// leaves no file, as exercise 6's DownloadData must.
  func testFailedDownloadFailsTheTaskAndWritesNothing() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let server = try LoopbackHTTPServer(routes: ["/good.csv": .text("1,2\n")])
    defer { server.stop() }
    struct Fetch: PipelineTask {
      @Parameter(help: "where to download from") var url: String = .required
      func output() -> LocalTarget { LocalTarget("downloaded.csv") }
      func run() throws { try output().write(try download(url, timeout: 5)) }
    }

    var missing = Fetch()
    missing.url = server.url("/gone.csv").absoluteString
    let failed = try build([missing], options: folder.options())
    XCTAssertEqual(failed.record(of: missing)?.errorMessage, "HTTP 404 Not Found from \(missing.url)")
    XCTAssertNotEqual(failed.exitCode, 0)
    XCTAssertEqual(folder.files(), [], "a failed download must leave no file, not even a temporary one")

    var good = Fetch()
    good.url = server.url("/good.csv").absoluteString
    let succeeded = try build([good], options: folder.options())
    XCTAssertEqual(succeeded.status(of: good), .succeeded)
    XCTAssertEqual(folder.contents(of: "downloaded.csv"), "1,2\n")
  }

  private func assertDownloadError(
    _ expression: @autoclosure () throws -> Data, is expected: String, file: StaticString = #filePath,
    line: UInt = #line
  ) {
    XCTAssertThrowsError(try expression(), file: file, line: line) { error in
      XCTAssertTrue(error is DownloadError, "expected a DownloadError, got \(type(of: error))", file: file, line: line)
      XCTAssertEqual(String(describing: error), expected, file: file, line: line)
    }
  }
}
