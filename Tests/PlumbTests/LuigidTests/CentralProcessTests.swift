import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbCore
@testable import PlumbLuigid
@testable import PlumbReporting

/// Plumb processes (the built `plumb-signals`) and Python Luigi workers sharing one real luigid:
/// no task runs twice, each sees the others' results, and faults (luigid unreachable or gone, a
/// worker killed) end as documented.
///
/// The tasks log each run to `ran.log` (one line per run, appended) and wait on files (`hold-part-N`,
/// `release-part-N`, `release-N`), so the tests wait for states, never for lengths of time.
final class CentralProcessTests: XCTestCase {
  private var folder: TemporaryFolder!
  private var signals: BuiltExecutable!
  private var luigid: LuigidServer!

  override func setUpWithError() throws {
    signals = try BuiltExecutable("plumb-signals")
    folder = try TemporaryFolder(removedAfter: self)
    luigid = try LuigidServer(for: self)
  }

  // MARK: - Sharing

  func testTwoPlumbProcessesShareAGraphAndRunNoTaskTwice() throws {
    // Every part would hold; the one the first process takes first does, the others are let go.
    for n in 1...30 { try folder.write("", to: "hold-part-\(n)") }
    let first = try start("first", ["FanIn", "--count", "30", "--workers", "1", "--worker-keep-alive"])
    var held = 0
    try waitFor("the first process to take a part") {
      held = (1...30).first { folder.contains("started-Part-\($0)") } ?? 0
      return held > 0
    }
    for n in 1...30 where n != held { folder.delete("hold-part-\(n)") }
    // The first process's only slot is taken, so the second runs every other part.
    let second = try start("second", ["FanIn", "--count", "30", "--workers", "2", "--worker-keep-alive"])
    try waitFor("the other 29 parts") { runs.count == 30 }
    try folder.write("", to: "release-part-\(held)")
    let firstOutcome = finish(first, "first")
    let secondOutcome = finish(second, "second")

    // Each ran part of what it scheduled and says so: the rest "were being run by another worker",
    // named under "The other workers were:", and exit code 10 (`already_running`), as Luigi's
    // worker reports the tasks it saw another worker run; here whatever the timing.
    for outcome in [firstOutcome, secondOutcome] {
      LuigidTestProcesses.assertSharedRun(outcome.output + "\(outcome.errorLines)", code: outcome.code, scheduled: 31)
    }
    let tasks = runs.map { $0.split(separator: " ")[0] }
    XCTAssertEqual(tasks.count, 31, "\(runs)")
    XCTAssertEqual(Set(tasks).count, 31, "a task ran twice: \(runs)")
    XCTAssertEqual(
      runs.filter { $0.hasPrefix("Part(") && $0.hasSuffix(" \(first.processIdentifier)") },
      ["Part(n=\(held)) plumb \(first.processIdentifier)"])
    XCTAssertEqual(
      runs.filter { $0.hasPrefix("Part(") && $0.hasSuffix(" \(second.processIdentifier)") }.count, 29, "\(runs)")
    XCTAssertEqual(folder.contents(of: "fan-in-30.txt"), "\((1...30).reduce(0, +))\n")
  }

  func testATaskAnotherWorkerRunsIsLeftToItAndReportedAsLuigiDoes() throws {
    try folder.write("", to: "hold-part-1")
    let holder = try start("holder", ["Part", "--n", "1"])
    try waitFor("the holder to run Part(n=1)") { folder.contains("started-Part-1") }
    let other = try start("other", ["FanIn", "--count", "3", "--workers", "2"])
    let outcome = finish(other, "other")
    try folder.write("", to: "release-part-1")
    XCTAssertEqual(finish(holder, "holder").code, 0)

    XCTAssertEqual(outcome.code, ExitCodes().alreadyRunning, outcome.output + "\(outcome.errorLines)")
    let expected = """
      Scheduled 4 tasks of which:
      * 2 ran successfully:
          - 2 Part(n=2,3)
      * 2 were left pending, among these:
          * 1 were being run by another worker:
              - 1 Part(n=1)
          * 1 had dependencies that were being run by other worker:
              - 1 FanIn(count=3)

      The other workers were:
          - Worker(salt=
      """
    XCTAssertTrue(outcome.output.contains(expected), outcome.output)
    XCTAssertTrue(
      outcome.output.contains(
        "pid=\(holder.processIdentifier)) ran 1 tasks\n\n\nThis progress looks :) because there were no failed tasks or missing dependencies"
      ), outcome.output)
    XCTAssertEqual(runs.filter { $0.hasPrefix("Part(n=1)") }.count, 1, "\(runs)")
  }

