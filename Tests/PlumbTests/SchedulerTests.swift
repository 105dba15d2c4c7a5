import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// Data that arrives from outside; its run must never be called.
private struct Arrival: ExternalTask {
  var probe = RunProbe()
  func output() -> LocalTarget { LocalTarget("arrival.txt") }
  func run() throws { probe.start("arrival") }
}

/// Needs the arrival.
private struct Consumer: PipelineTask {
  var probe = RunProbe()
  func requires() -> Arrival { Arrival(probe: probe) }
  func output() -> LocalTarget { LocalTarget("consumed.txt") }
  func run() throws {
    probe.start("consumer")
    try output().write(try input().read().uppercased())
  }
}

/// Groups two planned tasks.
private struct Bundle: WrapperTask {
  var plan = Plan()
  func requires() -> [PlannedTask] { ["a", "b"].map(plan.task) }
}

/// Writes nothing, so it is never complete and runs on every build.
private struct Greeting: PipelineTask {
  var probe = RunProbe()
  func run() throws { probe.start("greeting") }
}

final class SchedulerTests: XCTestCase {
  private func names(_ result: RunResult, _ status: TaskStatus) -> [String] {
    result.records.filter { $0.status == status }.map(\.info.description).sorted()
  }

  // MARK: - Completeness

  func testRunsRequirementsFirstAndEachTaskOnce() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let plan = Plan(["c": ["b1", "b2"], "b1": ["a"], "b2": ["a"]])
    let result = try build([plan.task("c"), plan.task("b1"), plan.task("c")], options: folder.options())

