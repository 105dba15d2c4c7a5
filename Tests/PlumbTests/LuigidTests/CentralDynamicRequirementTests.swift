import Foundation
import Plumb
import PlumbTestSupport
import Synchronization
import XCTest

@testable import PlumbBuild
@testable import PlumbCore
@testable import PlumbLuigid
@testable import PlumbReporting
@testable import PlumbWorkers

private struct Part: PipelineTask {
  @Parameter var n: Int = 1
  @Parameter var fails: Bool = false
  func output() -> LocalTarget { LocalTarget("part-\(n).txt") }
  func run() throws {
    if fails { throw CocoaError(.fileWriteNoPermission) }
    try output().write("\(n)\n")
  }
}

/// Finds its parts while running; async.
private struct Discover: PipelineTask {
  @Parameter var count: Int = 3
  func output() -> LocalTarget { LocalTarget("discover.txt") }
  func run() async throws {
    let parts = try await require((1...count).map { Part(n: $0) })
    try output().write(try parts.map { try $0.read() }.joined())
  }
}

/// The same from a synchronous run(), with one part that fails.
private struct DiscoverSync: PipelineTask {
  func output() -> LocalTarget { LocalTarget("discover-sync.txt") }
  func run() throws {
    _ = try require([Part(n: 7), Part(n: 8, fails: true)])
    try output().write("never")
  }
}

/// Starts, waits for `release` to exist, then fails: a task another worker holds, then fails.
private struct HeldThenFails: PipelineTask {
  func output() -> LocalTarget { LocalTarget("held.txt") }
  func run() throws {
    LuigidTestProcesses.holdUntilReleased(started: "started", release: "release")
    throw CocoaError(.fileWriteNoPermission)
  }
}

/// Requires, while it runs, the task another worker holds.
private struct NeedsTheHeldTask: PipelineTask {
  func output() -> LocalTarget { LocalTarget("needs-held.txt") }
  func run() async throws {
    _ = try await require(HeldThenFails())
    try output().write("never")
  }
}

/// Waits for `release` to exist, then writes its output: a requirement the test holds.
private struct Gated: PipelineTask {
  func output() -> LocalTarget { LocalTarget("gated.txt") }
  func run() throws {
    LuigidTestProcesses.holdUntilReleased(started: "gated-started", release: "release")
    try output().write("gated\n")
  }
}

/// Requires the gated task while it runs; each start of its `run()` adds a line to `starts`.
private struct NeedsGated: PipelineTask {
  func output() -> LocalTarget { LocalTarget("needs-gated.txt") }
  func run() async throws {
    let starts = LocalTarget("starts").path
    if !FileManager.default.fileExists(atPath: starts) {
      _ = FileManager.default.createFile(atPath: starts, contents: nil)
    }
    let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: starts))
    try handle.seekToEnd()
    try handle.write(contentsOf: Data("start\n".utf8))
    try handle.close()
    let gated = try await require(Gated())
    try output().write(try gated.read())
  }
}