  func testAPlumbWorkerAndAPythonLuigiWorkerShareTasksAndEachOthersResults() throws {
    try folder.write(LuigiSharePipeline.source, to: "\(LuigiSharePipeline.moduleName).py")
    try folder.write("", to: "hold-part-1")
    // Python holds Part(n=1); Plumb, kept alive, runs the other parts, waits, and sums all three.
    let python = try startPython(["Part", "--n", "1"])
    try waitFor("Python to run Part(n=1)") { folder.contains("started-Part-1") }
    let plumb = try start("plumb", ["FanIn", "--count", "3", "--worker-keep-alive", "--worker-wait-interval", "0.1"])
    try waitFor("Plumb to run the other parts") { runs.count == 3 }
    try folder.write("", to: "release-part-1")
    let plumbOutcome = finish(plumb, "plumb")
    python.waitUntilExit()

    XCTAssertEqual(python.terminationStatus, 0, folder.contents(of: ".python.stderr") ?? "")
    // Python ran one of the tasks Plumb scheduled: Plumb's summary says so, as Luigi's does.
    XCTAssertEqual(plumbOutcome.code, ExitCodes().alreadyRunning, plumbOutcome.output + "\(plumbOutcome.errorLines)")
    XCTAssertTrue(
      plumbOutcome.output.contains(
        "* 1 were left pending, among these:\n    * 1 were being run by another worker:\n        - 1 Part(n=1)\n\n"
          + "The other workers were:\n    - Worker(salt="),
      plumbOutcome.output)
    XCTAssertTrue(
      plumbOutcome.output.contains("pid=\(python.processIdentifier)) ran 1 tasks\n"), plumbOutcome.output)
    XCTAssertEqual(
      runs.map { $0.split(separator: " ").prefix(2).joined(separator: " ") }.sorted(),
      ["FanIn(count=3) plumb", "Part(n=1) python", "Part(n=2) plumb", "Part(n=3) plumb"], "\(runs)")
    XCTAssertEqual(folder.contents(of: "fan-in-3.txt"), "6\n", "Plumb read the part Python wrote")

    // And the other way round: Python's FanIn finds the parts Plumb ran complete and runs only itself.
    folder.delete("fan-in-3.txt")
    let again = try startPython(["FanIn", "--count", "3"])
    again.waitUntilExit()
    XCTAssertEqual(again.terminationStatus, 0, folder.contents(of: ".python.stderr") ?? "")
    XCTAssertEqual(runs.filter { $0.hasPrefix("FanIn(count=3) python") }.count, 1, "\(runs)")
    XCTAssertEqual(runs.count, 5, "\(runs)")
  }

  func testAWorkerRunningATaskLongerThanLuigidsPatienceKeepsItThroughItsPings() throws {
    let long = try start("long", ["Blocked", "--n", "1"])
    try waitFor("Blocked(n=1) to start") { folder.contains("started-Blocked-1") }
    // luigid drops a worker it has not heard from in 5 s (the test's setting), checking at each of
    // these calls; the worker's own task sends nothing meanwhile, only its pings do.
    try waitFor("luigid to have heard from the worker 6 s after it started") {
      guard let worker = try? luigid.api("worker_list").elements?.first,
        let started = worker["started"], let lastActive = worker["last_active"],
        case .number(let start) = started, case .number(let last) = lastActive
      else { return false }
      return last - start > 6
    }
    let running = try luigid.api("task_list", ["status": "RUNNING", "upstream_status": "", "search": ""])
    XCTAssertNotNil(running[TaskInfo(family: "Blocked", parameters: [("n", "1")]).id], running.text)
    let other = finish(try start("other", ["Blocked", "--n", "1"]), "other")
    XCTAssertEqual(other.code, ExitCodes().alreadyRunning, other.output)
    try folder.write("", to: "release-1")
    XCTAssertEqual(finish(long, "long").code, 0)
  }

