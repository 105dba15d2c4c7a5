import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbBuild
@testable import PlumbCore
@testable import PlumbLuigid
@testable import PlumbReporting
@testable import PlumbWorkers

/// A task for a scheduler that misbehaves.
private struct Solo: PipelineTask {
  func output() -> LocalTarget { LocalTarget("solo.txt") }
  func run() throws { try output().write("solo\n") }
}

/// A "luigid" that misbehaves (a loopback server standing in for it): silent, endless, dripping, or
/// not speaking luigid's JSON. Each call has a deadline, so none of these stalls a run.
final class CentralSchedulerFaultTests: XCTestCase {
  private var folder: TemporaryFolder!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
  }

  private static let null = LoopbackHTTPServer.Response.text("{\"response\": null}")

  private func options(for server: LoopbackHTTPServer) -> RunOptions {
    var scheduler = CentralScheduler(url: server.baseURL)
    scheduler.timeout = 1
    scheduler.retryAttempts = 1
    scheduler.waitInterval = 0.05
    var options = folder.options()
    options.scheduler = .central(scheduler)
    options.stopGracePeriod = 0.1
    return options
  }

  func testASchedulerThatNeverAnswersOrNeverStopsAnsweringIsUnreachable() throws {
    for answer in [LoopbackHTTPServer.Response.noAnswer, .endless, .drip, .status(500)] {
      let server = try LoopbackHTTPServer(routes: ["/api/add_worker": answer])
      defer { server.stop() }
      XCTAssertThrowsError(try build([Solo()], options: options(for: server)), "\(answer)") { error in
        guard case CentralSchedulerError.unreachable = error else { return XCTFail("\(answer): \(error)") }
      }
    }
    XCTAssertFalse(folder.contains("solo.txt"))
  }

  func testAnAnswerThatIsNotLuigidsSaysSo() throws {
    let server = try LoopbackHTTPServer(routes: ["/api/add_worker": .text("<html>a web server</html>")])
    defer { server.stop() }

    XCTAssertThrowsError(try build([Solo()], options: options(for: server))) { error in
      XCTAssertEqual(
        error as? CentralSchedulerError, .invalidAnswer(url: server.baseURL.absoluteString, method: "add_worker"))
    }
  }

  func testASchedulerFallingSilentMidRunStopsTheRunWithItsSummary() throws {
    let server = try LoopbackHTTPServer(routes: [
      "/api/add_worker": Self.null, "/api/add_task": Self.null, "/api/ping": Self.null, "/api/get_work": .noAnswer,
    ])
    defer { server.stop() }

    let result = try build([Solo()], options: options(for: server))
    XCTAssertEqual(result.exitCode, ExitCodes().schedulerUnreachable, result.summary)
    XCTAssertEqual(result.stopReason, "the central scheduler at \(server.baseURL.absoluteString) stopped answering")
    XCTAssertEqual(result.status(of: Solo()), .pending)
    XCTAssertTrue(result.summary.contains("- 1 task was not started"), result.summary)
    // What the run registered: the task with Luigi's fields, as a form field `data`.
    let registration = server.requests.first { $0.target.hasPrefix("/api/add_task") }
    let body = String(decoding: registration?.body ?? Data(), as: UTF8.self)
    XCTAssertTrue(body.hasPrefix("data=%7B"), body)
    let json = try JSONValue(parsing: Data((body.dropFirst(5).removingPercentEncoding ?? "").utf8))
    XCTAssertEqual(json["task_id"], .string(TaskInfo(Solo()).id))
    XCTAssertEqual(json["status"], "PENDING")
    XCTAssertEqual(json["runnable"], true)
    XCTAssertEqual(json["family"], "Solo")
    XCTAssertEqual(json["deps"], .array([]))
  }
}
