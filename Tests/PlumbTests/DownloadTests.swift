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

  // MARK: - Hostile servers: deadline, size limit, invalid HTTP

  /// A server that streams forever is stopped at the deadline, having filled no memory (the body goes
  /// to the target's temporary file) and left no file.
  func testEndlessAnswerStopsAtTheDeadlineAndLeavesNoFile() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let server = try LoopbackHTTPServer(routes: ["/forever": .endless])
    defer { server.stop() }
    let memoryBefore = residentBytes()

    XCTAssertThrowsError(
      try download(server.url("/forever"), to: LocalTarget(folder.path(of: "forever.bin")), deadline: 2)
    ) { error in
      XCTAssertEqual(error as? DownloadError, .deadlineExceeded(seconds: 2, server: "127.0.0.1:\(server.port)"))
      XCTAssertEqual(
        "\(error)", "stopped after 2 s: the answer from 127.0.0.1:\(server.port) was not finished")
    }
    XCTAssertEqual(folder.files(), [], "no file, not even a temporary one")
    // Loopback streams hundreds of MB a second, so a body kept in memory, or queued there, shows.
    XCTAssertLessThan(residentBytes() - memoryBefore, 100_000_000, "the body must not be kept in memory")
  }

  func testEndlessAnswerStopsAtASmallerLimit() async throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let server = try LoopbackHTTPServer(routes: ["/forever": .endless])
    defer { server.stop() }
    let url = server.url("/forever")
    let tooLarge = DownloadError.tooLarge(limit: 5_000_000, server: "127.0.0.1:\(server.port)")
    let message = "the answer from 127.0.0.1:\(server.port) is larger than the limit of 5 MB"

    func fetchSynchronously() throws -> Data { try download(url, deadline: 60, maximumBytes: 5_000_000) }
    assertDownloadError(try fetchSynchronously(), is: message)
    await assertAsyncDownloadError(
      try await download(url, deadline: 60, maximumBytes: 5_000_000), is: tooLarge, saying: message)
    do {
      try await download(url, to: LocalTarget(folder.path(of: "forever.bin")), deadline: 60, maximumBytes: 5_000_000)
      XCTFail("an endless answer was saved")
    } catch {
      XCTAssertEqual(error as? DownloadError, tooLarge, "\(error)")
    }
    XCTAssertEqual(folder.files(), [])
    XCTAssertTrue(server.waitForOpenConnectionsToClose(), "a download that ended must hang up on the server")
  }

  /// One byte a second keeps an idle timeout from ever firing; the deadline ends it.
  func testDripStopsAtTheDeadline() async throws {
    let server = try LoopbackHTTPServer(routes: ["/drip": .drip])
    defer { server.stop() }
    let url = server.url("/drip")
    let message = "stopped after 1 s: the answer from 127.0.0.1:\(server.port) was not finished"
    func fetchSynchronously() throws -> Data { try download(url, timeout: 5, deadline: 1) }
    assertDownloadError(try fetchSynchronously(), is: message)
    await assertAsyncDownloadError(
      try await download(url, timeout: 5, deadline: 1.5),
      is: .deadlineExceeded(seconds: 1.5, server: "127.0.0.1:\(server.port)"),
      saying: "stopped after 1.5 s: the answer from 127.0.0.1:\(server.port) was not finished")
  }

  func testBodyOverTheLimitIsALimitErrorAndLeavesNoFile() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let server = try LoopbackHTTPServer(routes: ["/big": .text(String(repeating: "x", count: 1001))])
    defer { server.stop() }
    let url = server.url("/big")
    let message = "the answer from 127.0.0.1:\(server.port) is larger than the limit of 1 KB"

    assertDownloadError(try download(url, maximumBytes: 1000), is: message)
    XCTAssertThrowsError(try download(url, to: LocalTarget(folder.path(of: "big.txt")), maximumBytes: 1000)) {
      XCTAssertEqual("\($0)", message)
    }
    XCTAssertEqual(folder.files(), [])
    XCTAssertEqual(try download(url, maximumBytes: 1001).count, 1001, "a body of exactly the limit is whole")
  }

  func testDownloadIntoATargetWritesTheWholeBody() async throws {
    let folder = try TemporaryFolder(removedAfter: self)
    // Larger than any buffer on the way, and different all along, so a lost or repeated piece shows.
    let body = (1...300_000).map { "row \($0)" }.joined(separator: "\n")
    let server = try LoopbackHTTPServer(routes: ["/rows.txt": .text(body)])
    defer { server.stop() }
    let url = server.url("/rows.txt")

    func fetchSynchronously() throws {
      try download(url, to: LocalTarget(folder.path(of: "sync.txt")))
      try download(url.absoluteString, to: LocalTarget(folder.path(of: "sync-address.txt")), deadline: 60)
    }
    try fetchSynchronously()
    try await download(url, to: LocalTarget(folder.path(of: "async.txt")), maximumBytes: 10_000_000)
    try await download(url.absoluteString, to: LocalTarget(folder.path(of: "async-address.txt")))

    XCTAssertEqual(folder.files(), ["async-address.txt", "async.txt", "sync-address.txt", "sync.txt"])
    for name in folder.files() {
      XCTAssertTrue(folder.contents(of: name) == body, "\(name) is not the whole body")
    }
    do {
      try await download(server.url("/gone"), to: LocalTarget(folder.path(of: "gone.txt")))
      XCTFail("a 404 was saved")
    } catch {
      XCTAssertEqual("\(error)", "HTTP 404 Not Found from \(server.url("/gone").absoluteString)")
    }
    XCTAssertFalse(folder.contains("gone.txt"))
  }

  func testCancellingTheTaskCancelsADownloadIntoATargetAndLeavesNoFile() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let server = try LoopbackHTTPServer(routes: ["/slow": .noAnswer])
    defer { server.stop() }
    let url = server.url("/slow")
    let target = LocalTarget(folder.path(of: "slow.txt"))
    let ended = expectation(description: "the cancelled download ends")
    let outcome = Outcome()
    let fetch = Task {
      await outcome.record {
        try await download(url, to: target, timeout: 300)
        return Data()
      }
      ended.fulfill()
    }
    XCTAssertTrue(server.waitForRequests(1), "the download never reached the server")
    fetch.cancel()
    wait(for: [ended], timeout: 20)
    XCTAssertTrue(outcome.error is CancellationError, "expected a CancellationError, got \(outcome.description)")
    XCTAssertEqual(folder.files(), [])
  }

  /// URLSession calls an answer that is not HTTP an unsupported URL; the message says what happened.
  func testAnAnswerThatIsNotHTTPIsNamedAsSuch() async throws {
    let server = try LoopbackHTTPServer(routes: [
      "/old": .raw(Data("5.1,3.5,1.4,0.2,Iris-setosa\n".utf8)),
      "/garbage": .raw(Data("SSH-2.0-OpenSSH_9.6\r\n\r\n".utf8)),
    ])
    defer { server.stop() }
    let message = "the server at 127.0.0.1:\(server.port) did not answer with valid HTTP"
    func fetchSynchronously(_ path: String) throws -> Data { try download(server.url(path)) }
    for path in ["/old", "/garbage"] {
      assertDownloadError(try fetchSynchronously(path), is: message)
      await assertAsyncDownloadError(
        try await download(server.url(path)), is: .invalidHTTP(server: "127.0.0.1:\(server.port)"), saying: message)
    }
  }

  func testChecksTheDeadlineAndTheLimit() {
    assertDownloadError(
      try download("http://127.0.0.1:1/x", deadline: 0),
      is: "a download deadline must be a positive number of seconds, not 0")
    assertDownloadError(
      try download("http://127.0.0.1:1/x", maximumBytes: -1),
      is: "a download size limit must be a positive number of bytes, not -1")
  }

  /// `[download]` in the config file sets the deadline and the limit of the run's downloads.
  func testTheConfigFileSetsTheDeadlineAndTheLimit() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let server = try LoopbackHTTPServer(routes: [
      "/drip": .drip, "/big": .text(String(repeating: "x", count: 2001)), "/small": .text("1,2\n"),
    ])
    defer { server.stop() }
    func fetch(_ path: String, settings: String) throws -> RunResult {
      var options = folder.options()
      options.configuration = try Configuration(text: "[download]\n" + settings)
      var task = SaveTo()
      task.url = server.url(path).absoluteString
      return try build([task], options: options)
    }
    func error(_ result: RunResult) -> String? { result.records.first?.errorMessage }

    XCTAssertEqual(
      error(try fetch("/drip", settings: "deadline = 1\n")),
      "stopped after 1 s: the answer from 127.0.0.1:\(server.port) was not finished")
    XCTAssertEqual(
      error(try fetch("/big", settings: "maximum_bytes = 2 KB\n")),
      "the answer from 127.0.0.1:\(server.port) is larger than the limit of 2 KB")
    XCTAssertEqual(folder.files(), [])
    XCTAssertTrue(try fetch("/small", settings: "maximum_bytes = 4\n").success)
    XCTAssertEqual(folder.contents(of: "saved.txt"), "1,2\n")
    folder.delete("saved.txt")
    XCTAssertEqual(
      error(try fetch("/small", settings: "maximum_bytes = lots\n")),
      "bad config file config, line 2: [download] maximum_bytes must be a positive size such as 100MB or 5000, "
        + "not 'lots'")
  }

  // MARK: - The async form

  func testAsyncDownloadsTheBodyOfA200() async throws {
    let body = (1...2000).map { "row \($0)" }.joined(separator: "\n")
    let server = try LoopbackHTTPServer(routes: ["/rows.txt": .text(body)])
    defer { server.stop() }
    let url = server.url("/rows.txt")
    let fromURL = try await download(url)
    let fromAddress = try await download(url.absoluteString, timeout: 5)
    XCTAssertEqual(fromURL, Data(body.utf8))
    XCTAssertEqual(fromAddress, Data(body.utf8))
    XCTAssertEqual(server.requestedPaths, ["/rows.txt", "/rows.txt"])
  }

  /// The doc comment's `FetchIris`: `try await download` in an async `run()`, run by `build`
  /// next to a synchronous task that reads what it fetched.
  func testAnAsyncTaskDownloadsWithAwaitInARun() async throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let server = try LoopbackHTTPServer(routes: ["/iris.data": .text("5.1,3.5,1.4,0.2,Iris-setosa\n")])
    defer { server.stop() }
    var options = folder.options()
    options.configuration = try Configuration(text: "[FetchIris]\naddress = \(server.url("/iris.data"))\n")

    let result = try await build([CountRows()], options: options)

    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(folder.contents(of: "iris.data"), "5.1,3.5,1.4,0.2,Iris-setosa\n")
    XCTAssertEqual(folder.contents(of: "rows.txt"), "1")
  }

  func testAsyncNotFoundIsAnHTTPStatusError() async throws {
    let server = try LoopbackHTTPServer()
    defer { server.stop() }
    let url = server.url("/missing.csv")
    await assertAsyncDownloadError(
      try await download(url), is: .httpStatus(code: 404, url: url.absoluteString),
      saying: "HTTP 404 Not Found from \(url.absoluteString)")
  }

  func testAsyncRefusedConnectionNamesHostAndPort() async throws {
    let server = try LoopbackHTTPServer()
    let port = server.port
    server.stop()
    await assertAsyncDownloadError(
      try await download("http://127.0.0.1:\(port)/iris.data"), is: .connectionRefused(host: "127.0.0.1", port: port),
      saying: "connection refused by 127.0.0.1:\(port)")
  }

  func testAsyncChecksURLAndTimeoutAsTheSynchronousFormDoes() async {
    await assertAsyncDownloadError(
      try await download(URL(fileURLWithPath: "/tmp/iris.data")), is: .unsupportedScheme(url: "file:///tmp/iris.data"),
      saying: "cannot download file:///tmp/iris.data: only http:// and https:// URLs can be downloaded"
        + " (read local files with LocalTarget)")
    await assertAsyncDownloadError(
      try await download("not a url"), is: .invalidURL("not a url"), saying: "not a URL: 'not a url'")
    await assertAsyncDownloadError(
      try await download("http://127.0.0.1:1/x", timeout: 0), is: .invalidTimeout(seconds: 0),
      saying: "a download timeout must be a positive number of seconds, not 0")
  }

  /// Cancelling the task ends a download the server never answers, long before its timeout.
  func testCancellingTheTaskCancelsTheDownload() throws {
    let server = try LoopbackHTTPServer(routes: ["/slow": .noAnswer])
    defer { server.stop() }
    let url = server.url("/slow")
    let ended = expectation(description: "the cancelled download ends")
    let outcome = Outcome()
    let fetch = Task {
      await outcome.record { try await download(url, timeout: 300) }
      ended.fulfill()
    }
    XCTAssertTrue(server.waitForRequests(1), "the download never reached the server")
    fetch.cancel()
    wait(for: [ended], timeout: 20)
    XCTAssertTrue(outcome.error is CancellationError, "expected a CancellationError, got \(outcome.description)")
  }

  /// Overload resolution: in a task, `try await download` is the async form, which sees the task is
  /// cancelled and asks nothing; `try download` in a synchronous function is the blocking form,
  /// which ignores cancellation and fetches.
  func testAsyncContextPicksTheAsyncFormAndSyncFunctionTheBlockingOne() async throws {
    let server = try LoopbackHTTPServer(routes: ["/v": .text("v")])
    defer { server.stop() }
    let url = server.url("/v")
    func fetchSynchronously() throws -> Data { try download(url, timeout: 5) }
    let (synchronous, asynchronous) = await Task {
      withUnsafeCurrentTask { $0?.cancel() }
      let synchronous = Outcome()
      await synchronous.record { try fetchSynchronously() }
      let asynchronous = Outcome()
      await asynchronous.record { try await download(url, timeout: 5) }
      return (synchronous, asynchronous)
    }.value
    XCTAssertEqual(synchronous.data, Data("v".utf8), synchronous.description)
    XCTAssertTrue(asynchronous.error is CancellationError, "expected a CancellationError, got \(asynchronous)")
    XCTAssertEqual(server.requestedPaths, ["/v"], "the cancelled async download must send nothing")
  }

  /// The blocking form may be called on threads of Swift's cooperative pool (one per core), for
  /// example by an observer of an async task; more such calls at once than there are cores must
  /// not wait for one another. A bridge that waited for a Swift task would deadlock the pool here:
  /// this test then reports its timeout, and the rest of the run hangs on the deadlocked pool.
  func testBlockingFormCalledFromMoreTasksThanCoresAtOnceDoesNotDeadlock() throws {
    let server = try LoopbackHTTPServer(routes: ["/v": .text("v")])
    defer { server.stop() }
    let url = server.url("/v")
    func fetchSynchronously() throws -> Data { try download(url, timeout: 5) }
    let count = 2 * ProcessInfo.processInfo.activeProcessorCount
    let ended = expectation(description: "every download ends")
    ended.expectedFulfillmentCount = count
    for _ in 0..<count {
      Task {
        XCTAssertEqual(try fetchSynchronously(), Data("v".utf8))
        ended.fulfill()
      }
    }
    wait(for: [ended], timeout: 20)
  }

  private func assertAsyncDownloadError(
    _ expression: @autoclosure () async throws -> Data, is expected: DownloadError, saying message: String,
    file: StaticString = #filePath, line: UInt = #line
  ) async {
    do {
      let data = try await expression()
      XCTFail("expected \(expected), got \(data.count) bytes", file: file, line: line)
    } catch {
      XCTAssertEqual(error as? DownloadError, expected, "\(type(of: error)): \(error)", file: file, line: line)
      XCTAssertEqual(String(describing: error), message, file: file, line: line)
    }
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

/// Saves what `url` answers into `saved.txt`, with the run's `[download]` limits.
private struct SaveTo: PipelineTask {
  @Parameter(help: "where to download from") var url: String = .required
  func output() -> LocalTarget { LocalTarget("saved.txt") }
  func run() throws { try download(url, to: output()) }
}

/// What a download in another task returned or threw, for the test to read once the task is done.
private final class Outcome: @unchecked Sendable, CustomStringConvertible {
  // Written by the task doing the download, read by the test only after that task has ended.
  private(set) var data: Data?
  private(set) var error: (any Error)?

  func record(_ fetch: () async throws -> Data) async {
    do { data = try await fetch() } catch { self.error = error }
  }

  var description: String {
    if let error { return "\(type(of: error)): \(error)" }
    return data.map { "\($0.count) bytes" } ?? "nothing yet"
  }
}

private struct FetchIris: PipelineTask {
  @Parameter(help: "where the data is") var address: String = .required
  func output() -> LocalTarget { LocalTarget("iris.data") }
  func run() async throws {
    try output().write(try await download(address, timeout: 10))
  }
}

private struct CountRows: PipelineTask {
  func requires() -> FetchIris { FetchIris() }
  func output() -> LocalTarget { LocalTarget("rows.txt") }
  func run() throws {
    try output().write("\(try input().lines().count)")
  }
}