  // MARK: - Faults

  func testAnUnreachableLuigidEndsTheRunAtOnceWithOneLineAndItsOwnExitCode() throws {
    let port = try LoopbackPort.unused()
    let outcome = finish(
      try start("run", ["Quick", "--scheduler-host", "127.0.0.1", "--scheduler-port", String(port)], luigid: false),
      "run")

    XCTAssertEqual(outcome.code, ExitCodes().schedulerUnreachable)
    XCTAssertEqual(outcome.errorLines.count, 1, "\(outcome.errorLines)")
    XCTAssertEqual(
      outcome.errorLines.first,
      "plumb-signals: error: cannot reach the central scheduler at http://127.0.0.1:\(port) "
        + "(connection refused by 127.0.0.1:\(port)): start it with `make luigid`, or pass --local-scheduler to run without it"
    )
    XCTAssertEqual(outcome.output, "")
    XCTAssertFalse(folder.contains("quick-1.txt"))
  }

  func testLuigidGoingAwayMidRunStopsTheRunCleanlyWithTheSummary() throws {
    try folder.write("[core]\nrpc-retry-attempts = 2\nrpc-retry-wait = 0.1\n", to: "plumb.cfg")
    let run = try start("run", ["AfterBlocked"])
    try waitFor("Blocked(n=1) to start") { folder.contains("started-Blocked-1") }
    luigid.stop()
    try folder.write("", to: "release-1")
    let outcome = finish(run, "run")

    XCTAssertEqual(outcome.code, ExitCodes().schedulerUnreachable, outcome.output + "\(outcome.errorLines)")
    for line in [
      "* 1 ran successfully:", "    - 1 Blocked(n=1)", "* 1 were left pending, among these:",
      "The run was stopped (the central scheduler at \(luigid.url) stopped answering) before these tasks finished:",
      "    - 1 task was not started",
    ] {
      XCTAssertTrue(outcome.output.contains(line), "'\(line)' missing from: \(outcome.output)")
    }
    XCTAssertTrue(
      outcome.errorLines.contains { $0.contains("trying again in 0.1 s (attempt 2 of 2)") }, "\(outcome.errorLines)")
    XCTAssertEqual(folder.contents(of: "blocked-1.txt"), blockedOutput(1))
    XCTAssertFalse(folder.contains("after-blocked.txt"))
    XCTAssertEqual(folder.files().filter { $0.contains("-plumb-tmp-") }, [])
  }

  /// luigid killed and started again without its state while parts run: the run registers its
  /// tasks again and finishes them, where it used to end with "not granted run permission".
  func testLuigidRestartedWithoutItsStateGetsTheRunsTasksAgain() throws {
    for n in 1...4 { try folder.write("", to: "hold-part-\(n)") }
    let run = try start("run", ["FanIn", "--count", "4", "--workers", "2"])
    try waitFor("two parts to run") { (1...4).filter { folder.contains("started-Part-\($0)") }.count == 2 }
    try luigid.restartWithoutState()
    for n in 1...4 { try folder.write("", to: "release-part-\(n)") }
    let outcome = finish(run, "run")

    XCTAssertEqual(outcome.code, 0, outcome.output + "\(outcome.errorLines)")
    XCTAssertTrue(outcome.output.contains("* 5 ran successfully:"), outcome.output)
    XCTAssertTrue(
      outcome.errorLines.contains { $0.contains("lost this run's tasks (restarted?): registering them again") },
      "\(outcome.errorLines)")
    XCTAssertEqual(folder.contents(of: "fan-in-4.txt"), "10\n")
    XCTAssertEqual(runs.count, 5, "each task once: \(runs)")
  }

