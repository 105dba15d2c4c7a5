import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbBuild
@testable import PlumbCore
@testable import PlumbLuigid
@testable import PlumbWorkers

/// Counts the tasks running at once, under a lock, and lets a task wait for a partner.
private final class Occupancy: @unchecked Sendable {
  private let condition = NSCondition()
  private var current = 0
  private var started = 0
  private(set) var peak = 0
  let total: Int

  init(total: Int) { self.total = total }

  /// Enters; when `pairing`, waits until another task is in too or every task has started, so
  /// that two tasks that may overlap do. Gives up after 20 s, so a broken scheduler fails the
  /// test instead of hanging it.
  func enter(pairing: Bool) {
    condition.lock()
    defer { condition.unlock() }
    current += 1
    started += 1
    peak = max(peak, current)
    condition.broadcast()
    let deadline = Date(timeIntervalSinceNow: 20)
    while pairing && current < 2 && started < total {
      if !condition.wait(until: deadline) { return }
    }
  }

  func leave() {
    condition.lock()
    defer { condition.unlock() }
    current -= 1
    condition.broadcast()
  }

  var mostAtOnce: Int {
    condition.lock()
    defer { condition.unlock() }
    return peak
  }
}

/// A task that holds `amount` of `resource` while it runs.
private struct Booking: PipelineTask {
  @Parameter var n: Int = 0
  @Parameter var resource: String = "db"
  @Parameter var amount: Int = 1
  var occupancy = Occupancy(total: 0)
  var pairing = true

  var resources: [String: Int] { [resource: amount] }
  func output() -> LocalTarget { LocalTarget("booking-\(resource)-\(n).txt") }
  func run() throws {
    occupancy.enter(pairing: pairing)
    defer { occupancy.leave() }
    try output().write("\(n)\n")
  }
}

/// Holds `db` and requires a booking of it while it runs; counted in `occupancy` while it holds
/// `db`, before and after the wait.
private struct Loader: PipelineTask {
  var occupancy = Occupancy(total: 0)
  var resources: [String: Int] { ["db": 1] }
  func output() -> LocalTarget { LocalTarget("loader.txt") }
  func run() throws {
    occupancy.enter(pairing: false)
    occupancy.leave()
    _ = try require(Booking(n: 1, occupancy: occupancy, pairing: false))
    occupancy.enter(pairing: false)
    defer { occupancy.leave() }
    try output().write("loaded\n")
  }
}

/// Holds the bookings of a test.
private struct Bookings: WrapperTask {
  var tasks: [Booking] = []
  func requires() -> [Booking] { tasks }
}

/// A task of the hand-out rules, here and in `CentralResourceTests`: `holding` is what it holds
/// while it runs.
struct ResourceHolder: PipelineTask {
  @Parameter var name: String = ""
  var holding: [String: Int] = [:]
  var resources: [String: Int] { holding }
  func run() throws {}
}

/// The order in which tasks started, under a lock, and a wait for one of them to start.
private final class StartOrder: @unchecked Sendable {
  private let condition = NSCondition()
  private var started: [String] = []

  func start(_ name: String) {
    condition.lock()
    defer { condition.unlock() }
    started.append(name)
    condition.broadcast()
  }

  /// Waits until one of `names` has started. Gives up after 20 s, so that a scheduler that never
  /// starts them fails the test instead of hanging it.
  func waitForAny(of names: Set<String>) {
    condition.lock()
    defer { condition.unlock() }
    let deadline = Date(timeIntervalSinceNow: 20)
    while !started.contains(where: names.contains) {
      if !condition.wait(until: deadline) { return }
    }
  }

  var names: [String] {
    condition.lock()
    defer { condition.unlock() }
    return started
  }
}

/// A step of ``testAnUrgentTaskWaitingForAResourceIsNotStarvedByLessUrgentTasksThatFitBesideWhatRuns``:
/// records its start, then waits until one of `waitsFor` has started.
private struct Step: PipelineTask {
  @Parameter var name: String = ""
  var priorityValue = 0
  var holding: [String: Int] = [:]
  var after: [Step] = []
  var waitsFor: Set<String> = []
  var order = StartOrder()

  var priority: Int { priorityValue }
  var resources: [String: Int] { holding }
  func requires() -> [Step] { after }
  func output() -> LocalTarget { LocalTarget("step-\(name).txt") }
  func run() throws {
    order.start(name)
    if !waitsFor.isEmpty { order.waitForAny(of: waitsFor) }
    try output().write("\(name)\n")
  }
}

