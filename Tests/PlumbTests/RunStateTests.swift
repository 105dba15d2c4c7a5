import Plumb
import XCTest

@testable import PlumbCore
@testable import PlumbWorkers

/// A task that only gives the nodes of these tests a name.
private struct Step: PipelineTask {
  @Parameter var name: String = ""
  init() {}
  init(_ name: String) { self.name = name }
  func output() -> LocalTarget { LocalTarget("\(name).txt") }
  func run() throws {}
}

/// The run's bookkeeping alone: events in, actions out, no thread and no task run. Worker loops
/// waiting for a task are plain names here.
final class RunStateTests: XCTestCase {
  private var order = 0

  private func node(_ name: String, _ state: TaskNode.State = .pending, needs dependencies: [TaskNode] = [])
    -> TaskNode
  {
    let node = TaskNode(task: Step(name), info: TaskInfo(Step(name)), order: order)
    order += 1
    node.state = state
    for dependency in dependencies {
      node.dependencies.append(dependency)
      dependency.dependents.append(node)
    }
    return node
  }

  private func names(_ nodes: [TaskNode]) -> [String] { nodes.map(\.info.description) }

  func testBeginQueuesWhatIsRunnableAndBlocksWhatMissingDataHolds() {
    let done = node("done", .alreadyComplete)
    let runnable = node("runnable", needs: [done])
    let missing = node("missing", .missingExternal)
    let heldBack = node("heldBack", needs: [missing])
    let later = node("later", needs: [runnable])
    var state = RunState<String>(nodes: [done, runnable, missing, heldBack, later])

    XCTAssertTrue(state.begin())
    state.workersStarted(1)
    XCTAssertTrue(heldBack.isBlocked)
    XCTAssertFalse(later.isBlocked)
    XCTAssertEqual(later.unfinishedDependencies, 1)
    XCTAssertEqual(state.nextTask(isLent: false), .run(runnable))
    XCTAssertEqual(runnable.state, .running)
    XCTAssertEqual(state.nextTask(isLent: false), .wait, "one task runs, nothing else is runnable")
  }

  func testBeginWithNothingRunnableSaysSo() {
    var state = RunState<String>(nodes: [node("done", .alreadyComplete), node("missing", .missingExternal)])
    XCTAssertFalse(state.begin())
  }

  func testAWaitingWorkerWakesWhenNothingIsLeft() {
    let first = node("first")
    let second = node("second")
    var state = RunState<String>(nodes: [first, second])
    XCTAssertTrue(state.begin())
    state.workersStarted(3)
    XCTAssertEqual(state.nextTask(isLent: false), .run(first))
    XCTAssertEqual(state.nextTask(isLent: false), .run(second))
    XCTAssertEqual(state.nextTask(isLent: false), .wait)
    XCTAssertTrue(state.park("third"))

    XCTAssertEqual(state.finished(first, .succeeded).workers, [], "another task still runs")
    XCTAssertEqual(state.finished(second, .succeeded).workers, ["third"], "nothing left: all wake to end")
    XCTAssertEqual(state.nextTask(isLent: false), .exit)
    XCTAssertFalse(state.park("late"), "nothing runs: a loop does not wait for nothing")
  }

  func testAFinishedTaskReleasesItsDependentsAndWakesOneWorkerFewer() {
    let root = node("root")
    let dependents = ["a", "b", "c"].map { node($0, needs: [root]) }
    var state = RunState<String>(nodes: [root] + dependents)
    XCTAssertTrue(state.begin())
    state.workersStarted(4)
    XCTAssertEqual(state.nextTask(isLent: false), .run(root))
    for name in ["second", "third", "fourth"] {
      XCTAssertEqual(state.nextTask(isLent: false), .wait)
      XCTAssertTrue(state.park(name))
    }

    let wakes = state.finished(root, .succeeded)
    XCTAssertEqual(wakes.workers, ["second", "third"], "three released: the worker that ran root takes one")
    XCTAssertEqual(state.nextTask(isLent: false), .run(dependents[0]), "in the order they were met")
  }

