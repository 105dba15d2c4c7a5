import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// Collects a run's events as short text, from any worker thread.
private final class EventLog: @unchecked Sendable {
  private let lock = NSLock()
  private var entries: [(task: String, text: String)] = []
  private var errors: [String: any Error] = [:]

  func record(_ event: TaskEvent) {
    let text: String
    switch event {
    case .started: text = "started"
    case .succeeded: text = "succeeded"
    case .failed(_, let error):
      text = "failed: \(error)"
      lock.lock()
      errors[event.task.description] = error
      lock.unlock()
    case .processingTime(_, let seconds): text = seconds >= 0 ? "time" : "negative time"
    case .dependencyMissing: text = "missing"
    case .retrying(_, let attempt): text = "retrying \(attempt)"
    case .upstreamFailed: text = "upstream failed"
    }
    lock.lock()
    entries.append((event.task.description, text))
    lock.unlock()
  }

  /// The events of one task, in the order they were observed.
  func of(_ task: String) -> [String] {
    lock.lock()
    defer { lock.unlock() }
    return entries.filter { $0.task == "PlannedTask(name=\(task))" }.map(\.text)
  }

  /// Where the first event of `task` is in the whole log.
  func firstIndex(of task: String) -> Int? {
    lock.lock()
    defer { lock.unlock() }
    return entries.firstIndex { $0.task == "PlannedTask(name=\(task))" }
  }

  func lastIndex(of task: String) -> Int? {
    lock.lock()
    defer { lock.unlock() }
    return entries.lastIndex { $0.task == "PlannedTask(name=\(task))" }
  }

  func error(of task: String) -> (any Error)? {
    lock.lock()
    defer { lock.unlock() }
    return errors["PlannedTask(name=\(task))"]
  }
}

/// An external task whose data never arrives.
private struct Missing: ExternalTask {
  func output() -> LocalTarget { LocalTarget("never.txt") }
}

/// Needs the missing data.
private struct NeedsMissing: PipelineTask {
  func requires() -> Missing { Missing() }
  func output() -> LocalTarget { LocalTarget("needs.txt") }
  func run() throws { try output().write("x") }
}

private struct ObserverFailure: Error, CustomStringConvertible {
  var description: String { "observer broke" }
}

final class EventTests: XCTestCase {
  private func options(_ folder: TemporaryFolder, _ events: EventLog, workers: Int = 1, retries: Int = 0) -> RunOptions
  {
    var options = folder.options(workers: workers, retries: retries)
    options.observers.append(events.record)
    return options
  }

  func testEventsComeInOrderForEachTask() throws {
    for workers in [1, 3] {
      let folder = try TemporaryFolder(removedAfter: self)
      let events = EventLog()
      let plan = Plan(["top": ["a", "b"]])

      let result = try build([plan.task("top")], options: options(folder, events, workers: workers))

      XCTAssertTrue(result.success)
      for task in ["a", "b", "top"] {
        // Luigi's order: the run's duration comes before its outcome, so a handler of the outcome
        // already knows how long the run took.
        XCTAssertEqual(events.of(task), ["started", "time", "succeeded"], "\(task), \(workers) workers")
      }
      for requirement in ["a", "b"] {
        XCTAssertLessThan(events.lastIndex(of: requirement) ?? .max, events.firstIndex(of: "top") ?? -1)
      }
    }
  }

  func testAFailureCarriesTheError() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let events = EventLog()
    let plan = Plan(["top": ["boom"]])
    plan.probe.planFailures(of: "boom", times: 1)

    _ = try build([plan.task("top")], options: options(folder, events))

    XCTAssertEqual(events.of("boom"), ["started", "time", "failed: boom failed on purpose"])
    XCTAssertEqual((events.error(of: "boom") as? PlannedFailure)?.description, "boom failed on purpose")
    XCTAssertEqual(events.of("top"), ["upstream failed"], "named as the summary names it, when the run ends")
  }

  func testRetriesShowEachAttempt() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let events = EventLog()
    let plan = Plan()
    plan.probe.planFailures(of: "flaky", times: 2)

    _ = try build([plan.task("flaky")], options: options(folder, events, retries: 3))

    XCTAssertEqual(
      events.of("flaky"),
      [
        "started", "time", "failed: flaky failed on purpose", "retrying 2",
        "started", "time", "failed: flaky failed on purpose", "retrying 3",
        "started", "time", "succeeded",
      ])
  }

  func testAnUnfulfilledDependencyFailsWithoutStarting() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let events = EventLog()
    let plan = Plan(["needy": ["lazy"]])
    plan.writesNothing = ["lazy"]

    _ = try build([plan.task("needy")], options: options(folder, events))

    XCTAssertEqual(events.of("lazy"), ["started", "time", "succeeded"])
    XCTAssertEqual(events.of("needy").count, 1)
    XCTAssertTrue(events.of("needy").first?.hasPrefix("failed: Unfulfilled dependency at run time: ") == true)
  }

  func testMissingExternalDataIsAnEvent() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let missing = RunProbe()
    var options = folder.options()
    options.observers.append { event in
      if case .dependencyMissing(let task) = event { missing.note(task.description) }
    }

    let result = try build([NeedsMissing()], options: options)

    XCTAssertEqual(missing.log, ["Missing()"])
    XCTAssertEqual(result.status(of: NeedsMissing()), .pending)
  }

  func testAnObserverThatThrowsNeverStopsTheRun() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let events = EventLog()
    let logged = RunProbe()
    let plan = Plan(["top": ["a", "b"]])
    var options = options(folder, events, workers: 2)
    options.observers.insert({ _ in throw ObserverFailure() }, at: 0)
    options.logLevel = .warning
    options.logSink = { line in logged.note(line) }

    let result = try build([plan.task("top")], options: options)

    XCTAssertTrue(result.success)
    XCTAssertEqual(plan.probe.allRuns, ["a": 1, "b": 1, "top": 1])
    XCTAssertEqual(events.of("top"), ["started", "time", "succeeded"])
    XCTAssertTrue(
      logged.log.contains(
        "plumb: warning: an event observer failed on PlannedTask(name=top) and was ignored: observer broke"),
      logged.log.joined(separator: "\n"))
  }

  /// An observer busy with an event holds up no worker: with one worker, the next task runs and
  /// meets the observer, which is still on the first event. The run still reports every event, in
  /// order, once it returns.
  func testASlowObserverHoldsUpNoWorker() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let events = EventLog()
    let plan = Plan(["top": ["a", "b"]])
    plan.meetings["b"] = 2
    let firstEvent = Once()
    var options = options(folder, events)
    options.observers.insert(
      { _ in
        if firstEvent.claim() { plan.probe.note(plan.probe.meet(count: 2) ? "met b" : "waited in vain") }
      }, at: 0)

    let result = try build([plan.task("top")], options: options)

    XCTAssertTrue(result.success, result.summary)
    XCTAssertTrue(plan.probe.log.contains("met b"), "the worker waited for the observer: \(plan.probe.log)")
    for task in ["a", "b", "top"] {
      XCTAssertEqual(events.of(task), ["started", "time", "succeeded"], task)
    }
  }
}

/// True for the first caller only.
private final class Once: @unchecked Sendable {
  private let lock = NSLock()
  private var claimed = false

  func claim() -> Bool {
    lock.withLock {
      defer { claimed = true }
      return !claimed
    }
  }
}