private struct Steps: WrapperTask {
  var tasks: [Step] = []
  func requires() -> [Step] { tasks }
}

/// `resources` and `[resources]`: the local scheduler never lets the running tasks hold more of a
/// resource than its limit, 1 for a resource not listed, matches names exactly and reserves for
/// urgent tasks as luigid does; luigid is told each task's resources.
final class ResourceTests: XCTestCase {
  private var order = 0

  private func node(_ task: any PipelineTask, priority: Int = 0) -> TaskNode {
    defer { order += 1 }
    let node = TaskNode(task: task, info: TaskInfo(task), order: order)
    node.state = .pending
    node.priority = priority
    return node
  }

  /// `dependent` waits for `dependency`.
  private func link(_ dependent: TaskNode, to dependency: TaskNode) {
    dependent.dependencies.append(dependency)
    dependency.dependents.append(dependent)
  }

  func testATaskWaitsWhileItsResourceIsAtItsLimitAndRunsOnceOneIsLetGo() {
    let first = node(Booking(n: 1))
    let second = node(Booking(n: 2))
    let third = node(Booking(n: 3))
    let free = node(Booking(n: 4, resource: "elsewhere"))
    var state = RunState<String>(nodes: [first, second, third, free], resourceLimits: ["db": 2, "elsewhere": 1])
    XCTAssertTrue(state.begin())
    state.workersStarted(4)
    XCTAssertEqual(state.nextTask(isLent: false), .run(first))
    XCTAssertEqual(state.nextTask(isLent: false), .run(second))
    XCTAssertEqual(state.nextTask(isLent: false), .run(free), "db is at its limit; another resource is not")
    XCTAssertEqual(state.nextTask(isLent: false), .wait)
    XCTAssertEqual(third.state, .pending)
    XCTAssertTrue(state.park("fourth"))

    XCTAssertEqual(state.finished(free, .succeeded).workers, [], "letting go of elsewhere frees no db")
    XCTAssertEqual(state.nextTask(isLent: false), .wait)
    XCTAssertTrue(state.park("fifth"))
    _ = state.finished(first, .succeeded)
    XCTAssertEqual(state.nextTask(isLent: false), .run(third))
  }

  func testAResourceNotListedHasLimitOneAndANeedBeyondTheLimitNeverRuns() {
    let first = node(Booking(n: 1, resource: "unlisted"))
    let second = node(Booking(n: 2, resource: "unlisted"))
    let greedy = node(Booking(n: 3, resource: "db", amount: 3))
    var state = RunState<String>(nodes: [first, second, greedy], resourceLimits: ["db": 2])
    XCTAssertTrue(state.begin())
    state.workersStarted(3)
    XCTAssertEqual(state.nextTask(isLent: false), .run(first))
    XCTAssertEqual(state.nextTask(isLent: false), .wait)
    _ = state.finished(first, .succeeded)
    XCTAssertEqual(state.nextTask(isLent: false), .run(second))
    _ = state.finished(second, .succeeded)
    XCTAssertEqual(state.nextTask(isLent: false), .exit, "3 db never fit in 2")
    XCTAssertEqual(greedy.state, .pending)
  }

  /// luigid matches a task's resource names to its `[resources]` exactly, as written (measured:
  /// `CentralResourceTests`), and so does the local scheduler: `db` is not `DB`, `my_db` is not
  /// `my-db`, and each has limit 1.
  func testResourceNamesMatchTheConfigFileExactly() throws {
    let limits = try Configuration(text: "[resources]\nDB = 2\nmy-db = 2\n").resourceLimits()
    XCTAssertEqual(limits, ["DB": 2, "my-db": 2])
    let names = ["DB", "DB", "db", "db", "Db", "my-db", "my-db", "my_db", "my_db"]
    let nodes = names.enumerated().map { node(ResourceHolder(name: "\($0.offset)", holding: [$0.element: 1])) }
    var state = RunState<String>(nodes: nodes, resourceLimits: limits)
    XCTAssertTrue(state.begin())
    state.workersStarted(nodes.count)
    var started: [String] = []
    while case .run(let node) = state.nextTask(isLent: false) { started += node.resources.keys }
    XCTAssertEqual(started, ["DB", "DB", "db", "Db", "my-db", "my-db", "my_db"])
  }