  func testAFailureBlocksWhatWaitsOnItAndCountsOnce() {
    let failing = node("failing")
    let middle = node("middle", needs: [failing])
    let top = node("top", needs: [middle])
    var state = RunState<String>(nodes: [failing, middle, top])
    XCTAssertTrue(state.begin())
    state.workersStarted(1)
    XCTAssertEqual(state.nextTask(isLent: false), .run(failing))

    XCTAssertEqual(state.keep(CocoaError(.fileNoSuchFile), of: failing), true)
    _ = state.finished(failing, .failed)
    XCTAssertEqual(failing.failureCount, 1)
    XCTAssertEqual([middle.isBlocked, top.isBlocked], [true, true])
    XCTAssertEqual([middle.state, top.state], [.pending, .pending])
    XCTAssertEqual(state.nextTask(isLent: false), .exit)
  }

  func testAStopHandsOutNothingMoreAndCountsNoFailure() {
    let running = node("running")
    let queued = node("queued")
    var state = RunState<String>(nodes: [running, queued])
    XCTAssertTrue(state.begin())
    state.workersStarted(2)
    XCTAssertEqual(state.nextTask(isLent: false), .run(running))

    let wakes = state.stop("enough")
    XCTAssertEqual(wakes?.workers, [])
    XCTAssertTrue(state.isStopping)
    XCTAssertNil(state.stop("again"), "the first reason is kept")
    XCTAssertEqual(state.stopReason, "enough")
    XCTAssertEqual(state.nextTask(isLent: false), .exit, "queued, but not handed out")
    XCTAssertFalse(state.park("late"))
    XCTAssertEqual(state.keep(CancellationError(), of: running), false, "an error during a stop is no failure")
    XCTAssertEqual(running.failureCount, 0)
    XCTAssertTrue(running.error is CancellationError)
  }

  func testAStopWakesEveryWorkerAndRequireWaiting() {
    let waiter = node("waiter")
    let other = node("other")
    var state = RunState<String>(nodes: [waiter, other])
    XCTAssertTrue(state.begin())
    state.workersStarted(3)
    XCTAssertEqual(state.nextTask(isLent: false), .run(waiter))
    XCTAssertEqual(state.nextTask(isLent: false), .run(other))
    let slow = node("slow")
    let wait = DynamicWait {}
    _ = state.grew(GraphGrowth(requested: [slow], added: [slow]), waiter: waiter, wait: wait)
    XCTAssertEqual(state.nextTask(isLent: false), .run(slow))
    XCTAssertTrue(state.park("idle"))

    let wakes = state.stop("enough")
    XCTAssertEqual(wakes?.workers, ["idle"])
    XCTAssertEqual(wakes?.requirements.map(ObjectIdentifier.init), [ObjectIdentifier(wait)])
  }

  func testAPhaseOutHandsOutNothingMoreAndLetsWhatRunsFinish() {
    let running = node("running")
    let queued = node("queued")
    let after = node("after", needs: [running])
    var state = RunState<String>(nodes: [running, queued, after])
    XCTAssertTrue(state.begin())
    state.workersStarted(2)
    XCTAssertEqual(state.nextTask(isLent: false), .run(running))

    XCTAssertEqual(state.phaseOut("SIGUSR1")?.workers, [])
    XCTAssertNil(state.phaseOut("again"), "the first reason is kept")
    XCTAssertEqual(state.phaseOutReason, "SIGUSR1")
    XCTAssertFalse(state.isStopping, "no stop: no grace period, nothing cancelled")
    XCTAssertEqual(state.nextTask(isLent: false), .exit, "queued, but not handed out")
    XCTAssertFalse(state.park("late"))
    XCTAssertFalse(state.start(queued), "nor what luigid hands out")
    // What runs finishes as usual: a failure counts, success releases (nothing is handed out).
    XCTAssertEqual(state.keep(CocoaError(.fileNoSuchFile), of: running), true)
    _ = state.finished(running, .succeeded)
    XCTAssertEqual(running.state, .succeeded)
    XCTAssertEqual(state.nextTask(isLent: false), .exit)
    XCTAssertEqual([queued.state, after.state], [.pending, .pending])
    XCTAssertNotNil(state.stop("SIGTERM"), "a stop still stops a run phasing out")
  }

