import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// Counts the runs of each flaky task by name, and fails the first `failures` of them.
private final class FlakyCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var runs: [String: Int] = [:]

  /// Notes a run of `name` and says whether it must fail: the first `failures` do.
  func runFails(_ name: String, failures: Int) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    runs[name, default: 0] += 1
    return runs[name, default: 0] <= failures
  }

  /// Forgets the runs of `name`, for a test that must use a fixed name.
  func reset(_ name: String) {
    lock.lock()
    defer { lock.unlock() }
    runs[name] = nil
  }

  func runs(of name: String) -> Int {
    lock.lock()
    defer { lock.unlock() }
    return runs[name, default: 0]
  }
}

private struct FlakyFailure: Error, CustomStringConvertible {
  var description: String { "not yet" }
}

/// A task that fails `failures` times, then writes its output; its policy is the test's.
private struct PolicyTask: PipelineTask {
  @Parameter var name: String = .required
  @Parameter var failures: Int = 0
  @Parameter var retries: Int = -1
  @Parameter var delay: Double = 0
  @Parameter var backoff: Double = 1
  @Parameter var maximumDelay: Double = 0
  static let counter = FlakyCounter()

  /// A policy of its own unless `retries` is negative; then the run's.
  var retryPolicy: RetryPolicy? {
    guard retries >= 0 else { return nil }
    return RetryPolicy(
      retries: retries, delay: delay, backoff: backoff, maximumDelay: maximumDelay > 0 ? maximumDelay : nil)
  }

  func output() -> LocalTarget { LocalTarget("\(name).txt") }

  func run() throws {
    if Self.counter.runFails(name, failures: failures) { throw FlakyFailure() }
    try output().write("ok")
  }
}

/// Notes the attempts the run announces, in order.
private final class Retries: @unchecked Sendable {
  private let lock = NSLock()
  private var attempts: [Int] = []

  var observer: TaskObserver {
    { [self] event in
      guard case .retrying(_, let attempt) = event else { return }
      lock.lock()
      attempts.append(attempt)
      lock.unlock()
    }
  }

  var seen: [Int] {
    lock.lock()
    defer { lock.unlock() }
    return attempts
  }
}

final class RetryPolicyTests: XCTestCase {
  private var folder: TemporaryFolder!
  private let start = Date(timeIntervalSince1970: 1_000_000)

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
  }

  private func options(retries: Int = 0, clock: ManualClock) -> RunOptions {
    var options = folder.options(retries: retries)
    options.clock = clock
    return options
  }

  private func waited(_ clock: ManualClock) -> TimeInterval {
    clock.now.timeIntervalSince(start)
  }

  func testTheDelaysOfAPolicy() {
    XCTAssertEqual((1...4).map { RetryPolicy(retries: 4, delay: 5).delay(beforeRetry: $0) }, [5, 5, 5, 5])
    XCTAssertEqual((1...4).map { RetryPolicy.exponential(retries: 4, delay: 2).delay(beforeRetry: $0) }, [2, 4, 8, 16])
    XCTAssertEqual(
      (1...5).map { RetryPolicy.exponential(retries: 5, delay: 2, maximumDelay: 10).delay(beforeRetry: $0) },
      [2, 4, 8, 10, 10])
    XCTAssertEqual(RetryPolicy(retries: -3).retries, 0, "a negative count means no retries")
  }

  func testATaskPolicyRetriesWithExponentialBackoffOnTheRunsClock() throws {
    let clock = ManualClock(now: start)
    let task = PolicyTask(name: "backoff-\(UUID())", failures: 3, retries: 3, delay: 10, backoff: 2)
    let retries = Retries()
    var options = options(clock: clock)
    options.observers.append(retries.observer)

    let result = try build([task], options: options)

    XCTAssertEqual(result.status(of: task), .succeeded)
    XCTAssertEqual(PolicyTask.counter.runs(of: task.name), 4)
    XCTAssertEqual(result.record(of: task)?.failureCount, 3)
    XCTAssertEqual(waited(clock), 10 + 20 + 40, "waits of 10, 20 and 40 s on the injected clock")
    XCTAssertEqual(retries.seen, [2, 3, 4])
    XCTAssertTrue(result.success)
  }

  func testTheBackoffIsCapped() throws {
    let clock = ManualClock(now: start)
    let task = PolicyTask(name: "capped-\(UUID())", failures: 4, retries: 4, delay: 10, backoff: 3, maximumDelay: 50)

    let result = try build([task], options: options(clock: clock))

    XCTAssertEqual(result.status(of: task), .succeeded)
    XCTAssertEqual(waited(clock), 10 + 30 + 50 + 50)
  }

  func testATaskPolicyOverridesTheRunsRetries() throws {
    let clock = ManualClock(now: start)
    let stubborn = PolicyTask(name: "stubborn-\(UUID())", failures: 5, retries: 0)
    let patient = PolicyTask(name: "patient-\(UUID())", failures: 2, retries: 2, delay: 1)

    let result = try build([stubborn, patient], options: options(retries: 5, clock: clock))

    XCTAssertEqual(result.status(of: stubborn), .failed)
    XCTAssertEqual(PolicyTask.counter.runs(of: stubborn.name), 1, "its own policy of no retries wins over --retries 5")
    XCTAssertEqual(result.status(of: patient), .succeeded)
    XCTAssertEqual(waited(clock), 2)
  }

  func testATaskWithoutAPolicyTakesTheRunsRetriesAndDelay() throws {
    let clock = ManualClock(now: start)
    let task = PolicyTask(name: "default-\(UUID())", failures: 2)
    var options = options(retries: 2, clock: clock)
    options.retryDelay = 7

    let result = try build([task], options: options)

    XCTAssertEqual(result.status(of: task), .succeeded)
    XCTAssertEqual(PolicyTask.counter.runs(of: task.name), 3)
    XCTAssertEqual(waited(clock), 14, "two waits of the run's 7 s, with no backoff")
  }

  func testThePolicyRunsOut() throws {
    let clock = ManualClock(now: start)
    let task = PolicyTask(name: "out-\(UUID())", failures: 10, retries: 2, delay: 1, backoff: 2)

    let result = try build([task], options: options(clock: clock))

    XCTAssertEqual(result.status(of: task), .failed)
    XCTAssertEqual(result.record(of: task)?.failureCount, 3)
    XCTAssertEqual(waited(clock), 1 + 2, "no wait after the last try")
  }

  func testTheSummaryNamesTheTasksThatSucceededInARetry() throws {
    let clock = ManualClock(now: start)
    let task = PolicyTask(name: "named", failures: 2, retries: 2)
    let steady = PolicyTask(name: "steady", retries: 2)
    PolicyTask.counter.reset(task.name)

    let result = try build([task, steady], options: options(clock: clock))

    XCTAssertEqual(
      result.summary,
      """

      ===== Plumb Execution Summary =====

      Scheduled 2 tasks of which:
      * 2 ran successfully:
          - 2 PolicyTask(...)

      This progress looks :) because there were failed tasks but they all succeeded in a retry

      Succeeded in a retry:
          - PolicyTask(name=named, failures=2, retries=2, delay=0.0, backoff=1.0, maximumDelay=0.0): on attempt 3, after 2 failures

      ===== Plumb Execution Summary =====

      """)
  }
}
