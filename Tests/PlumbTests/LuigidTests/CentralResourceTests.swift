import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbBuild
@testable import PlumbCore
@testable import PlumbWorkers

/// Takes `db.holder` in the run's folder, the mark of whoever holds the `db` resource; when it is
/// there already, two holders overlap, and `overlap-<name>` says so.
private func hold(_ name: String) {
  let descriptor = open(LocalTarget("db.holder").path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
  if descriptor < 0 {
    _ = FileManager.default.createFile(atPath: LocalTarget("overlap-\(name)").path, contents: nil)
  } else {
    close(descriptor)
  }
}

private func letGo() {
  unlink(LocalTarget("db.holder").path)
}

/// Plumb's side: holds `db` until luigid knows Python's tasks too, so that both sides ask for it.
private struct SwiftBooking: PipelineTask {
  @Parameter var n: Int = 0
  var luigid: LuigidServer?

  var resources: [String: Int] { ["db": 1] }
  func output() -> LocalTarget { LocalTarget("swift-\(n).txt") }

  func run() throws {
    hold("swift-\(n)")
    defer { letGo() }
    try LuigidTestProcesses.waitFor("Python's tasks in luigid") {
      let tasks =
        (try? luigid?.call("task_list", ["status": "", "upstream_status": "", "search": "PyBooking"])) as? [String: Any]
      return !(tasks ?? [:]).isEmpty
    }
    try output().write("\(n)\n")
  }
}

private struct SwiftBookings: WrapperTask {
  var luigid: LuigidServer?
  func requires() -> [SwiftBooking] { (1...3).map { SwiftBooking(n: $0, luigid: luigid) } }
}

/// Holds `db` until the file `release` appears.
private struct HoldsDB: PipelineTask {
  var resources: [String: Int] { ["db": 1] }
  func output() -> LocalTarget { LocalTarget("holds.txt") }
  func run() throws {
    LuigidTestProcesses.holdUntilReleased(started: "holding", release: "release")
    try output().write("held\n")
  }
}

/// Needs `db` too, so it waits while ``HoldsDB`` runs on another worker.
private struct WantsDB: PipelineTask {
  @Parameter var n: Int = 0
  var resources: [String: Int] { ["db": 1] }
  func output() -> LocalTarget { LocalTarget("wants-\(n).txt") }
  func run() throws { try output().write("\(n)\n") }
}

/// A task of a hand-out scenario, on luigid and on the local scheduler: its name (luigid's task id
/// too), priority, resources and the tasks it waits for, which come before it.
private struct ScenarioTask {
  var name: String
  var priority = 0
  var holding: [String: Int] = [:]
  var after: [String] = []
}

/// What a scenario does at each step: ask for a task, or report one done.
private enum Move {
  case ask
  case finish(String)
}

/// A worker's hand-outs, tasks registered in order, with `slots` slots, under `limits`.
private struct Scenario {
  var limits: [String: Int]
  var slots: Int
  var tasks: [ScenarioTask]
  var moves: [Move]

  /// Played on a real luigid (`add_task`, `get_work`, `DONE`): the task each ask gets, or "-".
  func played(on luigid: LuigidServer) throws -> [String] {
    let worker = "scenario-worker"
    _ = try luigid.call("add_worker", ["worker": worker, "info": [["workers", slots]]])
    for task in tasks {
      _ = try luigid.call(
        "add_task",
        [
          "worker": worker, "task_id": task.name, "status": "PENDING", "runnable": true, "priority": task.priority,
          "resources": task.holding, "deps": task.after, "family": "Holder", "params": ["name": task.name],
        ])
    }
    var running: [String] = []
    var handedOut: [String] = []
    for move in moves {
      switch move {
      case .ask:
        let reply = try luigid.call(
          "get_work", ["worker": worker, "host": "test", "assistant": false, "current_tasks": running])
        let id = (reply as? [String: Any])?["task_id"] as? String
        if let id { running.append(id) }
        handedOut.append(id ?? "-")
      case .finish(let name):
        _ = try luigid.call("add_task", ["worker": worker, "task_id": name, "status": "DONE"])
        running.removeAll { $0 == name }
      }
    }
    return handedOut
  }

  /// Played on the local scheduler's rules (``RunState``): the task each ask gets, or "-".
  func played() -> [String] {
    var nodes: [String: TaskNode] = [:]
    let ordered = tasks.enumerated().map { index, task in
      let holder = ResourceHolder(name: task.name, holding: task.holding)
      let node = TaskNode(task: holder, info: TaskInfo(holder), order: index)
      node.state = .pending
      node.priority = task.priority
      for name in task.after {
        node.dependencies.append(nodes[name]!)
        nodes[name]!.dependents.append(node)
      }
      nodes[task.name] = node
      return node
    }
    var state = RunState<String>(nodes: ordered, resourceLimits: limits)
    _ = state.begin()
    state.workersStarted(slots)
    var handedOut: [String] = []
    for move in moves {
      switch move {
      case .ask:
        if case .run(let node) = state.nextTask(isLent: false) {
          handedOut.append((node.task as! ResourceHolder).name)
        } else {
          handedOut.append("-")
        }
      case .finish(let name):
        _ = state.finished(nodes[name]!, .succeeded)
      }
    }
    return handedOut
  }
}

/// A resource shared by a Plumb worker and a Python Luigi worker on one luigid, whose limit for it
/// is 1 (its config does not list it): luigid never lets a task of either hold it while another does.
final class CentralResourceTests: XCTestCase {
  private static func pythonSource(luigid: String) -> String {
    """
    import os, time
    import luigi, luigi.rpc

    def hold(name):
        try:
            os.close(os.open("db.holder", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        except FileExistsError:
            open("overlap-" + name, "w").close()

    class PyBooking(luigi.Task):
        n = luigi.IntParameter()
        resources = {"db": 1}

        def output(self):
            return luigi.LocalTarget("py-%d.txt" % self.n)

        def run(self):
            hold("py-%d" % self.n)
            try:
                # Until luigid knows Plumb's tasks too, so that both sides ask for db.
                scheduler = luigi.rpc.RemoteScheduler("\(luigid)")
                deadline = time.time() + 120
                while not scheduler.task_list("", "", search="SwiftBooking") and time.time() < deadline:
                    time.sleep(0.01)
                with self.output().open("w") as f:
                    f.write("done\\n")
            finally:
                os.unlink("db.holder")

    class PyBookings(luigi.WrapperTask):
        def requires(self):
            return [PyBooking(n=n) for n in (1, 2, 3)]

    """
  }

  func testAPlumbAndAPythonWorkerSharingAResourceWithLimitOneNeverOverlap() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let luigid = try LuigidServer(for: self)
    try folder.write(Self.pythonSource(luigid: luigid.url), to: "rbook.py")
    try folder.write("[worker]\nkeep_alive = true\nwait_interval = 0.1\n", to: "plumb.cfg")
    let python = try LuigidTestProcesses.startPython(
      module: "rbook", ["PyBookings", "--workers", "2", "--no-lock"], luigid: luigid, in: folder, name: "python",
      for: self)

    var options = folder.options(workers: 2, readingConfigFiles: true)
    options.scheduler = .central(luigid.scheduler)
    let result = try build([SwiftBookings(luigid: luigid)], options: options)
    python.waitUntilExit()

    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(python.terminationStatus, 0, folder.contents(of: ".python.stderr") ?? "")
    let files = folder.listing()
    XCTAssertEqual(files.filter { $0.hasPrefix("overlap-") }, [], "two tasks held db at once")
    XCTAssertEqual(
      files.filter { $0.hasPrefix("py-") || $0.hasPrefix("swift-") }.sorted(),
      ["py-1.txt", "py-2.txt", "py-3.txt", "swift-1.txt", "swift-2.txt", "swift-3.txt"])
  }

  /// Tasks waiting for a resource another worker holds look, to their worker, like tasks a Plumb
  /// assistant may have failed, until it asks luigid (`fetch_error`): a worker kept alive meanwhile
  /// asks about each at most every 10 s, not at every poll, since luigid serves every call on its
  /// one thread.
  func testAWorkerWaitingForAResourceDoesNotAskLuigidAboutItsTasksAtEveryPoll() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let luigid = try LuigidServer(for: self)
    var options = folder.options(workers: 1)
    var scheduler = luigid.scheduler
    scheduler.waitInterval = 0.05
    options.scheduler = .central(scheduler)
    let holder = LuigidTestProcesses.buildInBackground([HoldsDB()], options: options)
    try LuigidTestProcesses.waitFor("the other worker to hold db") { folder.contains("holding") }
    let callsBefore = luigid.log.components(separatedBy: "/api/get_work").count
    scheduler.keepsAlive = true
    options.scheduler = .central(scheduler)
    let waiter = LuigidTestProcesses.buildInBackground([WantsDB(n: 1), WantsDB(n: 2)], options: options)
    try LuigidTestProcesses.waitFor("the waiting worker to ask luigid for work 40 times") {
      luigid.log.components(separatedBy: "/api/get_work").count - callsBefore >= 40
    }
    let looks = luigid.log.components(separatedBy: "/api/fetch_error").count - 1
    try folder.write("", to: "release")

    let held = try XCTUnwrap(holder(), "the holding worker's run did not end")
    let waited = try XCTUnwrap(waiter(), "the waiting worker's run did not end")
    XCTAssertTrue(held.success, held.summary)
    XCTAssertTrue(waited.success, waited.summary)
    // One look at each of the two tasks, and another if the 40 polls took over 10 s.
    XCTAssertLessThanOrEqual(looks, 4, "fetch_error calls while waiting 40 polls for db")
  }

  /// luigid's `get_work`, played on a real luigid and on the local scheduler's rules, hands out the
  /// same tasks at each step ("-": none), in `ResourceTests`' scenarios: resource names match
  /// `[resources]` exactly as written; an urgent task that fits the limit but not beside what runs
  /// reserves what it needs, so that less urgent tasks do not take it; a worker reserves for at most
  /// as many tasks as it has slots, its running tasks ahead counted; what runs ahead of a task counts
  /// as reserved.
  func testTheLocalSchedulerHandsOutTasksNeedingResourcesAsLuigidDoes() throws {
    let names = ["DB", "DB", "db", "db", "Db", "my-db", "my-db", "my_db", "my_db"]
    // Each with what luigid hands out, to read it by.
    let scenarios: [(String, Scenario, [String])] = [
      (
        "names",
        Scenario(
          limits: ["DB": 2, "my-db": 2], slots: names.count,
          tasks: names.enumerated().map { ScenarioTask(name: "n\($0.offset)-\($0.element)", holding: [$0.element: 1]) },
          moves: Array(repeating: .ask, count: names.count)),
        ["n0-DB", "n1-DB", "n2-db", "n4-Db", "n5-my-db", "n6-my-db", "n7-my_db", "-", "-"]
      ),
      (
        "reservation",
        Scenario(
          limits: ["db": 2], slots: 2,
          tasks: [
            ScenarioTask(name: "gate", priority: 100),
            ScenarioTask(name: "big", priority: 100, holding: ["db": 2], after: ["gate"]),
          ] + (1...3).map { ScenarioTask(name: "small\($0)", holding: ["db": 1]) },
          moves: [
            .ask, .ask, .finish("gate"), .ask, .finish("small1"), .ask, .ask, .finish("big"), .ask, .ask,
          ]),
        ["gate", "small1", "-", "big", "-", "small2", "small3"]
      ),
      (
        "one reservation a slot",
        Scenario(
          limits: ["a": 2, "b": 2, "c": 2], slots: 2,
          tasks: [
            ScenarioTask(name: "gate", priority: 20),
            ScenarioTask(name: "holder", holding: ["a": 1, "b": 1, "c": 1]),
          ]
            + ["a", "b", "c"].map {
              ScenarioTask(name: "urgent-\($0)", priority: 10, holding: [$0: 2], after: ["gate"])
            }
            + [ScenarioTask(name: "later-b", holding: ["b": 1]), ScenarioTask(name: "later-c", holding: ["c": 1])],
          moves: [.ask, .ask, .finish("gate"), .ask]),
        ["gate", "holder", "later-c"]
      ),
      (
        "running ahead",
        Scenario(
          limits: ["db": 2], slots: 2,
          tasks: [
            ScenarioTask(name: "first", priority: 20, holding: ["db": 1]),
            ScenarioTask(name: "gate", priority: 20),
            ScenarioTask(name: "waiting", priority: 10, holding: ["db": 2], after: ["gate"]),
            ScenarioTask(name: "later", holding: ["db": 1]),
          ],
          moves: [.ask, .ask, .finish("gate"), .ask]),
        ["first", "gate", "later"]
      ),
    ]
    for (name, scenario, expected) in scenarios {
      let luigid = try LuigidServer(for: self, resources: scenario.limits)
      let luigids = try scenario.played(on: luigid)
      luigid.stop()
      XCTAssertEqual(luigids, expected, "luigid, \(name)")
      XCTAssertEqual(scenario.played(), luigids, "the local scheduler, \(name)")
    }
  }
}