  func testAKilledWorkersTaskIsTakenOverOnceLuigidHasPrunedIt() throws {
    let doomed = try start("doomed", ["Blocked", "--n", "1"])
    try waitFor("the doomed worker to run Blocked(n=1)") { folder.contains("started-Blocked-1") }
    kill(doomed.processIdentifier, SIGKILL)
    doomed.waitUntilExit()
    try folder.write("", to: "release-1")
    // luigid gives the task to the survivor once it has missed the dead worker's pings for 5 s.
    let survivor = try start("survivor", ["AfterBlocked", "--worker-keep-alive", "--worker-wait-interval", "0.2"])
    let outcome = finish(survivor, "survivor")

    XCTAssertEqual(outcome.code, 0, outcome.output + "\(outcome.errorLines)")
    XCTAssertTrue(outcome.output.contains("* 2 ran successfully:"), outcome.output)
    XCTAssertEqual(folder.contents(of: "blocked-1.txt"), blockedOutput(1))
    XCTAssertEqual(folder.contents(of: "after-blocked.txt"), "after\n")
  }

  // MARK: - A worker killed while it holds a resource

  /// Who runs a side of ``killedWhileHoldingDB(killed:survivor:)``: plumb-signals, or Luigi's own
  /// worker with ``LuigiSharePipeline``'s twin families.
  private enum Side: String {
    case plumb, python
  }

  /// A worker running `Booking(n=1)`, which holds luigid's only `db`, is SIGKILLed while a survivor
  /// kept alive waits for `Booking(n=2)`, which needs `db` too (issue 21). luigid frees `db` when it
  /// drops the dead worker (`worker_disconnect_delay`, 5 s here): it marks the killed task FAILED,
  /// hands `Booking(n=2)` to the survivor, and after `retry_delay` (1 s here) hands it the killed
  /// `Booking(n=1)` too, which the survivor had scheduled. Luigi's own workers first, as the reference.
  func testAWorkerKilledHoldingAResourceLeavesItToTheSurvivorAsLuigisWorkersDo() throws {
    let luigi = try killedWhileHoldingDB(killed: .python, survivor: .python)
    let plumb = try killedWhileHoldingDB(killed: .plumb, survivor: .plumb)
    let mixed = try killedWhileHoldingDB(killed: .python, survivor: .plumb)

    // Luigi's survivor counts the killed task among those it ran, and still lists it as being run
    // by the dead worker, under "ran successfully" and without the "left pending" line it belongs
    // to: its summary keeps every answer that named another worker running a task.
    let ran = "* 3 ran successfully:\n    - 2 Booking(n=1,2)\n    - 1 Bookings(count=2)\n"
    XCTAssertTrue(luigi.contains(ran + "    * 1 were being run by another worker:\n"), luigi)
    XCTAssertTrue(luigi.contains("This progress looks :) because there were no failed tasks"), luigi)
    // Plumb's says what happened in the end: it ran the three, and no task was left to another worker.
    for summary in [plumb, mixed] {
      XCTAssertTrue(
        summary.contains(ran + "\nThis progress looks :) because there were no failed tasks or missing dependencies"),
        summary)
      XCTAssertFalse(summary.contains("another worker"), summary)
    }
  }