  func testAPhaseOutWakesIdleWorkersAndRequireWaitingWhichIsNoFailure() {
    let waiter = node("waiter")
    var state = RunState<String>(nodes: [waiter])
    XCTAssertTrue(state.begin())
    state.workersStarted(2)
    XCTAssertEqual(state.nextTask(isLent: false), .run(waiter))
    let slow = node("slow")
    let wait = DynamicWait {}
    _ = state.grew(GraphGrowth(requested: [slow], added: [slow]), waiter: waiter, wait: wait)
    XCTAssertEqual(state.nextTask(isLent: false), .run(slow))
    XCTAssertTrue(state.park("idle"))

    let wakes = state.phaseOut("SIGUSR1")
    XCTAssertEqual(wakes?.workers, ["idle"])
    XCTAssertEqual(wakes?.requirements.map(ObjectIdentifier.init), [ObjectIdentifier(wait)])
    XCTAssertEqual(state.keep(DynamicRequirementError.stopped, of: waiter), false, "woken by the phase-out")
    XCTAssertEqual(waiter.failureCount, 0)
    let late = node("late")
    XCTAssertFalse(state.link(GraphGrowth(requested: [late], added: [late]), requiredBy: slow))
  }

  func testTheEndAbandonsWhatRunsAndFreezesEveryNode() {
    let abandoned = node("abandoned")
    var state = RunState<String>(nodes: [abandoned])
    XCTAssertTrue(state.begin())
    state.workersStarted(1)
    XCTAssertEqual(state.nextTask(isLent: false), .run(abandoned))
    _ = state.stop("enough")

    XCTAssertEqual(state.end().map { $0 === abandoned }, [true])
    XCTAssertEqual(abandoned.state, .interrupted)
    _ = state.finished(abandoned, .succeeded)
    XCTAssertEqual(abandoned.state, .interrupted, "the run's records are handed out")
    XCTAssertFalse(state.record(abandoned, outcome: .succeeded))
    XCTAssertNil(state.keep(CocoaError(.fileNoSuchFile), of: abandoned))
    XCTAssertNil(abandoned.error as? CocoaError)
    let late = node("late")
    XCTAssertFalse(state.link(GraphGrowth(requested: [late], added: [late]), requiredBy: abandoned))
    XCTAssertEqual(state.nodes.count, 1)
    XCTAssertTrue(abandoned.dependencies.isEmpty)
  }

  func testRequirementsJoinTheRunAndTheWaiterLendsItsSlotUntilTheySettle() {
    let waiter = node("waiter")
    var state = RunState<String>(nodes: [waiter])
    XCTAssertTrue(state.begin())
    state.workersStarted(1)
    XCTAssertEqual(state.nextTask(isLent: false), .run(waiter))
    let first = node("first")
    let second = node("second")
    let wait = DynamicWait {}

    let joined = state.grew(
      GraphGrowth(requested: [first, second], added: [first, second]), waiter: waiter, wait: wait)
    guard case .success(true) = joined.outcome else { return XCTFail("\(joined.outcome)") }
    XCTAssertTrue(joined.startsLoop, "one worker, and it waits: a loop runs in its slot")
    XCTAssertEqual(state.loops, 2)
    XCTAssertEqual(names(waiter.dependencies), names([first, second]))
    XCTAssertEqual([first.depth, second.depth], [1, 1])
    XCTAssertEqual(state.nodes.count, 3)

    XCTAssertEqual(state.nextTask(isLent: true), .run(first))
    XCTAssertTrue(state.finished(first, .succeeded).requirements.isEmpty, "second is not done yet")
    XCTAssertEqual(state.nextTask(isLent: true), .run(second))
    let wakes = state.finished(second, .succeeded)
    XCTAssertEqual(wakes.requirements.map(ObjectIdentifier.init), [ObjectIdentifier(wait)])
    XCTAssertEqual(state.nextTask(isLent: true), .exit, "the slot is given back: the lent loop ends")
    XCTAssertEqual(state.loops, 1)
  }

