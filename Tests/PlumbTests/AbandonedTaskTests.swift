import Foundation
import Plumb
import PlumbTestSupport
import Synchronization
import XCTest

/// What the test controls and watches of a task the run abandons: when it starts, when it goes on,
/// what its `require(_:)` threw, and how often the task it requires was asked whether it is complete.
private final class Gate: Sendable {
  private let started = DispatchSemaphore(value: 0)
  private let opened = DispatchSemaphore(value: 0)
  private let finished = DispatchSemaphore(value: 0)
  private let seen = Mutex<(completeCalls: Int, requireError: (any Error)?)>((0, nil))

  /// Called by the task when its `run()` begins.
  func taskStarted() { started.signal() }
  /// Waits for the task to start; `false` if it did not within a minute.
  func waitUntilStarted() -> Bool { started.wait(timeout: .now() + 60) == .success }
  /// Lets the task go on to its `require(_:)`.
  func open() { opened.signal() }
  /// Called by the task: blocks until the test opens the gate.
  func waitUntilOpened() { opened.wait() }
  /// Called by the task once `require(_:)` has returned or thrown.
  func taskFinished(requireError: (any Error)?) {
    seen.withLock { $0.requireError = requireError }
    finished.signal()
  }
  /// Waits for the task to finish; `false` if it did not within a minute.
  func waitUntilFinished() -> Bool { finished.wait(timeout: .now() + 60) == .success }

  func noteComplete() { seen.withLock { $0.completeCalls += 1 } }
  var completeCalls: Int { seen.withLock { $0.completeCalls } }
  var requireError: (any Error)? { seen.withLock { $0.requireError } }
}

/// A task the run has not met; it says when it is asked whether it is complete, as growing a
/// graph asks every task it adds.
private struct MetLate: PipelineTask {
  var gate: Gate?
  func output() -> LocalTarget { LocalTarget("met-late.txt") }
  func complete() throws -> Bool {
    gate?.noteComplete()
    return false
  }
  func run() throws { try output().write("late") }
}

/// Blocks its worker thread until the test opens the gate, then requires ``MetLate``.
private struct RequiresWhenLetGo: PipelineTask {
  var gate: Gate?
  func output() -> LocalTarget { LocalTarget("requires-late.txt") }
  func run() throws {
    gate?.taskStarted()
    gate?.waitUntilOpened()
    do {
      _ = try require(MetLate(gate: gate))
      gate?.taskFinished(requireError: nil)
    } catch {
      gate?.taskFinished(requireError: error)
      throw error
    }
  }
}

/// Tasks a stopped run leaves running after its grace period, which later reach for the run.
final class AbandonedTaskTests: XCTestCase {
  /// The run returns (and lets go of its graph) while the task is held; only then does the task
  /// call `require(_:)`. Growing the ended run's graph would visit `MetLate` (its `complete()`)
  /// and rewrite the node lists the run's end cleared, with no lock shared between the two.
  func testATaskAbandonedAfterTheGracePeriodCannotGrowTheEndedRunsGraph() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try assertAbandonedTaskCannotGrowTheGraph(options: folder.options(workers: 1), folder: folder)
  }

  /// The same with luigid, whose worker also asked the graph to grow before it checked that the
  /// run had ended.
  func testATaskAbandonedByALuigidWorkerCannotGrowTheEndedRunsGraph() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let luigid = try LuigidServer(for: self)
    var options = folder.options(workers: 1)
    options.scheduler = .central(luigid.scheduler)
    try assertAbandonedTaskCannotGrowTheGraph(options: options, folder: folder)
  }

  private func assertAbandonedTaskCannotGrowTheGraph(
    options: RunOptions, folder: TemporaryFolder, file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let gate = Gate()
    let stop = RunStop()
    var options = options
    options.stop = stop
    options.stopGracePeriod = 0
    DispatchQueue.global().async {
      guard gate.waitUntilStarted() else { return }
      stop.request(reason: "enough")
    }

    let result = try build([RequiresWhenLetGo(gate: gate)], options: options)
    XCTAssertEqual(result.stopReason, "enough", file: file, line: line)
    XCTAssertEqual(result.record(of: RequiresWhenLetGo())?.isInterrupted, true, "left behind", file: file, line: line)

    gate.open()
    XCTAssertTrue(
      gate.waitUntilFinished(), "the abandoned task never came back from require(_:)", file: file, line: line)
    XCTAssertEqual(gate.requireError as? DynamicRequirementError, .stopped, file: file, line: line)
    XCTAssertEqual(gate.completeCalls, 0, "the ended run's graph grew", file: file, line: line)
    XCTAssertFalse(folder.contains("met-late.txt"), file: file, line: line)
  }
}