  /// Runs the scenario on a luigid of its own (`[resources] db = 1`) in a folder of its own; checks
  /// what every side must see, and returns the survivor's summary.
  private func killedWhileHoldingDB(killed: Side, survivor: Side) throws -> String {
    folder = try TemporaryFolder(removedAfter: self)
    luigid = try LuigidServer(for: self, resources: ["db": 1])
    try folder.write(LuigiSharePipeline.source, to: "\(LuigiSharePipeline.moduleName).py")
    try folder.write("", to: "hold-booking-1")
    let holder = try start(killed, "holder", ["Booking", "--n", "1"])
    try waitFor("the \(killed) holder to run Booking(n=1)") { folder.contains("started-Booking-1") }
    let waiting = try start(survivor, "survivor", ["Bookings", "--count", "2"])
    // The survivor registers Booking(n=2) and Bookings (pending), and asks for work every 0.1 s:
    // luigid refuses it Booking(n=2) for as long as the holder holds db, a second here.
    try waitFor("the survivor to have asked luigid for work for a second") {
      // Or to run Booking(n=2) at once, which the assertion below reports.
      if folder.contains("started-Booking-2") { return true }
      let workers = (try? luigid.api("worker_list").elements) ?? []
      return workers.contains { worker in
        guard worker["num_pending"]?.integer == 2, case .number(let started)? = worker["started"],
          case .number(let last)? = worker["last_active"]
        else { return false }
        return last - started > 1
      }
    }
    XCTAssertFalse(folder.contains("started-Booking-2"), "\(survivor) ran Booking(n=2) while db was held")
    kill(holder.processIdentifier, SIGKILL)
    holder.waitUntilExit()
    try folder.write("", to: "release-booking-1")
    let outcome = finish(waiting, "survivor")
    let text = outcome.output + outcome.errorLines.joined(separator: "\n")

    XCTAssertEqual(outcome.code, 0, text)
    XCTAssertEqual(
      runs,
      [
        "Booking(n=1) \(killed) \(holder.processIdentifier)", "Booking(n=2) \(survivor) \(waiting.processIdentifier)",
        "Booking(n=1) \(survivor) \(waiting.processIdentifier)",
      ], "the killed task once more, on the survivor, after Booking(n=2)")
    XCTAssertEqual(folder.contents(of: "booking-1.txt"), "1\n")
    XCTAssertEqual(folder.contents(of: "booking-2.txt"), "2\n")
    // How luigid freed db: it failed the dead worker's task, to be retried after retry_delay.
    let id = TaskInfo(family: "Booking", parameters: [("n", "1")]).id
    XCTAssertTrue(
      luigid.log.contains(
        "Task '\(id)' is marked as running by disconnected worker 'Worker(salt="),
      luigid.log)
    XCTAssertTrue(luigid.log.contains("-> marking as FAILED with retry delay of 1.0s"), luigid.log)
    return text
  }

  /// Starts `side`'s worker kept alive, polling every 0.1 s, as `name` in the folder.
  private func start(_ side: Side, _ name: String, _ arguments: [String]) throws -> Process {
    switch side {
    case .plumb:
      return try start(name, arguments + ["--worker-keep-alive", "--worker-wait-interval", "0.1"])
    case .python:
      return try LuigidTestProcesses.startPython(
        module: LuigiSharePipeline.moduleName, arguments, luigid: luigid, in: folder, name: name, for: self)
    }
  }

  // MARK: - Helpers

  /// The lines of `ran.log`: one per task run, `Part(n=3) plumb 4242`.
  private var runs: [String] {
    (folder.contents(of: "ran.log") ?? "").split(separator: "\n").map(String.init)
  }

  /// Starts plumb-signals in the folder, pointed at the test's luigid unless `luigid` is false, its
  /// output and errors going to `.<name>.stdout` and `.<name>.stderr`.
  private func start(_ name: String, _ arguments: [String], luigid: Bool = true) throws -> Process {
    let process = signals.process(arguments + (luigid ? self.luigid.flags : []), in: folder)
    try redirect(process, name)
    try process.run()
    addTeardownBlock {
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
    return process
  }

  /// Starts a Python Luigi worker of ``LuigiSharePipeline`` in the folder, on the test's luigid.
  private func startPython(_ arguments: [String]) throws -> Process {
    try LuigidTestProcesses.startPython(
      module: LuigiSharePipeline.moduleName, arguments, luigid: luigid, in: folder, name: "python", for: self)
  }

  private func redirect(_ process: Process, _ name: String) throws {
    try LuigidTestProcesses.redirect(process, name, in: folder)
  }

  private func waitFor(_ what: String, _ condition: () -> Bool) throws {
    try LuigidTestProcesses.waitFor(what, condition)
  }

  private func finish(_ process: Process, _ name: String) -> CommandOutcome {
    process.waitUntilExit()
    let errors = folder.contents(of: ".\(name).stderr") ?? ""
    XCTAssertEqual(process.terminationReason, .exit, "\(name) was killed: \(errors)")
    return CommandOutcome(
      code: process.terminationStatus, output: folder.contents(of: ".\(name).stdout") ?? "",
      errorLines: errors.split(separator: "\n", omittingEmptySubsequences: true).map(String.init))
  }
}
