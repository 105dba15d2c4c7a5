import Foundation
import Plumb
import PlumbTestSupport
import Synchronization
import XCTest

/// A part of the fan-in; counts its runs in `runs.log`.
private struct Piece: PipelineTask {
  @Parameter var n: Int = 1
  func output() -> LocalTarget { LocalTarget("piece-\(n).txt") }
  func run() throws {
    try appendRun("Piece(n=\(n))")
    try output().write("\(n)\n")
  }
}

/// Needs three pieces.
private struct Whole: PipelineTask {
  func requires() -> [Piece] { (1...3).map { Piece(n: $0) } }
  func output() -> LocalTarget { LocalTarget("whole.txt") }
  func run() throws {
    try appendRun("Whole()")
    try output().write("whole\n")
  }
}

private func appendRun(_ line: String) throws {
  let log = LocalTarget("runs.log")
  let before = (try? log.read()) ?? ""
  try log.write(before + line + "\n")
}

/// A run started again at once on a luigid kept running (as `make luigid` is for a workshop):
/// luigid ignores a PENDING claim for a task it marked DONE less than `stable_done_cooldown_secs`
/// ago (10 s, luigid's default, used here), so Luigi's worker runs nothing ("not granted run
/// permission", exit 25) and a `--force` right after a run does nothing. A Plumb run says why in one
/// line, claims the tasks again once the cooldown has passed, and runs them. Luigi's own worker runs
/// in the same scenario, so what Plumb improves on stays true.
final class CentralCooldownTests: XCTestCase {
  private var folder: TemporaryFolder!
  private var luigid: LuigidServer!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
    luigid = try LuigidServer(for: self, stableDoneCooldown: 10)
  }

  private func run(
    _ tasks: [any PipelineTask], forcing: [String] = [], cooldown: TimeInterval? = nil
  ) throws -> (RunResult, [String]) {
    let lines = Mutex<[String]>([])
    var options = folder.options(workers: 1)
    var scheduler = luigid.scheduler
    if let cooldown { scheduler.stableDoneCooldown = cooldown }
    options.scheduler = .central(scheduler)
    options.forcing = forcing
    options.logLevel = .info
    options.logSink = { line in lines.withLock { $0.append(line) } }
    let result = try build(tasks, options: options)
    return (result, lines.withLock { $0 })
  }

  private var runs: [String] { (folder.contents(of: "runs.log") ?? "").split(separator: "\n").map(String.init) }

  func testARunAgainAtOnceAfterItsOutputsWereDeletedWaitsOutLuigidsCooldownAndRuns() throws {
    let (first, _) = try run([Whole()])
    XCTAssertTrue(first.success, first.summary)
    for name in ["whole.txt", "piece-1.txt", "piece-2.txt", "piece-3.txt", "runs.log"] { folder.delete(name) }

    let (again, lines) = try run([Whole()])

    XCTAssertTrue(again.success, again.summary)
    XCTAssertTrue(again.summary.contains("* 4 ran successfully:"), again.summary)
    XCTAssertEqual(runs.sorted(), ["Piece(n=1)", "Piece(n=2)", "Piece(n=3)", "Whole()"])
    let said = lines.filter { $0.contains("stable_done_cooldown_secs") }
    XCTAssertEqual(said.count, 1, "\(lines)")
    XCTAssertTrue(
      said.first?.contains("DONE moments before this run, and ignores them as pending") == true, "\(lines)")
  }

  func testAForcedTaskLuigidIgnoresLongerThanTheRunWaitsIsNotGrantedRunPermissionAndSaysWhy() throws {
    let (first, _) = try run([Whole()])
    XCTAssertTrue(first.success, first.summary)
    folder.delete("runs.log")

    // luigid's cooldown is 10 s; the run is told 0.5 s, so it gives up after 3 s of claiming again.
    let (forced, lines) = try run([Whole()], forcing: ["Piece(n=2)"], cooldown: 0.5)

    XCTAssertNil(folder.contents(of: "runs.log"), forced.summary)
    XCTAssertFalse(forced.success, forced.summary)
    XCTAssertEqual(forced.exitCode, ExitCodes().notRun, forced.summary)
    XCTAssertTrue(
      forced.summary.contains(
        "* 2 complete ones were encountered:\n    - 2 Piece(n=1,3)\n* 2 were left pending, among these:\n"
          + "    * 2 was not granted run permission by the scheduler:\n        - 1 Piece(n=2)\n        - 1 Whole()\n"),
      forced.summary)
    let gaveUp = lines.filter { $0.contains("still ignores 2 of this run's tasks as pending after 3 s") }
    XCTAssertEqual(gaveUp.count, 1, "\(lines)")
  }

  func testLuigisOwnWorkerRunningAgainAtOnceRunsNothing() throws {
    try folder.write(LuigiSharePipeline.source, to: "\(LuigiSharePipeline.moduleName).py")
    let runPython = { (name: String) throws -> String in
      let python = try LuigidTestProcesses.startPython(
        module: LuigiSharePipeline.moduleName, ["FanIn", "--count", "3"], luigid: self.luigid, in: self.folder,
        name: name, for: self)
      python.waitUntilExit()
      XCTAssertEqual(python.terminationStatus, 0, self.folder.contents(of: ".\(name).stderr") ?? "")
      return self.folder.contents(of: ".\(name).stderr") ?? ""
    }
    _ = try runPython("first")
    XCTAssertEqual(folder.contents(of: "fan-in-3.txt"), "6\n")
    for name in ["fan-in-3.txt", "part-1.txt", "part-2.txt", "part-3.txt", "ran.log"] { folder.delete(name) }

    let again = try runPython("again")

    // What a Plumb run does better (above): Luigi's worker, kept alive too, runs nothing.
    XCTAssertNil(folder.contents(of: "ran.log"), again)
    XCTAssertTrue(again.contains("* 4 was not granted run permission by the scheduler:"), again)
  }

  func testAForcedTaskRightAfterARunWaitsOutLuigidsCooldownAndRuns() throws {
    let (first, _) = try run([Whole()])
    XCTAssertTrue(first.success, first.summary)
    folder.delete("runs.log")

    let (forced, lines) = try run([Whole()], forcing: ["Piece(n=2)"])

    XCTAssertTrue(forced.success, forced.summary)
    // The forced piece and what needs it run again; the others are complete.
    XCTAssertEqual(runs.sorted(), ["Piece(n=2)", "Whole()"], forced.summary)
    XCTAssertTrue(forced.summary.contains("* 2 ran successfully:"), forced.summary)
    XCTAssertEqual(lines.filter { $0.contains("stable_done_cooldown_secs") }.count, 1, "\(lines)")
  }

  /// An external check luigid ignores (issue 21): the data was there in the first run, so luigid has
  /// the external task DONE. With the data and what needed it deleted, the run again at once
  /// registers the check runnable (`retry_external_tasks`), luigid ignores the claim during its
  /// cooldown, and the run claims it again as it first did, runnable: luigid hands the check out, it
  /// fails while the data is missing, and once the data comes it passes and what needed it runs.
  func testAnExternalCheckLuigidIgnoresIsClaimedAgainRunnableAndPassesOnceTheDataComes() throws {
    let folder = self.folder!
    for n in [1, 2] { try folder.write("\(n)\n", to: "data-\(n).txt") }
    var options = folder.options(workers: 1)
    options.configuration = try Configuration(text: "[worker]\nretry_external_tasks = true\n")
    var scheduler = luigid.scheduler
    scheduler.keepsAlive = true
    options.scheduler = .central(scheduler)
    options.logLevel = .info
    let first = try build([UseAll()], options: options)
    XCTAssertTrue(first.success, first.summary)
    for name in ["data-2.txt", "use-2.txt"] { folder.delete(name) }

    let lines = Mutex<[String]>([])
    options.logSink = { line in
      lines.withLock { $0.append(line) }
      // The data comes once the check claimed again has failed for want of it.
      if line.contains("ExtData(n=2) failed:") { try? folder.write("2\n", to: "data-2.txt") }
    }
    let again = try build([UseAll()], options: options)

    let said = lines.withLock { $0 }
    XCTAssertTrue(again.success, again.summary)
    XCTAssertEqual(folder.contents(of: "use-2.txt"), "x", again.summary)
    XCTAssertTrue(again.summary.contains("    - 1 ExtData(n=2)\n"), again.summary)
    XCTAssertEqual(said.filter { $0.contains("stable_done_cooldown_secs") }.count, 1, "\(said)")
    XCTAssertEqual(said.filter { $0.contains("ExtData(n=2) failed:") }.count, 1, "\(said)")
  }
}