  /// luigid's `get_work`: `big` (urgent, needing both of db's 2) becomes runnable while `small1`
  /// holds one; it reserves db, so the less urgent `small2`, which would fit beside `small1`, waits,
  /// and `big` runs once `small1` lets go. A scheduler that handed out whatever fits would start
  /// `small2`, then `small3` when `small1` ends, and so on: `big` would wait for all of them.
  func testAnUrgentTaskReservesAResourceLessUrgentTasksWouldOtherwiseTake() {
    let gate = node(ResourceHolder(name: "gate"), priority: 100)
    let big = node(ResourceHolder(name: "big", holding: ["db": 2]), priority: 100)
    link(big, to: gate)
    let smalls = (1...3).map { node(ResourceHolder(name: "small\($0)", holding: ["db": 1])) }
    var state = RunState<String>(nodes: [gate, big] + smalls, resourceLimits: ["db": 2])
    XCTAssertTrue(state.begin())
    state.workersStarted(2)
    XCTAssertEqual(state.nextTask(isLent: false), .run(gate))
    XCTAssertEqual(state.nextTask(isLent: false), .run(smalls[0]))

    _ = state.finished(gate, .succeeded)
    XCTAssertEqual(state.nextTask(isLent: false), .wait, "big reserves db; small2 must not take it")
    XCTAssertTrue(state.park("gate's worker"))
    XCTAssertEqual(state.finished(smalls[0], .succeeded).workers, ["gate's worker"])
    XCTAssertEqual(state.nextTask(isLent: false), .run(big))
    XCTAssertEqual(state.nextTask(isLent: false), .wait, "big holds both")
    _ = state.finished(big, .succeeded)
    XCTAssertEqual(state.nextTask(isLent: false), .run(smalls[1]))
    XCTAssertEqual(state.nextTask(isLent: false), .run(smalls[2]))
  }

  /// luigid lets a worker reserve for at most as many tasks as it has slots, its running tasks
  /// ahead counted (`greedy_workers`): with 2 slots, `a` and `b` reserve theirs and `c` cannot, so
  /// `laterB` waits while `laterC`, less urgent than `c` and fitting beside what runs, takes the
  /// unit of `c` that `c` waits for.
  func testReservationsAreAtMostOnePerSlot() {
    let limits = ["a": 2, "b": 2, "c": 2]
    let running = node(ResourceHolder(name: "running", holding: ["a": 1, "b": 1, "c": 1]))
    let urgent = ["a", "b", "c"].map { node(ResourceHolder(name: $0, holding: [$0: 2]), priority: 10) }
    let laterB = node(ResourceHolder(name: "laterB", holding: ["b": 1]))
    let laterC = node(ResourceHolder(name: "laterC", holding: ["c": 1]))
    let gate = node(ResourceHolder(name: "gate"), priority: 20)
    for task in urgent { link(task, to: gate) }
    var state = RunState<String>(nodes: [gate, running] + urgent + [laterB, laterC], resourceLimits: limits)
    XCTAssertTrue(state.begin())
    state.workersStarted(2)
    XCTAssertEqual(state.nextTask(isLent: false), .run(gate))
    XCTAssertEqual(state.nextTask(isLent: false), .run(running))
    _ = state.finished(gate, .succeeded)
    XCTAssertEqual(state.nextTask(isLent: false), .run(laterC))
  }

  /// What a task running ahead holds counts as reserved for the tasks after it, as in luigid:
  /// `waiting`, which cannot fit beside `first`, reserves nothing, and `later` takes db's second unit.
  func testWhatARunningTaskAheadHoldsCountsAsReserved() {
    let first = node(ResourceHolder(name: "first", holding: ["db": 1]), priority: 20)
    let gate = node(ResourceHolder(name: "gate"), priority: 20)
    let waiting = node(ResourceHolder(name: "waiting", holding: ["db": 2]), priority: 10)
    link(waiting, to: gate)
    let later = node(ResourceHolder(name: "later", holding: ["db": 1]))
    var state = RunState<String>(nodes: [first, gate, waiting, later], resourceLimits: ["db": 2])
    XCTAssertTrue(state.begin())
    state.workersStarted(2)
    XCTAssertEqual(state.nextTask(isLent: false), .run(first))
    XCTAssertEqual(state.nextTask(isLent: false), .run(gate))
    _ = state.finished(gate, .succeeded)
    XCTAssertEqual(state.nextTask(isLent: false), .run(later))
  }