  func testRequirementsThatAreSettledAlreadyNeedNoWait() {
    let waiter = node("waiter")
    var state = RunState<String>(nodes: [waiter])
    XCTAssertTrue(state.begin())
    state.workersStarted(1)
    XCTAssertEqual(state.nextTask(isLent: false), .run(waiter))
    let done = node("done", .alreadyComplete)

    let joined = state.grew(GraphGrowth(requested: [done], added: [done]), waiter: waiter, wait: DynamicWait {})
    guard case .success(false) = joined.outcome else { return XCTFail("\(joined.outcome)") }
    XCTAssertFalse(joined.startsLoop)
    XCTAssertEqual(state.loops, 1)
  }

  func testRequirementsThatWaitForTheWaiterFormACycle() {
    let waiter = node("waiter")
    var state = RunState<String>(nodes: [waiter])
    XCTAssertTrue(state.begin())
    state.workersStarted(2)
    XCTAssertEqual(state.nextTask(isLent: false), .run(waiter))
    XCTAssertTrue(state.park("idle"))
    let needsWaiter = node("needsWaiter")
    needsWaiter.dependencies = [waiter]

    let joined = state.grew(
      GraphGrowth(requested: [needsWaiter], added: [needsWaiter], links: [(needsWaiter, waiter)]),
      waiter: waiter, wait: DynamicWait {})
    guard case .failure(let error) = joined.outcome else { return XCTFail("\(joined.outcome)") }
    XCTAssertEqual(error as? DynamicRequirementError, .cycle(names([waiter, needsWaiter, waiter])))
    XCTAssertFalse(joined.startsLoop)
  }

  func testRequirementsDuringAStopAreRefusedAndNotLinked() {
    let waiter = node("waiter")
    var state = RunState<String>(nodes: [waiter])
    XCTAssertTrue(state.begin())
    state.workersStarted(1)
    XCTAssertEqual(state.nextTask(isLent: false), .run(waiter))
    _ = state.stop("enough")
    let late = node("late")

    let joined = state.grew(GraphGrowth(requested: [late], added: [late]), waiter: waiter, wait: DynamicWait {})
    guard case .failure(let error) = joined.outcome else { return XCTFail("\(joined.outcome)") }
    XCTAssertEqual(error as? DynamicRequirementError, .stopped)
    XCTAssertTrue(waiter.dependencies.isEmpty)
    XCTAssertEqual(state.nodes.count, 1)
  }

  func testATaskRunnableFromTheGrowthWakesAnIdleWorker() {
    let waiter = node("waiter")
    let other = node("other")
    var state = RunState<String>(nodes: [waiter, other])
    XCTAssertTrue(state.begin())
    state.workersStarted(3)
    XCTAssertEqual(state.nextTask(isLent: false), .run(waiter))
    XCTAssertEqual(state.nextTask(isLent: false), .run(other))
    XCTAssertTrue(state.park("idle"))
    let requirement = node("requirement")

    let joined = state.grew(
      GraphGrowth(requested: [requirement], added: [requirement]), waiter: waiter, wait: DynamicWait {})
    XCTAssertEqual(joined.workers, ["idle"])
  }

  func testATaskLuigidHandsOutStartsOnceAndNotDuringAStop() {
    let task = node("task")
    let external = node("external", .missingExternal)
    let other = node("other")
    var state = RunState<Never>(nodes: [task, external, other])

    XCTAssertTrue(state.start(task))
    XCTAssertFalse(state.start(task), "already running")
    XCTAssertFalse(state.start(external))
    XCTAssertTrue(state.record(task, outcome: .succeeded))
    XCTAssertEqual(task.state, .succeeded)
    _ = state.stop("enough")
    XCTAssertFalse(state.start(other))
  }
}