    XCTAssertEqual(
      result.records.map(\.info.description),
      ["PlannedTask(name=c)", "PlannedTask(name=b1)", "PlannedTask(name=b2)", "PlannedTask(name=a)"])
    XCTAssertEqual(names(result, .succeeded).count, 4)
    XCTAssertEqual(plan.probe.allRuns, ["a": 1, "b1": 1, "b2": 1, "c": 1])
    XCTAssertEqual(plan.probe.log.filter { $0.hasPrefix("start") }.first, "start a")
    XCTAssertEqual(plan.probe.log.filter { $0.hasPrefix("start") }.last, "start c")
    XCTAssertEqual(result.record(of: plan.task("c"))?.dependencies, ["PlannedTask(name=b1)", "PlannedTask(name=b2)"])
    XCTAssertTrue(result.success)
    XCTAssertEqual(folder.contents(of: "c.txt"), "done c\n")
  }

  func testACompleteTasksRequirementsAreNotVisited() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("done", to: "top.txt")
    let plan = Plan(["top": ["middle"], "middle": ["bottom"]])

    let result = try build([plan.task("top")], options: folder.options())

    XCTAssertEqual(result.records.map(\.info.description), ["PlannedTask(name=top)"])
    XCTAssertEqual(result.records.map(\.status), [.alreadyComplete])
    XCTAssertEqual(result.records.first?.dependencies, [])
    XCTAssertEqual(plan.probe.log, ["check top"])
    XCTAssertFalse(folder.contains("bottom.txt"))
  }

  func testALaterRunDoesOnlyWhatIsMissing() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let plan = Plan(["c": ["b"], "b": ["a"]])
    plan.probe.planFailures(of: "b", times: 1)

    let first = try build([plan.task("c")], options: folder.options())
    XCTAssertEqual(names(first, .succeeded), ["PlannedTask(name=a)"])
    XCTAssertEqual(names(first, .failed), ["PlannedTask(name=b)"])
    XCTAssertEqual(names(first, .pending), ["PlannedTask(name=c)"])
    XCTAssertFalse(first.success)

    let second = try build([plan.task("c")], options: folder.options())
    XCTAssertEqual(names(second, .alreadyComplete), ["PlannedTask(name=a)"])
    XCTAssertEqual(names(second, .succeeded), ["PlannedTask(name=b)", "PlannedTask(name=c)"])
    XCTAssertTrue(second.success)
    XCTAssertEqual(plan.probe.allRuns, ["a": 1, "b": 2, "c": 1])

    try FileManager.default.removeItem(atPath: folder.path(of: "c.txt"))
    let third = try build([plan.task("c")], options: folder.options())
    XCTAssertEqual(names(third, .alreadyComplete), ["PlannedTask(name=b)"])
    XCTAssertEqual(names(third, .succeeded), ["PlannedTask(name=c)"])
    XCTAssertEqual(plan.probe.allRuns, ["a": 1, "b": 2, "c": 2])
  }

  func testExternalTasksNeverRun() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let probe = RunProbe()
    let consumer = Consumer(probe: probe)

    let missing = try build([consumer], options: folder.options())
    XCTAssertEqual(missing.status(of: Arrival()), .pending)
    XCTAssertEqual(missing.record(of: Arrival())?.isExternal, true)
    XCTAssertEqual(missing.status(of: consumer), .pending)
    XCTAssertFalse(missing.success)
    XCTAssertEqual(probe.allRuns, [:])

    try folder.write("here", to: "arrival.txt")
    let arrived = try build([consumer], options: folder.options())
    XCTAssertEqual(arrived.status(of: Arrival()), .alreadyComplete)
    XCTAssertEqual(arrived.status(of: consumer), .succeeded)
    XCTAssertEqual(probe.allRuns, ["consumer": 1])
    XCTAssertEqual(folder.contents(of: "consumed.txt"), "HERE")
  }

  func testAWrapperIsCompleteWhenItsRequirementsAre() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let plan = Plan()
    let bundle = Bundle(plan: plan)

    let first = try build([bundle], options: folder.options())
    XCTAssertEqual(first.status(of: bundle), .succeeded)
    XCTAssertEqual(names(first, .succeeded).count, 3)
    XCTAssertEqual(plan.probe.allRuns, ["a": 1, "b": 1])

    let second = try build([bundle], options: folder.options())
    XCTAssertEqual(second.records.map(\.status), [.alreadyComplete])

    try FileManager.default.removeItem(atPath: folder.path(of: "b.txt"))
    let third = try build([bundle], options: folder.options())
    XCTAssertEqual(names(third, .succeeded), ["Bundle()", "PlannedTask(name=b)"])
    XCTAssertEqual(names(third, .alreadyComplete), ["PlannedTask(name=a)"])
  }

  func testATaskWithoutOutputsRunsEveryTime() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let probe = RunProbe()
    for _ in 0..<2 {
      XCTAssertEqual(try build([Greeting(probe: probe)], options: folder.options()).records.map(\.status), [.succeeded])
    }
    XCTAssertEqual(probe.runCount("greeting"), 2)
  }

  func testADependencyThatWroteNothingFailsItsDependent() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let plan = Plan(["needy": ["lazy"]])
    plan.writesNothing = ["lazy"]

    let result = try build([plan.task("needy")], options: folder.options())

    XCTAssertEqual(result.status(of: plan.task("lazy")), .succeeded)
    XCTAssertEqual(result.status(of: plan.task("needy")), .failed)
    let id = TaskInfo(plan.task("lazy")).id
    XCTAssertEqual(
      result.record(of: plan.task("needy"))?.errorMessage,
      "Unfulfilled dependency at run time: \(id) (\(folder.path(of: "lazy.txt")))")
    XCTAssertEqual(plan.probe.runCount("needy"), 0)
  }

  func testSeveralDependenciesThatWroteNothingAreAllNamed() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let plan = Plan(["needy": ["x", "y"]])
    plan.writesNothing = ["x", "y"]

    let result = try build([plan.task("needy")], options: folder.options())

    let x = TaskInfo(plan.task("x")).id
    let y = TaskInfo(plan.task("y")).id
    XCTAssertEqual(
      result.record(of: plan.task("needy"))?.errorMessage,
      "Unfulfilled dependencies at run time: \(x) (\(folder.path(of: "x.txt"))), \(y) (\(folder.path(of: "y.txt")))")
  }

  // MARK: - Failures and retries

  func testAFailureLeavesItsDependentsPendingAndTheRestRuns() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let plan = Plan(["above": ["top"], "top": ["boom", "fine"], "other": []])
    plan.probe.planFailures(of: "boom", times: 100)

    let result = try build([plan.task("above"), plan.task("other")], options: folder.options(workers: 2))

    XCTAssertEqual(result.status(of: plan.task("boom")), .failed)
    XCTAssertEqual(result.record(of: plan.task("boom"))?.errorMessage, "boom failed on purpose")
    XCTAssertEqual(result.record(of: plan.task("boom"))?.failureCount, 1)
    XCTAssertEqual(names(result, .pending), ["PlannedTask(name=above)", "PlannedTask(name=top)"])
    XCTAssertEqual(names(result, .succeeded), ["PlannedTask(name=fine)", "PlannedTask(name=other)"])
    XCTAssertEqual(plan.probe.runCount("top"), 0)
    XCTAssertEqual(plan.probe.runCount("above"), 0)
    XCTAssertFalse(result.success)
    XCTAssertFalse(folder.contains("boom.txt"))
  }

  func testARetriedTaskThatSucceedsCountsAsSucceeded() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let plan = Plan(["after": ["flaky"]])
    plan.probe.planFailures(of: "flaky", times: 2)

    let result = try build([plan.task("after")], options: folder.options(retries: 2))

    XCTAssertEqual(result.status(of: plan.task("flaky")), .succeeded)
    XCTAssertEqual(result.record(of: plan.task("flaky"))?.failureCount, 2)
    XCTAssertEqual(result.status(of: plan.task("after")), .succeeded)
    XCTAssertEqual(plan.probe.runCount("flaky"), 3)
    XCTAssertTrue(result.success)
  }

  func testRetriesRunOut() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let plan = Plan(["after": ["flaky"]])
    plan.probe.planFailures(of: "flaky", times: 2)

    let result = try build([plan.task("after")], options: folder.options(retries: 1))

    XCTAssertEqual(result.status(of: plan.task("flaky")), .failed)
    XCTAssertEqual(result.record(of: plan.task("flaky"))?.failureCount, 2)
    XCTAssertEqual(result.status(of: plan.task("after")), .pending)
    XCTAssertEqual(plan.probe.runCount("flaky"), 2)
  }

  func testACompletenessCheckThatThrowsIsASchedulingFailure() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let plan = Plan(["top": ["broken", "fine"]])
    plan.brokenChecks = ["broken"]

    let result = try build([plan.task("top")], options: folder.options())

    XCTAssertEqual(result.status(of: plan.task("broken")), .schedulingFailed)
    XCTAssertEqual(result.record(of: plan.task("broken"))?.errorMessage, "complete() failed: cannot check broken")
    XCTAssertEqual(result.status(of: plan.task("fine")), .succeeded)
    XCTAssertEqual(result.status(of: plan.task("top")), .pending)
    XCTAssertFalse(result.success)
  }

  // MARK: - Cycles

  private func assertCycle(
    _ plan: Plan, from root: String, is expected: [String], file: StaticString = #filePath, line: UInt = #line
  ) throws {
    let folder = try TemporaryFolder(removedAfter: self)
    XCTAssertThrowsError(try build([plan.task(root)], options: folder.options()), file: file, line: line) { error in
      XCTAssertEqual(
        error as? PipelineError, .cycle(expected.map { "PlannedTask(name=\($0))" }), file: file, line: line)
    }
    XCTAssertEqual(plan.probe.allRuns, [:], "no task may run when the graph has a cycle", file: file, line: line)
  }

  func testACycleIsRefusedAndNamedInOrder() throws {
    try assertCycle(Plan(["a": ["b"], "b": ["c"], "c": ["a"]]), from: "a", is: ["a", "b", "c", "a"])
  }

  func testACycleBelowTheRootIsNamedWithoutTheRoot() throws {
    try assertCycle(
      Plan(["root": ["fine", "a"], "a": ["b"], "b": ["c", "a"], "c": []]), from: "root", is: ["a", "b", "a"])
  }

  func testATaskRequiringItselfIsACycle() throws {
    try assertCycle(Plan(["me": ["me"]]), from: "me", is: ["me", "me"])
  }

  func testTheCycleErrorIsOneLine() {
    let error = PipelineError.cycle(["A()", "B()", "A()"])
    XCTAssertEqual(
      error.description,
      "the dependencies form a cycle: A() -> B() -> A(); a task cannot require itself, directly or through others")
  }

  func testACycleThroughACompleteTaskIsNeverSeen() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("done", to: "b.txt")
    let plan = Plan(["a": ["b"], "b": ["a"]])
    let result = try build([plan.task("a")], options: folder.options())
    XCTAssertEqual(result.status(of: plan.task("a")), .succeeded)
    XCTAssertEqual(result.status(of: plan.task("b")), .alreadyComplete)
  }
}
