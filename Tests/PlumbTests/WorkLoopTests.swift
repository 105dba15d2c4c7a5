import Foundation
import Plumb
import Synchronization
import XCTest

@testable import PlumbReporting
@testable import PlumbWorkers

/// The start, stop and grace period both schedulers share (``WorkLoop``), driven directly. A loop
/// that must outlive a stop waits on a continuation the test holds, or in a minute's `Task.sleep`
/// that cancellation is expected to cut short: no test waits for time to pass, and a loop that is
/// not cancelled fails its test after that minute instead of hanging it.
final class WorkLoopTests: XCTestCase {
  /// The lines the loops under test log.
  private final class Lines: Sendable {
    let lines = Mutex<[String]>([])
  }

  private let logged = Lines()

  private func workLoop(grace: TimeInterval) -> WorkLoop {
    let log = RunLog(level: .warning, sink: { [logged] line in logged.lines.withLock { $0.append(line) } })
    return WorkLoop(log: log, gracePeriod: grace)
  }

  func testARunReturnsWhenItsLoopEnds() async {
    let loop = workLoop(grace: 3600)
    let ran = Mutex(false)
    await loop.run(observing: nil, onStop: { _ in XCTFail("nothing stopped the run") }, onPhaseOut: { _ in }) {
      ran.withLock { $0 = true }
    }
    XCTAssertTrue(ran.withLock { $0 })
    XCTAssertEqual(logged.lines.withLock { $0 }, [])
  }

  /// A loop held by work that ignores cancellation (as a synchronous task's `run()` does) does not
  /// keep the run past the grace period; the loop is cancelled and the stop is logged once.
  func testAStoppedRunReturnsAfterTheGracePeriodWhileItsLoopIsHeld() async {
    let loop = workLoop(grace: 0)
    let stop = RunStop()
    let held = Mutex<CheckedContinuation<Void, Never>?>(nil)
    let sawCancellation = Mutex<Bool?>(nil)
    let loopEnded = expectation(description: "the held loop ends once released")
    await loop.run(observing: stop, onStop: { reason in loop.stop(reason) }, onPhaseOut: { _ in }) {
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        held.withLock { $0 = continuation }
        stop.request(reason: "test")
      }
      sawCancellation.withLock { $0 = Task.isCancelled }
      loopEnded.fulfill()
    }
    // The run has returned while the loop is still held.
    XCTAssertNil(sawCancellation.withLock { $0 }, "the run waited for its loop beyond the grace period")
    XCTAssertEqual(
      logged.lines.withLock { $0.map { $0.contains("stopping (test): no new tasks; running tasks have 0 s to end") } },
      [true])
    held.withLock { $0 }?.resume()
    await fulfillment(of: [loopEnded], timeout: 60)
    XCTAssertEqual(sawCancellation.withLock { $0 }, true)
  }

  /// A stop that came before the run cancels its loop at once, and the run still waits for the
  /// loop while the grace period lasts.
  func testALoopStartedAfterAStopIsCancelledAtOnce() async {
    let loop = workLoop(grace: 3600)
    loop.stop("early")
    let outcome = Mutex<String?>(nil)
    await loop.run(observing: nil, onStop: { _ in }, onPhaseOut: { _ in }) {
      do {
        try await Task.sleep(for: .seconds(60))
        outcome.withLock { $0 = "slept" }
      } catch {
        outcome.withLock { $0 = "cancelled" }
      }
    }
    XCTAssertEqual(outcome.withLock { $0 }, "cancelled")
  }

  /// Cancelling the Swift task awaiting the run is a stop with the reason `cancelled`, whose owner
  /// then stops the loop.
  func testCancellingTheAwaitingTaskStopsTheRunAsCancelled() async {
    let loop = workLoop(grace: 3600)
    let reasons = Mutex<[String]>([])
    let started = expectation(description: "the loop started")
    let run = Task {
      await loop.run(
        observing: nil,
        onStop: { reason in
          reasons.withLock { $0.append(reason) }
          loop.stop(reason)
        }, onPhaseOut: { _ in }
      ) {
        started.fulfill()
        try? await Task.sleep(for: .seconds(60))
      }
    }
    await fulfillment(of: [started], timeout: 60)
    run.cancel()
    await run.value
    XCTAssertEqual(reasons.withLock { $0 }, ["cancelled"])
  }

  /// Loops adopted beside the first (a slot lent by a task waiting for its requirements) are
  /// cancelled with it, including one adopted after the stop.
  func testAdoptedLoopsAreCancelledWithTheRun() async {
    let loop = workLoop(grace: 3600)
    let cancelled = Mutex(0)
    let sleeper: @Sendable () async -> Void = {
      do { try await Task.sleep(for: .seconds(60)) } catch { cancelled.withLock { $0 += 1 } }
    }
    let stop = RunStop()
    let before = Task { await sleeper() }
    await loop.run(observing: stop, onStop: { reason in loop.stop(reason) }, onPhaseOut: { _ in }) {
      loop.adopt(before)
      stop.request(reason: "test")
      let after = Task { await sleeper() }
      loop.adopt(after)
      await sleeper()
      await before.value
      await after.value
    }
    XCTAssertEqual(cancelled.withLock { $0 }, 3)
  }
}
