import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// Blocks its worker thread until `count` tasks have met (``RunProbe/meet(count:timeout:)``).
private struct BlockingMeeter: PipelineTask {
  @Parameter(help: "which one") var n: Int = 0
  var probe = RunProbe()
  var count = 4

  func output() -> LocalTarget { LocalTarget("blocking-\(n).txt") }
  func run() throws {
    guard probe.meet(count: count) else { throw PlannedFailure("blocking task \(n) met no one") }
    try output().write("met")
  }
}

/// Awaits, without blocking a thread, until `count` tasks have met.
private struct AsyncMeeter: PipelineTask {
  @Parameter(help: "which one") var n: Int = 0
  var meeting: MeetingPoint?

  func output() -> LocalTarget { LocalTarget("async-\(n).txt") }
  func run() async throws {
    try await Task.sleep(nanoseconds: 1_000)
    guard await meeting?.arrive() == true else { throw PlannedFailure("async task \(n) met no one") }
    try output().write("met")
  }
}

/// Awaits, then blocks its thread until `count` tasks have met: asynchronous tasks may block too.
private struct AsyncBlockingMeeter: PipelineTask {
  @Parameter(help: "which one") var n: Int = 0
  var probe = RunProbe()

  func output() -> LocalTarget { LocalTarget("mixed-\(n).txt") }
  func run() async throws {
    await Task.yield()
    guard probe.meet(count: 4) else { throw PlannedFailure("mixed task \(n) met no one") }
    try output().write("met")
  }
}

final class AsyncTaskTests: XCTestCase {
  /// Runs four tasks that each wait for the four to meet, with four workers on this 2-core machine.
  private func assertFourMeet(_ tasks: [any PipelineTask], file: StaticString = #filePath, line: UInt = #line) throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let result = try build(tasks, options: folder.options(workers: 4))
    XCTAssertTrue(
      result.success, result.records.compactMap(\.errorMessage).joined(separator: "; "), file: file, line: line)
    XCTAssertEqual(folder.files().count, 4, file: file, line: line)
  }

  func testFourBlockingSynchronousTasksAllMeetWithFourWorkersOnTwoCores() throws {
    let probe = RunProbe()
    try assertFourMeet((0..<4).map { BlockingMeeter(n: $0, probe: probe) })
  }

  func testFourAsynchronousTasksAllMeetWithFourWorkers() throws {
    let meeting = MeetingPoint(count: 4, patience: .seconds(20))
    try assertFourMeet((0..<4).map { AsyncMeeter(n: $0, meeting: meeting) })
  }

  func testSynchronousAndAsynchronousTasksAreInFlightTogether() throws {
    let probe = RunProbe()
    try assertFourMeet(
      [BlockingMeeter(n: 0, probe: probe), BlockingMeeter(n: 1, probe: probe)]
        + [AsyncBlockingMeeter(n: 0, probe: probe), AsyncBlockingMeeter(n: 1, probe: probe)])
  }

  func testBuildIsCallableFromAsynchronousCode() async throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let meeting = MeetingPoint(count: 2, patience: .seconds(20))

    let result = try await build(
      [AsyncMeeter(n: 1, meeting: meeting), AsyncMeeter(n: 2, meeting: meeting)],
      options: folder.options(workers: 2))

    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(folder.files(), ["async-1.txt", "async-2.txt"])
  }

  func testSwiftsOwnTaskKeepsItsMeaningWhereverPlumbIsImported() async throws {
    // This file imports Plumb; `Task { }` and `Task.sleep` are Swift's.
    let value = await Task { () -> Int in
      try? await Task.sleep(nanoseconds: 1_000)
      return 42
    }.value
    XCTAssertEqual(value, 42)
  }
}
