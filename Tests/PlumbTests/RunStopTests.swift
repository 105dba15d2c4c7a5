import Foundation
import Plumb
import PlumbTestSupport
import Synchronization
import XCTest

/// Sleeps for ten minutes unless cancelled; tells `started` when it begins.
private struct Sleeps: PipelineTask {
  var started: Started?

  func output() -> LocalTarget { LocalTarget("sleeps.txt") }

  func run() async throws {
    started?.signal()
    try await Task.sleep(nanoseconds: 600 * 1_000_000_000)
    try output().write("slept")
  }
}

/// Needs `Sleeps`, so a stopped run never starts it.
private struct AfterSleeps: PipelineTask {
  var started: Started?

  func requires() -> Sleeps { Sleeps(started: started) }
  func output() -> LocalTarget { LocalTarget("after.txt") }
  func run() throws { try output().write("after") }
}

/// A semaphore a task signals when it starts; not a parameter, so tasks compare equal without it.
private final class Started: Sendable {
  private let semaphore = DispatchSemaphore(value: 0)

  func signal() { semaphore.signal() }

  func wait() -> Bool { semaphore.wait(timeout: .now() + 60) == .success }
}

/// Stopping a run from code: ``RunStop`` and cancelling the task that awaits `build`.
final class RunStopTests: XCTestCase {
  private var folder: TemporaryFolder!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
  }

  func testCancellingTheAwaitingTaskInterruptsAsyncTasksAndStartsNoMore() async throws {
    let started = Started()
    let options = folder.options()
    let run = Task { try await build([AfterSleeps(started: started)], options: options) }
    XCTAssertTrue(started.wait())
    run.cancel()
    let result = try await run.value

    XCTAssertEqual(result.stopReason, "cancelled")
    XCTAssertEqual(result.exitCode, ExitCodes().notRun)
    let sleeps = try XCTUnwrap(result.record(of: Sleeps()))
    XCTAssertEqual(sleeps.status, .pending)
    XCTAssertTrue(sleeps.isInterrupted)
    XCTAssertEqual(sleeps.failureCount, 0)
    XCTAssertTrue(sleeps.error is CancellationError, "\(String(describing: sleeps.error))")
    let after = try XCTUnwrap(result.record(of: AfterSleeps()))
    XCTAssertEqual(after.status, .pending)
    XCTAssertFalse(after.isInterrupted)
    XCTAssertTrue(
      result.summary.contains(
        """
        The run was stopped (cancelled) before these tasks finished:
            - Sleeps(): its run was interrupted
            - 1 task was not started
        """), result.summary)
    XCTAssertEqual(folder.files(), [])
  }

  func testARunStopInterruptsARunFromSynchronousCode() throws {
    let started = Started()
    let stop = RunStop()
    var options = folder.options()
    options.stop = stop
    DispatchQueue.global().async {
      guard started.wait() else { return }
      stop.request(reason: "enough")
    }
    let result = try build([AfterSleeps(started: started)], options: options)

    XCTAssertEqual(result.stopReason, "enough")
    XCTAssertEqual(result.record(of: Sleeps())?.isInterrupted, true)
    XCTAssertEqual(result.status(of: AfterSleeps()), .pending)
  }

  func testARequestedStopRunsNothing() throws {
    let stop = RunStop()
    stop.request(reason: "before")
    stop.request(reason: "ignored")
    XCTAssertEqual(stop.reason, "before")
    var options = folder.options()
    options.stop = stop
    let result = try build([AfterSleeps()], options: options)

    XCTAssertEqual(result.stopReason, "before")
    XCTAssertEqual(result.records.map(\.status), [.pending, .pending])
    XCTAssertFalse(result.records.contains { $0.isInterrupted })
    XCTAssertTrue(result.summary.contains("    - 2 tasks were not started\n"), result.summary)
  }

  func testAnUnstoppedRunHasNoStopReason() throws {
    let result = try build([], options: folder.options())
    XCTAssertNil(result.stopReason)
  }

  func testTheGracePeriodComesFromTheConfigFile() throws {
    try folder.write("[core]\nstop_grace_period = 0.25\n", to: "plumb.cfg")
    XCTAssertEqual(RunOptions().stopGracePeriod, 5)
    let stop = RunStop()
    stop.request()
    var options = folder.options(readingConfigFiles: true)
    options.stop = stop
    options.logLevel = .warning
    let lines = LockedLines()
    options.logSink = { lines.append($0) }
    _ = try build([AfterSleeps()], options: options)
    XCTAssertTrue(lines.all.contains { $0.contains("running tasks have 0.25 s to end") }, "\(lines.all)")
  }
}

private final class LockedLines: Sendable {
  private let lines = Mutex<[String]>([])
  func append(_ line: String) { lines.withLock { $0.append(line) } }
  var all: [String] { lines.withLock { $0 } }
}
