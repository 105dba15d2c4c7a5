import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbLuigid

/// `[worker] retry_external_tasks` on a real luigid (its test settings: a failed task is pending
/// again after 1 s): the external task is registered runnable, luigid hands it out, the check fails
/// with Luigi's `expl`, luigid hands it out again after its `retry_delay`, and a worker kept alive
/// waits for that. The data comes while it waits; the run completes. Luigi's own worker plays the
/// same scenario on a luigid of its own, and the summaries are compared.
final class CentralRetryExternalTests: XCTestCase {
  private static let config = """
    [worker]
    retry_external_tasks = true
    keep_alive = true
    wait_interval = 0.1
    wait_jitter = 0

    """

  func testAKeptAliveWorkerWaitsForLuigidToHandTheCheckOutAgainAndCompletesOnceTheDataComes() throws {
    let luigi = try luigiSummary()

    let folder = try TemporaryFolder(removedAfter: self)
    let luigid = try LuigidServer(for: self)
    try folder.write("1\n", to: "data-1.txt")
    var options = RunOptions()
    options.workingDirectory = folder.path
    // The key as Luigi's `[core]` section also names it; keep-alive as code sets it.
    options.configuration = try Configuration(text: "[core]\nretry-external-tasks = true\n")
    var scheduler = luigid.scheduler
    scheduler.keepsAlive = true
    options.scheduler = .central(scheduler)
    options.summaryShowsErrors = false
    options.logSink = { _ in }
    let finished = LuigidTestProcesses.buildInBackground([UseAll()], options: options)

    let dataID = TaskInfo(ExtData(n: 2)).id
    try LuigidTestProcesses.waitFor("luigid to have ExtData(n=2) FAILED") {
      guard
        case .object(let failed)? = try? luigid.api(
          "task_list", ["status": "FAILED", "upstream_status": "", "search": ""])
      else { return false }
      return failed[dataID] != nil
    }
    let error = try luigid.api("fetch_error", ["task_id": .string(dataID)])
    XCTAssertEqual(error["error"]?.string, #""Task is an external data dependency and data does not exist (yet?).""#)
    try folder.write("2\n", to: "data-2.txt")

    let result = try XCTUnwrap(finished(), "the run did not end within a minute")
    XCTAssertEqual(result.summary, luigi)
    XCTAssertTrue(result.summary.contains("* 4 ran successfully:\n    - 1 ExtData(n=2)\n"), result.summary)
    XCTAssertTrue(
      result.summary.contains(
        "This progress looks :) because there were failed tasks but they all succeeded in a retry\n"),
      result.summary)
    XCTAssertEqual(folder.contents(of: "use-2.txt"), "x")
    let done = try luigid.api("task_list", ["status": "DONE", "upstream_status": "", "search": ""])
    XCTAssertNotNil(done[TaskInfo(UseAll()).id], "luigid has the whole graph DONE")
  }

  /// Luigi's own worker in the same scenario, kept alive with the same settings from `luigi.cfg`:
  /// its summary, with Plumb's name in the frame.
  private func luigiSummary() throws -> String {
    let folder = try TemporaryFolder(removedAfter: self)
    let luigid = try LuigidServer(for: self)
    try folder.write("1\n", to: "data-1.txt")
    try folder.write(Self.config, to: "luigi.cfg")
    let process = try RetryExternalPipeline.startLuigi(in: folder, schedulerPort: luigid.port, for: self)
    try LuigidTestProcesses.waitFor("Luigi's worker to report ExtData(n=2) failed") {
      RetryExternalPipeline.luigiReportedFailure(in: folder)
    }
    try folder.write("2\n", to: "data-2.txt")
    return try RetryExternalPipeline.finish(process, in: folder)
  }
}