  /// The rule of `testAnUrgentTaskReservesAResourceLessUrgentTasksWouldOtherwiseTake` in a run with
  /// two workers. `gate` (urgent, as `big` requires it) runs beside `small1`; `small1` holds db
  /// until the next task starts after `gate`: luigid's rule starts `idle`, which needs nothing,
  /// while `big` waits for db, and `big` runs next; a scheduler that handed out whatever fits
  /// would start `small2` and keep `big` waiting behind every small task.
  func testAnUrgentTaskWaitingForAResourceIsNotStarvedByLessUrgentTasksThatFitBesideWhatRuns() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let order = StartOrder()
    let smalls = (1...4).map { n in
      Step(
        name: "small\(n)", holding: ["db": 1], waitsFor: n == 1 ? ["idle", "small2"] : [], order: order)
    }
    let gate = Step(name: "gate", waitsFor: ["small1"], order: order)
    let big = Step(name: "big", priorityValue: 100, holding: ["db": 2], after: [gate], order: order)
    let idle = Step(name: "idle", priorityValue: -1, order: order)
    var options = folder.options(workers: 2)
    options.resourceLimits = ["db": 2]

    let result = try build([Steps(tasks: [big] + smalls + [idle])], options: options)

    XCTAssertTrue(result.success, result.summary)
    let started = order.names
    XCTAssertEqual(Set(started.prefix(2)), ["gate", "small1"])
    XCTAssertEqual(Array(started.dropFirst(2).prefix(2)), ["idle", "big"], "\(started)")
    XCTAssertEqual(Set(started.dropFirst(4)), ["small2", "small3", "small4"])
  }

  func testFourWorkersRunAtMostTwoTasksHoldingAResourceWithLimitTwoFromTheConfigFile() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[resources]\ndb = 2\n", to: "plumb.cfg")
    let occupancy = Occupancy(total: 8)
    let tasks = (1...8).map { Booking(n: $0, occupancy: occupancy) }

    let result = try build([Bookings(tasks: tasks)], options: folder.options(workers: 4, readingConfigFiles: true))

    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(result.summary.contains("* 9 ran successfully:"), true, result.summary)
    XCTAssertEqual(occupancy.mostAtOnce, 2, "two at once, never more")
  }

  func testAResourceTheConfigDoesNotListRunsOneTaskAtATime() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let occupancy = Occupancy(total: 6)
    let tasks = (1...6).map { Booking(n: $0, resource: "printer", occupancy: occupancy, pairing: false) }
    var options = folder.options(workers: 4)
    options.resourceLimits = ["db": 4]

    let result = try build([Bookings(tasks: tasks)], options: options)

    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(occupancy.mostAtOnce, 1)
  }

  func testANeedBeyondTheLimitIsNotGrantedRunPermission() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    var options = folder.options(workers: 2)
    options.resourceLimits = ["db": 2]

    let result = try build([Booking(n: 1, amount: 3, pairing: false)], options: options)

    XCTAssertFalse(result.success)
    XCTAssertTrue(result.summary.contains("was not granted run permission by the scheduler"), result.summary)
  }

  func testABadLimitInTheConfigFileIsAnError() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[resources]\ndb = many\n", to: "plumb.cfg")
    XCTAssertThrowsError(try build([Booking(n: 1)], options: folder.options(readingConfigFiles: true))) {
      XCTAssertTrue("\($0)".contains("[resources] db must be an integer, not 'many'"), "\($0)")
    }
  }

  /// Luigi's worker ends a task that yields new requirements, which is PENDING again in luigid and
  /// holds nothing; a Plumb task waiting in `require(_:)` lets go of its resources the same way, so
  /// a loader holding the one `db` can require a booking of `db`, and takes `db` back, before the
  /// bookings not started yet, once its booking is done.
  func testATaskWaitingInRequireLetsGoOfItsResourceAndTakesItBackBeforeGoingOn() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let occupancy = Occupancy(total: 0)
    let others = (2...4).map { Booking(n: $0, occupancy: occupancy, pairing: false) }

    let result = try build(
      [Loader(occupancy: occupancy), Bookings(tasks: others)], options: folder.options(workers: 2))

    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(SummaryText.count(of: "ran successfully", in: result.summary), 6, result.summary)
    XCTAssertEqual(occupancy.mostAtOnce, 1, "db's limit is 1, for the loader too before and after its wait")
  }

  func testAWaitingTaskLetsGoOfItsResourcesAndTakesThemBackAheadOfTasksNotStarted() {
    let loader = node(ResourceHolder(name: "loader", holding: ["db": 1]))
    let other = node(ResourceHolder(name: "other", holding: ["db": 1]))
    var state = RunState<String>(nodes: [loader, other])
    XCTAssertTrue(state.begin())
    state.workersStarted(2)
    XCTAssertEqual(state.nextTask(isLent: false), .run(loader))
    XCTAssertEqual(state.nextTask(isLent: false), .wait, "the loader holds db")
    XCTAssertTrue(state.park("idle"))
    let booking = node(ResourceHolder(name: "booking", holding: ["db": 1]))
    let wait = DynamicWait {}

    let joined = state.grew(GraphGrowth(requested: [booking], added: [booking]), waiter: loader, wait: wait)
    guard case .success(true) = joined.outcome else { return XCTFail("\(joined.outcome)") }
    XCTAssertEqual(joined.workers, ["idle"], "the loader let go of db: the idle worker asks again")
    XCTAssertEqual(state.nextTask(isLent: false), .run(booking), "a requirement goes first, and db is free")
    XCTAssertEqual(state.nextTask(isLent: true), .wait, "other waits for the booking's db")

    let wakes = state.finished(booking, .succeeded)
    XCTAssertEqual(wakes.requirements.map(ObjectIdentifier.init), [ObjectIdentifier(wait)], "db is free: it goes on")
    XCTAssertEqual(state.nextTask(isLent: false), .wait, "the loader holds db again, ahead of other")
    _ = state.finished(loader, .succeeded)
    XCTAssertEqual(state.nextTask(isLent: false), .run(other))
  }

  func testATaskWhoseRequirementsAreDoneWaitsForItsResourcesAheadOfTasksNotStarted() {
    let loader = node(ResourceHolder(name: "loader", holding: ["db": 2]), priority: 10)
    let newcomer = node(ResourceHolder(name: "newcomer", holding: ["db": 1]))
    var state = RunState<String>(nodes: [loader, newcomer], resourceLimits: ["db": 2])
    XCTAssertTrue(state.begin())
    state.workersStarted(2)
    XCTAssertEqual(state.nextTask(isLent: false), .run(loader))
    XCTAssertEqual(state.nextTask(isLent: false), .wait, "the loader holds both of db's 2")
    let first = node(ResourceHolder(name: "first", holding: ["db": 1]))
    let second = node(ResourceHolder(name: "second", holding: ["db": 1]))
    let wait = DynamicWait {}
    _ = state.grew(GraphGrowth(requested: [first], added: [first, second]), waiter: loader, wait: wait)
    XCTAssertEqual(state.nextTask(isLent: false), .run(first))
    XCTAssertEqual(state.nextTask(isLent: true), .run(second), "the loader holds nothing while it waits")
    XCTAssertEqual(state.nextTask(isLent: false), .wait)

    XCTAssertTrue(state.finished(first, .succeeded).requirements.isEmpty, "second still holds one of db's 2")
    XCTAssertEqual(state.nextTask(isLent: false), .wait, "the free unit is the loader's, not the newcomer's")
    XCTAssertEqual(state.finished(second, .succeeded).requirements.map(ObjectIdentifier.init), [ObjectIdentifier(wait)])
    XCTAssertEqual(state.nextTask(isLent: false), .wait, "the loader holds both again")
    _ = state.finished(loader, .succeeded)
    XCTAssertEqual(state.nextTask(isLent: false), .run(newcomer))
  }

  func testATaskWhoseRequirementFailedGoesOnAtOnceToFailHoldingNothing() {
    let loader = node(ResourceHolder(name: "loader", holding: ["db": 1]))
    let blocker = node(ResourceHolder(name: "blocker", holding: ["db": 1]))
    var state = RunState<String>(nodes: [loader, blocker])
    XCTAssertTrue(state.begin())
    state.workersStarted(1)
    XCTAssertEqual(state.nextTask(isLent: false), .run(loader))
    let booking = node(ResourceHolder(name: "booking"))
    let wait = DynamicWait {}
    _ = state.grew(GraphGrowth(requested: [booking], added: [booking]), waiter: loader, wait: wait)
    XCTAssertEqual(state.nextTask(isLent: true), .run(booking))
    XCTAssertEqual(state.nextTask(isLent: true), .run(blocker), "the loader let go of db")

    XCTAssertEqual(
      state.finished(booking, .failed).requirements.map(ObjectIdentifier.init), [ObjectIdentifier(wait)],
      "it fails for its requirement: no need to wait for the db blocker holds")
    _ = state.finished(loader, .failed)
    _ = state.finished(blocker, .succeeded)
    XCTAssertEqual(state.nextTask(isLent: false), .exit, "nothing left")
  }

  func testLuigidIsSentEachTasksResources() {
    let node = node(Booking(n: 1, amount: 2))
    let arguments = TaskRegistration.scheduled(node, worker: "w")
    XCTAssertEqual(arguments["resources"], .object(["db": 2]))
  }
}
