import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbCommandLine
@testable import PlumbLuigid

/// `[worker] retry_external_tasks` on a real luigid (its test settings: a failed task is pending
/// again after 1 s): the external task is registered runnable, luigid hands it out, the check fails
/// with Luigi's `expl`, luigid hands it out again after its `retry_delay`, and a worker kept alive
/// waits for that. The data comes while it waits; the run completes. Luigi's own worker plays the
/// same scenario on a luigid of its own, and the summaries are compared.
final class CentralRetryExternalTests: XCTestCase {
  private static let config = """
    [worker]
    retry_external_tasks = true
    keep_alive = true
    wait_interval = 0.1
    wait_jitter = 0

    """

  func testAKeptAliveWorkerWaitsForLuigidToHandTheCheckOutAgainAndCompletesOnceTheDataComes() throws {
    let luigi = try luigiSummary()

    let folder = try TemporaryFolder(removedAfter: self)
    let luigid = try LuigidServer(for: self)
    try folder.write("1\n", to: "data-1.txt")
    var options = RunOptions()
    options.workingDirectory = folder.path
    // The key as Luigi's `[core]` section also names it; keep-alive as code sets it.
    options.configuration = try Configuration(text: "[core]\nretry-external-tasks = true\n")
    var scheduler = luigid.scheduler
    scheduler.keepsAlive = true
    options.scheduler = .central(scheduler)
    options.summaryShowsErrors = false
    options.logSink = { _ in }
    let finished = LuigidTestProcesses.buildInBackground([UseAll()], options: options)

    let dataID = TaskInfo(ExtData(n: 2)).id
    try LuigidTestProcesses.waitFor("luigid to have ExtData(n=2) FAILED") {
      guard
        case .object(let failed)? = try? luigid.api(
          "task_list", ["status": "FAILED", "upstream_status": "", "search": ""])
      else { return false }
      return failed[dataID] != nil
    }
    let error = try luigid.api("fetch_error", ["task_id": .string(dataID)])
    XCTAssertEqual(error["error"]?.string, #""Task is an external data dependency and data does not exist (yet?).""#)
    try folder.write("2\n", to: "data-2.txt")

    let result = try XCTUnwrap(finished(), "the run did not end within a minute")
    XCTAssertEqual(result.summary, luigi)
    XCTAssertTrue(result.summary.contains("* 4 ran successfully:\n    - 1 ExtData(n=2)\n"), result.summary)
    XCTAssertTrue(
      result.summary.contains(
        "This progress looks :) because there were failed tasks but they all succeeded in a retry\n"),
      result.summary)
    XCTAssertEqual(folder.contents(of: "use-2.txt"), "x")
    let done = try luigid.api("task_list", ["status": "DONE", "upstream_status": "", "search": ""])
    XCTAssertNotNil(done[TaskInfo(UseAll()).id], "luigid has the whole graph DONE")
  }

  /// An assistant handed the check (issue 21): a process that only schedules (`--workers 0`)
  /// registers `ExtData(n=2)` runnable, and an assistant, which schedules nothing, checks it. While
  /// the data is missing the check fails with Luigi's `expl` and luigid holds the task FAILED, not
  /// RUNNING; once the data has come and luigid has made the task PENDING again (its `retry_delay`,
  /// 1 s here), the next assistant finds the data, and runs what needed it. Luigi's own worker and
  /// assistant play the same scenario on a luigid of their own, and luigid ends each phase in the
  /// same state for both.
  func testAnAssistantHandedTheCheckFailsItWhileTheDataIsMissingAndRunsOnOnceItComes() throws {
    let luigi = try assistantPhases { folder, luigid in
      let module = ["-m", "luigi", "--module", "retry_external"]
      let scheduled = try LuigidTestProcesses.runPython(
        module + ["UseAll", "--workers", "0"] + luigid.flags, in: folder)
      XCTAssertEqual(scheduled.code, 0, scheduled.output)
      return {
        try LuigidTestProcesses.runPython(module + ["Idle", "--assistant", "--no-lock"] + luigid.flags, in: folder)
      }
    }
    let plumb = try assistantPhases { folder, luigid in
      let pipeline = PipelineCommand(name: "pipeline", tasks: [UseAll.self, UseData.self, ExtData.self])
      var output = ""
      let code = pipeline.run(
        arguments: ["UseAll", "--workers", "0", "--no-lock"] + luigid.flags, workingDirectory: folder.path,
        environment: [:], standardOutput: { output += $0 + "\n" }, standardError: { _ in })
      XCTAssertEqual(code, ExitCodes().notRun, output)
      return {
        var summary = ""
        let code = pipeline.run(
          arguments: ["--assistant", "--no-lock"] + luigid.flags, workingDirectory: folder.path,
          environment: [:], standardOutput: { summary += $0 + "\n" }, standardError: { _ in })
        return (code, summary)
      }
    }

    // Luigi's assistant exits 0 either way (its default `[retcode]`); Plumb's says the check failed.
    XCTAssertEqual(luigi.codes.first, 0, luigi.outputs.first)
    XCTAssertEqual(luigi.codes.second, 0, luigi.outputs.second)
    XCTAssertEqual(plumb.codes.first, ExitCodes().taskFailed, plumb.outputs.first)
    XCTAssertTrue(plumb.outputs.first.contains("* 1 failed:\n    - 1 ExtData(n=2)\n"), plumb.outputs.first)
    XCTAssertEqual(plumb.codes.second, 0, plumb.outputs.second)
    XCTAssertTrue(plumb.outputs.second.contains("    - 1 ExtData(n=2)\n"), plumb.outputs.second)
    XCTAssertEqual(plumb.afterFirst, luigi.afterFirst)
    XCTAssertEqual(plumb.afterFirst.done, ["ExtData(n=1)", "UseData(n=1)"])
    XCTAssertEqual(plumb.afterFirst.failed, ["ExtData(n=2)"])
    XCTAssertEqual(plumb.afterFirst.running, [])
    XCTAssertEqual(plumb.error, luigi.error)
    XCTAssertEqual(plumb.error, #""Task is an external data dependency and data does not exist (yet?).""#)
    XCTAssertEqual(plumb.afterSecond, luigi.afterSecond)
    XCTAssertEqual(
      plumb.afterSecond.done, ["ExtData(n=1)", "ExtData(n=2)", "UseAll()", "UseData(n=1)", "UseData(n=2)"])
  }

  /// The tasks luigid holds in each state that matters here, by name; not `Idle()`, which Luigi's
  /// assistant registers (complete) because its command line names it.
  private struct LuigidStates: Equatable {
    var done: [String]
    var failed: [String]
    var running: [String]

    init(of luigid: LuigidServer) throws {
      func names(_ status: String) throws -> [String] {
        try LuigidTestProcesses.names(of: status, in: luigid).filter { $0 != "Idle()" }
      }
      done = try names("DONE")
      failed = try names("FAILED")
      running = try names("RUNNING")
    }
  }

  /// Plays the assistant scenario in a fresh folder (`data-1.txt` there, `retry_external_tasks`
  /// in `luigi.cfg`, which Plumb and Luigi both read) on a fresh luigid: `schedule` schedules
  /// `UseAll()` without running anything and returns how to run one assistant to its end (its exit
  /// code and output); one assistant runs, the data comes, luigid makes the check PENDING again,
  /// another assistant runs. Returns luigid's states after each assistant, the error luigid kept
  /// for the failed check, and each assistant's exit code and output.
  private func assistantPhases(
    _ schedule: (TemporaryFolder, LuigidServer) throws -> () throws -> (code: Int32, output: String)
  ) throws -> (
    afterFirst: LuigidStates, error: String?, afterSecond: LuigidStates, codes: (first: Int32, second: Int32),
    outputs: (first: String, second: String)
  ) {
    let folder = try TemporaryFolder(removedAfter: self)
    let luigid = try LuigidServer(for: self, retryDelay: 1)
    try folder.write("1\n", to: "data-1.txt")
    try folder.write("[worker]\nretry_external_tasks = true\n", to: "luigi.cfg")
    // Luigi's assistant needs a task on its command line: `Idle` is complete, and runs nothing.
    try folder.write(
      RetryExternalPipeline.pythonSource + "class Idle(luigi.WrapperTask):\n    pass\n", to: "retry_external.py")
    let runAssistant = try schedule(folder, luigid)

    let first = try runAssistant()
    let afterFirst = try LuigidStates(of: luigid)
    let dataID = TaskInfo(ExtData(n: 2)).id
    let error = try luigid.api("fetch_error", ["task_id": .string(dataID)])["error"]?.string
    // Without a failed check luigid would never make it pending again: the assertions say what
    // happened instead of a wait that runs out.
    guard afterFirst.failed.contains("ExtData(n=2)") else {
      return (afterFirst, error, afterFirst, (first.code, -1), (first.output, "no second assistant"))
    }
    try folder.write("2\n", to: "data-2.txt")
    try LuigidTestProcesses.waitFor("luigid to make ExtData(n=2) pending again") {
      (try? LuigidTestProcesses.names(of: "PENDING", in: luigid))?.contains("ExtData(n=2)") == true
    }
    let second = try runAssistant()
    return (afterFirst, error, try LuigidStates(of: luigid), (first.code, second.code), (first.output, second.output))
  }

  /// Luigi's own worker in the same scenario, kept alive with the same settings from `luigi.cfg`:
  /// its summary, with Plumb's name in the frame.
  private func luigiSummary() throws -> String {
    let folder = try TemporaryFolder(removedAfter: self)
    let luigid = try LuigidServer(for: self)
    try folder.write("1\n", to: "data-1.txt")
    try folder.write(Self.config, to: "luigi.cfg")
    let process = try RetryExternalPipeline.startLuigi(in: folder, schedulerPort: luigid.port, for: self)
    try LuigidTestProcesses.waitFor("Luigi's worker to report ExtData(n=2) failed") {
      RetryExternalPipeline.luigiReportedFailure(in: folder)
    }
    try folder.write("2\n", to: "data-2.txt")
    return try RetryExternalPipeline.finish(process, in: folder)
  }
}