/// `require(_:)` with luigid: the requirements run through luigid with one worker, and luigid
/// knows them as the waiting task's dependencies (`new_deps`).
final class CentralDynamicRequirementTests: XCTestCase {
  private var folder: TemporaryFolder!
  private var luigid: LuigidServer!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
    luigid = try LuigidServer(for: self)
  }

  private func options() -> RunOptions {
    var options = folder.options(workers: 1)
    var scheduler = luigid.scheduler
    scheduler.waitInterval = 0.05
    options.scheduler = .central(scheduler)
    return options
  }

  func testRequirementsRunThroughLuigidAndAreItsNewDependencies() throws {
    let result = try build([Discover()], options: options())

    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(folder.contents(of: "discover.txt"), "1\n2\n3\n")
    XCTAssertTrue(result.summary.contains("* 4 ran successfully:"), result.summary)
    let done = try luigid.api("task_list", ["status": "DONE", "upstream_status": "", "search": ""])
    XCTAssertEqual(done[TaskInfo(Discover()).id]?["status"], "DONE", done.text)
    let graph = try luigid.api("dep_graph", ["task_id": .string(TaskInfo(Discover()).id), "include_done": true])
    let discover = try XCTUnwrap(graph[TaskInfo(Discover()).id], graph.text)
    guard case .array(let list)? = discover["deps"] else { return XCTFail("no deps in \(discover.text)") }
    let deps = Set(list.compactMap(\.string))
    XCTAssertEqual(deps, Set((1...3).map { TaskInfo(Part(n: $0)).id }), discover.text)
    for n in 1...3 { XCTAssertEqual(done[TaskInfo(Part(n: n)).id]?["status"], "DONE") }
  }

  /// A requirement that another worker runs and fails ends the wait at once, as one that fails
  /// here does, not after luigid's retry delay (set to 15 minutes here, as in production).
  func testARequirementFailingOnAnotherWorkerFailsTheWaitingTask() throws {
    luigid = try LuigidServer(for: self, retryDelay: 900)
    let holder = LuigidTestProcesses.buildInBackground([HeldThenFails()], options: options())
    try LuigidTestProcesses.waitFor("the other worker to start the task") { folder.contains("started") }
    let stop = RunStop()
    let waiting = {
      var waiting = options()
      waiting.stop = stop
      return waiting
    }()
    let waiterEnded = DispatchSemaphore(value: 0)
    let outcome = Mutex<RunResult?>(nil)
    DispatchQueue.global().async {
      let result = try? build([NeedsTheHeldTask()], options: waiting)
      outcome.withLock { $0 = result }
      waiterEnded.signal()
    }
    try LuigidTestProcesses.waitFor("luigid to know the waiting task's new dependency") {
      let graph = try? luigid.api("dep_graph", ["task_id": .string(TaskInfo(NeedsTheHeldTask()).id)])
      return graph?[TaskInfo(NeedsTheHeldTask()).id]?["deps"] == .array([.string(TaskInfo(HeldThenFails()).id)])
    }
    try folder.write("", to: "release")
    XCTAssertNotNil(holder(), "the other worker's run did not end")
    // Stopped after a minute at the latest, so that a failing test does not leave the run waiting.
    if waiterEnded.wait(timeout: .now() + 60) == .timedOut {
      stop.request(reason: "the test gave up")
      XCTFail("the waiting task was still waiting a minute after its requirement failed on another worker")
      _ = waiterEnded.wait(timeout: .now() + 30)
    }

    let result = try XCTUnwrap(outcome.withLock { $0 })
    XCTAssertEqual(result.status(of: NeedsTheHeldTask()), .failed, result.summary)
    XCTAssertEqual(
      result.record(of: NeedsTheHeldTask())?.errorMessage,
      "a requirement it discovered while running did not complete: HeldThenFails()")
  }

  /// While its requirement is not done, the waiting task is PENDING in luigid with it as a new
  /// dependency, as Luigi's worker reports it; luigid then hands it back, and its `run()` goes on
  /// here, started once.
  func testAWaitingTaskIsPendingInLuigidThenHandedBackToGoOn() throws {
    let waiting = LuigidTestProcesses.buildInBackground([NeedsGated()], options: options())
    let id = TaskInfo(NeedsGated()).id
    try LuigidTestProcesses.waitFor("luigid to have the waiting task PENDING with its new dependency") {
      let graph = try? luigid.api("dep_graph", ["task_id": .string(id)])
      return graph?[id]?["status"] == "PENDING" && graph?[id]?["deps"] == .array([.string(TaskInfo(Gated()).id)])
    }
    try folder.write("", to: "release")

    let result = try XCTUnwrap(waiting(), "the run did not end")
    XCTAssertTrue(result.success, result.summary)
    XCTAssertTrue(result.summary.contains("* 2 ran successfully:"), result.summary)
    XCTAssertEqual(folder.contents(of: "starts"), "start\n", "run() started again instead of going on")
    XCTAssertEqual(folder.contents(of: "needs-gated.txt"), "gated\n")
    let done = try luigid.api("task_list", ["status": "DONE", "upstream_status": "", "search": ""])
    XCTAssertEqual(done[id]?["status"], "DONE", done.text)
  }

  /// The reference: Luigi's own worker, with the same two tasks in Python, leaves the same state in
  /// luigid while the requirement it yielded is held: PENDING, with it as a dependency.
  func testLuigisWorkerLeavesTheWaitingTaskPendingWithItsNewDependency() throws {
    try folder.write(
      """
      import os, time
      import luigi
      class Gated(luigi.Task):
          def output(self):
              return luigi.LocalTarget("gated.txt")
          def run(self):
              open("gated-started", "w").close()
              while not os.path.exists("release"):
                  time.sleep(0.01)
              with self.output().open("w") as f:
                  f.write("gated\\n")
      class NeedsGated(luigi.Task):
          def output(self):
              return luigi.LocalTarget("needs-gated.txt")
          def run(self):
              gated = yield Gated()
              with self.output().open("w") as f:
                  f.write(gated.open().read())
      """, to: "gated_pipeline.py")
    let python = try LuigidTestProcesses.startPython(
      module: "gated_pipeline", ["NeedsGated", "--workers", "2"], luigid: luigid, in: folder, name: "luigi",
      for: self)
    let id = TaskInfo(NeedsGated()).id
    try LuigidTestProcesses.waitFor("luigid to have Luigi's waiting task PENDING with its new dependency") {
      let graph = try? luigid.api("dep_graph", ["task_id": .string(id)])
      return folder.contains("gated-started") && graph?[id]?["status"] == "PENDING"
        && graph?[id]?["deps"] == .array([.string(TaskInfo(Gated()).id)])
    }
    try folder.write("", to: "release")
    python.waitUntilExit()
    XCTAssertEqual(python.terminationStatus, 0, folder.contents(of: ".luigi.stderr") ?? "")
    XCTAssertEqual(folder.contents(of: "needs-gated.txt"), "gated\n")
  }

  /// luigid may hand the waiting task, once its requirement is done, to another worker (here an
  /// assistant, while this worker is disabled): that worker runs it from the start, as a Python
  /// worker would, and this one lets its `run()` go without reporting it failed.
  func testAWaitingTaskHandedToAnotherWorkerIsLetGoAndRunThereOnce() throws {
    let waiting = LuigidTestProcesses.buildInBackground([NeedsGated()], options: options())
    let id = TaskInfo(NeedsGated()).id
    let gatedID = TaskInfo(Gated()).id
    try LuigidTestProcesses.waitFor("this worker to run the requirement, and luigid to have the waiting task PENDING") {
      let graph = try? luigid.api("dep_graph", ["task_id": .string(id)])
      return folder.contains("gated-started") && graph?[id]?["status"] == "PENDING"
    }
    // Disabled, this worker asks luigid for nothing more, so the task can only go to the assistant.
    let running = try luigid.api("task_search", ["task_str": .string(gatedID)])
    let worker = try XCTUnwrap(running["RUNNING"]?[gatedID]?["worker_running"]?.string, running.text)
    _ = try luigid.api("disable_worker", ["worker": .string(worker)])

    let stop = RunStop()
    let assisting = {
      var assisting = options()
      assisting.isAssistant = true
      assisting.assistantTasks = [NeedsGated.self, Gated.self]
      assisting.stop = stop
      var scheduler = luigid.scheduler
      scheduler.waitInterval = 0.05
      scheduler.keepsAlive = true
      assisting.scheduler = .central(scheduler)
      return assisting
    }()
    let assistant = LuigidTestProcesses.buildInBackground([], options: assisting)
    try folder.write("", to: "release")
    let result = try XCTUnwrap(waiting(), "the waiting worker's run did not end")
    try LuigidTestProcesses.waitFor("luigid to have the task DONE") {
      let done = try? luigid.api("task_search", ["task_str": .string(id)])
      return done?["DONE"]?[id] != nil
    }
    stop.request(reason: "the test is over")
    let assisted = try XCTUnwrap(assistant(), "the assistant did not stop")

    XCTAssertEqual(folder.contents(of: "starts"), "start\nstart\n", "run() should start here, then on the assistant")
    XCTAssertEqual(folder.contents(of: "needs-gated.txt"), "gated\n")
    // The assistant's, running or done by the time this run ends: never failed, nor run here.
    XCTAssertEqual(result.status(of: NeedsGated()), .runByOtherWorker, result.summary)
    XCTAssertEqual(result.status(of: Gated()), .succeeded, result.summary)
    XCTAssertTrue(result.summary.contains("This progress looks :) because there were no failed tasks"), result.summary)
    XCTAssertEqual(assisted.status(of: NeedsGated()), .succeeded, assisted.summary)
  }

  func testAFailureAmongThemFailsTheSynchronousTask() throws {
    let result = try build([DiscoverSync()], options: options())

    XCTAssertEqual(result.status(of: DiscoverSync()), .failed)
    XCTAssertEqual(result.status(of: Part(n: 7)), .succeeded)
    XCTAssertEqual(
      result.record(of: DiscoverSync())?.errorMessage,
      "a requirement it discovered while running did not complete: Part(n=8, fails=True)")
  }
}
