import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbCommandLine
@testable import PlumbCore
@testable import PlumbLuigid

/// A Swift leaf: the assistant's program knows this family.
private struct SwiftLeaf: PipelineTask {
  @Parameter var n: Int = 0
  func output() -> LocalTarget { LocalTarget("swift-leaf-\(n).txt") }
  func run() throws { try output().write("\(n) swift\n") }
}

/// Needs both leaves: luigid hands it out only once the assistant has run them.
private struct SwiftTop: PipelineTask {
  func requires() -> [SwiftLeaf] { [SwiftLeaf(n: 0), SwiftLeaf(n: 1)] }
  func output() -> LocalTarget { LocalTarget("swift-top.txt") }
  func run() throws {
    let leaves = try input().map { try $0.read() }.joined()
    try output().write(leaves)
  }
}

/// Another Swift program's family, which the assistant's program does not list.
private struct Stranger: PipelineTask {
  func output() -> LocalTarget { LocalTarget("stranger.txt") }
  func run() throws { try output().write("ran where it should not\n") }
}

/// Another Swift program's task that its own worker runs first (its priority is higher than
/// ``Foreign``'s) and holds until the file `release-holding` appears.
private struct Holding: PipelineTask {
  var priority: Int { 10 }
  func output() -> LocalTarget { LocalTarget("holding.txt") }
  func run() throws {
    LuigidTestProcesses.holdUntilReleased(started: "started-holding", release: "release-holding")
    try output().write("held\n")
  }
}

/// That program's task the assistant is handed while its own worker holds ``Holding``.
private struct Foreign: PipelineTask {
  func output() -> LocalTarget { LocalTarget("foreign.txt") }
  func run() throws {
    let log = LocalTarget("ran.log")
    let before = (try? log.read()) ?? ""
    try log.write(before + "Foreign() other\n")
    try output().write("foreign\n")
  }
}

private struct ForeignRun: WrapperTask {
  func requires() -> AllOf<Holding, Foreign> { AllOf(Holding(), Foreign()) }
}

/// Assistants on a real luigid (issue 21, item 2): a Python Luigi process and Plumb processes
/// only schedule (`--workers 0`), and a Plumb assistant, which schedules nothing, runs what they
/// scheduled: Swift tasks natively, Python tasks through Python Luigi. A Python task whose module
/// the assistant's Python cannot import ends FAILED with the message Luigi's assistant gives a task
/// it cannot find (Luigi's own assistant crashes on that one, and the task waits for luigid to drop
/// it); a Swift task of a family the assistant's program does not know ends FAILED saying what to
/// run instead, and its own worker takes it back. Neither is held.
final class CentralAssistantTests: XCTestCase {
  private static let pythonModule = "assistant_pipeline"
  private static let pythonSource = """
    import luigi

    def log_run(line):
        with open("ran.log", "a") as log:
            log.write(line + "\\n")

    class PyLeaf(luigi.Task):
        n = luigi.IntParameter()
        def output(self):
            return luigi.LocalTarget(f"py-leaf-{self.n}.txt")
        def run(self):
            log_run(f"PyLeaf(n={self.n}) python")
            with self.output().open("w") as f:
                f.write(f"{self.n} python\\n")

    class PyTop(luigi.Task):
        def requires(self):
            return [PyLeaf(n=0), PyLeaf(n=1)]
        def output(self):
            return luigi.LocalTarget("py-top.txt")
        def run(self):
            log_run("PyTop() python")
            with self.output().open("w") as f:
                for leaf in self.input():
                    f.write(leaf.open().read())

    # Luigi's assistant needs a task on its command line: this one is complete, and runs nothing.
    class Idle(luigi.WrapperTask):
        pass

    """
  /// Luigi's twin of ``ForeignRun``'s program, for the reference run of Luigi's own assistant.
  private static let foreignSource = """
    import os, time
    import luigi

    class Holding(luigi.Task):
        priority = 10
        def output(self):
            return luigi.LocalTarget("holding.txt")
        def run(self):
            open("started-holding", "w").close()
            while not os.path.exists("release-holding"):
                time.sleep(0.01)
            with self.output().open("w") as f:
                f.write("held\\n")

    class Foreign(luigi.Task):
        def output(self):
            return luigi.LocalTarget("foreign.txt")
        def run(self):
            with open("ran.log", "a") as log:
                log.write("Foreign() own\\n")
            with self.output().open("w") as f:
                f.write("foreign\\n")

    class ForeignRun(luigi.WrapperTask):
        def requires(self):
            return [Holding(), Foreign()]

    """
  /// A module only the scheduling process can import: it is removed before the assistant starts.
  private static let goneModule = "gone_pipeline"
  private static let goneSource = """
    import luigi

    class Lost(luigi.Task):
        def output(self):
            return luigi.LocalTarget("lost.txt")
        def run(self):
            with self.output().open("w") as f:
                f.write("ran without its module\\n")

    """

  func testAPlumbAssistantRunsSwiftAndPythonTasksAndFailsWhatItCannotLoadAsLuigisAssistantDoes() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    // Failed tasks stay failed for the test's length: a retry would hand them out again.
    let luigid = try LuigidServer(for: self, retryDelay: 600)
    try folder.write(Self.pythonSource, to: "\(Self.pythonModule).py")
    try folder.write(Self.goneSource, to: "\(Self.goneModule).py")

    // Luigi's own worker schedules the Python tasks and runs none (`--workers 0`).
    for (module, task) in [(Self.pythonModule, "PyTop"), (Self.goneModule, "Lost")] {
      let scheduled = try LuigidTestProcesses.runPython(
        ["-m", "luigi", "--module", module, task, "--workers", "0"] + luigid.flags, in: folder)
      XCTAssertEqual(scheduled.code, 0, scheduled.output)
    }
    try FileManager.default.removeItem(atPath: folder.path(of: "\(Self.goneModule).py"))
    try? FileManager.default.removeItem(atPath: folder.path(of: "__pycache__"))

    // Two Swift programs schedule theirs the same way.
    let pipeline = PipelineCommand(name: "pipeline", tasks: [SwiftTop.self, SwiftLeaf.self])
    let other = PipelineCommand(name: "other", tasks: [Stranger.self])
    for (command, task) in [(pipeline, "SwiftTop"), (other, "Stranger")] {
      var output = ""
      let code = command.run(
        arguments: [task, "--workers", "0", "--no-lock"] + luigid.flags, workingDirectory: folder.path,
        environment: [:], standardOutput: { output += $0 + "\n" }, standardError: { _ in })
      XCTAssertEqual(code, ExitCodes().notRun, output)
    }
    XCTAssertNil(folder.contents(of: "swift-leaf-0.txt"), "a process with --workers 0 runs nothing")

    // The assistant: built from the pipeline's program, no task, not kept alive: it ends when
    // luigid has nothing more for it. Its Python is the venv's; it imports modules from the run's
    // folder, where it runs them, as `python -c` puts the current folder first on its path.
    try folder.write("[worker]\npython = \(LuigidServer.python)\n", to: "plumb.cfg")
    var summary = ""
    var log: [String] = []
    let code = pipeline.run(
      arguments: ["--assistant", "--no-lock"] + luigid.flags, workingDirectory: folder.path,
      environment: [:], standardOutput: { summary += $0 + "\n" },
      standardError: { log.append($0) })
    print(summary)

    XCTAssertEqual(code, ExitCodes().taskFailed, summary + log.joined(separator: "\n"))
    XCTAssertEqual(folder.contents(of: "swift-top.txt"), "0 swift\n1 swift\n")
    XCTAssertEqual(folder.contents(of: "py-top.txt"), "0 python\n1 python\n")
    XCTAssertNil(folder.contents(of: "stranger.txt"))
    XCTAssertNil(folder.contents(of: "lost.txt"))

    let done = try LuigidTestProcesses.names(of: "DONE", in: luigid)
    XCTAssertEqual(
      done, ["PyLeaf(n=0)", "PyLeaf(n=1)", "PyTop()", "SwiftLeaf(n=0)", "SwiftLeaf(n=1)", "SwiftTop()"])
    // Failed, not held RUNNING: luigid is free to hand them to a worker that can run them.
    XCTAssertEqual(try LuigidTestProcesses.names(of: "FAILED", in: luigid), ["Lost()", "Stranger()"])
    XCTAssertEqual(try LuigidTestProcesses.names(of: "RUNNING", in: luigid), [])
    for (family, reason) in [("Lost", "No module named 'gone_pipeline'"), ("Stranger", "it knows SwiftLeaf, SwiftTop")]
    {
      let id = try XCTUnwrap(try LuigidTestProcesses.ids(of: "FAILED", in: luigid)[family])
      let error = try luigid.api("fetch_error", ["task_id": .string(id)])["error"]?.string ?? ""
      XCTAssertTrue(error.contains("Cannot find task(s) sent by scheduler: \(id)"), error)
      XCTAssertTrue(error.contains(reason), error)
    }

    XCTAssertTrue(summary.contains("* 6 ran successfully:\n"), summary)
    XCTAssertTrue(summary.contains("    - 2 PyLeaf(n=0,1)\n"), summary)
    XCTAssertTrue(summary.contains("    - 2 SwiftLeaf(n=0,1)\n"), summary)
    XCTAssertTrue(summary.contains("* 2 failed:\n    - 1 Lost()\n    - 1 Stranger()\n"), summary)
  }

  // MARK: - Started before anything is scheduled

  /// An assistant started on an empty luigid (issue 21): without `--worker-keep-alive` it ends at
  /// once, as Luigi's own assistant does (worker.py `_keep_alive` is false, so `run` stops at the
  /// first `get_work` without a task); kept alive it waits, runs what workers with `--workers 0`
  /// schedule later (Plumb's, and Luigi's), each task once, and ends when it is signalled. Luigi's
  /// own assistant first, as the reference.
  func testAnAssistantStartedBeforeAnythingIsScheduledEndsAtOnceOrWaitsWhenKeptAliveAsLuigisDoes() throws {
    let signals = try BuiltExecutable("plumb-signals")

    // Luigi's: it needs a task on its command line, so it is given one that is complete.
    var (folder, luigid) = try emptyLuigid()
    let bare = try LuigidTestProcesses.runPython(["-m", "luigi", "--assistant"] + luigid.flags, in: folder)
    XCTAssertNotEqual(bare.code, 0, bare.output)
    XCTAssertTrue(bare.output.contains("No task specified"), bare.output)
    let once = try LuigidTestProcesses.runPython(
      ["-m", "luigi", "--module", Self.pythonModule, "Idle", "--assistant", "--no-lock"] + luigid.flags, in: folder)
    XCTAssertEqual(once.code, 0, once.output)
    XCTAssertTrue(
      once.output.contains(
        "Scheduled 1 tasks of which:\n* 1 complete ones were encountered:\n    - 1 Idle()\n\nDid not run any tasks\n"),
      once.output)
    let luigiAssistant = try LuigidTestProcesses.startPython(
      module: Self.pythonModule, ["Idle", "--assistant", "--no-lock"], luigid: luigid, in: folder, name: "assistant",
      for: self)
    try waitForAssistant(luigiAssistant, on: luigid)
    let scheduled = try LuigidTestProcesses.runPython(
      ["-m", "luigi", "--module", Self.pythonModule, "PyTop", "--workers", "0"] + luigid.flags, in: folder)
    XCTAssertEqual(scheduled.code, 0, scheduled.output)
    try LuigidTestProcesses.waitFor("Luigi's assistant to run PyTop") { folder.contains("py-top.txt") }
    // SIGUSR1: Luigi's assistant stops asking for work and ends.
    kill(luigiAssistant.processIdentifier, SIGUSR1)
    luigiAssistant.waitUntilExit()
    let luigiSummary = folder.contents(of: ".assistant.stderr") ?? ""
    XCTAssertEqual(luigiAssistant.terminationStatus, 0, luigiSummary)
    XCTAssertEqual(runs(in: folder).sorted(), ["PyLeaf(n=0) python", "PyLeaf(n=1) python", "PyTop() python"])
    // It never registered them as pending, so it lists what it ran as complete.
    XCTAssertTrue(luigiSummary.contains("* 4 complete ones were encountered:"), luigiSummary)

    // Plumb's: no task is needed.
    (folder, luigid) = try emptyLuigid()
    let alone = try runToEnd(signals.process(["--assistant"] + luigid.flags, in: folder), "alone", in: folder)
    XCTAssertEqual(alone.code, 0, alone.output)
    XCTAssertTrue(alone.output.contains("Did not schedule any tasks"), alone.output)
    XCTAssertTrue(
      alone.errorLines.contains {
        $0.contains("had no task for this assistant, which ends without --worker-keep-alive: pass it")
      }, "\(alone.errorLines)")

    let assistant = signals.process(
      ["--assistant", "--worker-keep-alive", "--worker-wait-interval", "0.1"] + luigid.flags, in: folder)
    try LuigidTestProcesses.redirect(assistant, "assistant", in: folder)
    try assistant.run()
    addTeardownBlock { if assistant.isRunning { kill(assistant.processIdentifier, SIGKILL) } }
    try waitForAssistant(assistant, on: luigid)
    let swift = try runToEnd(
      signals.process(["FanIn", "--count", "3", "--workers", "0"] + luigid.flags, in: folder), "swift", in: folder)
    XCTAssertEqual(swift.code, ExitCodes().notRun, swift.output)
    let python = try LuigidTestProcesses.runPython(
      ["-m", "luigi", "--module", Self.pythonModule, "PyTop", "--workers", "0"] + luigid.flags, in: folder)
    XCTAssertEqual(python.code, 0, python.output)
    try LuigidTestProcesses.waitFor("Plumb's assistant to run FanIn and PyTop") {
      folder.contains("fan-in-3.txt") && folder.contains("py-top.txt")
    }
    // SIGUSR1, as to Luigi's: Plumb's assistant stops asking for work and ends, with its summary.
    // (SIGTERM, SIGINT and SIGHUP stop it too, with 128 + the signal: below.)
    kill(assistant.processIdentifier, SIGUSR1)
    assistant.waitUntilExit()
    let summary = folder.contents(of: ".assistant.stdout") ?? ""
    XCTAssertEqual(assistant.terminationStatus, 0, summary)
    let pid = assistant.processIdentifier
    XCTAssertEqual(
      runs(in: folder).sorted(),
      [
        "FanIn(count=3) plumb \(pid)", "Part(n=1) plumb \(pid)", "Part(n=2) plumb \(pid)", "Part(n=3) plumb \(pid)",
        "PyLeaf(n=0) python", "PyLeaf(n=1) python", "PyTop() python",
      ],
      "each task once, on the assistant")
    XCTAssertTrue(
      summary.contains(
        "* 7 ran successfully:\n    - 1 FanIn(count=3)\n    - 3 Part(n=1,2,3)\n    - 2 PyLeaf(n=0,1)\n    - 1 PyTop()\n"
      ),
      summary)
    XCTAssertEqual(folder.contents(of: "fan-in-3.txt"), "6\n")
    XCTAssertEqual(folder.contents(of: "py-top.txt"), "0 python\n1 python\n")
  }

  // MARK: - A Swift family the assistant does not know

  /// A task of a Swift family the assistant's program does not list, handed to it while the
  /// family's own worker (kept alive, one slot) is busy (issue 21): the assistant fails it with
  /// Luigi's "Cannot find task(s) sent by scheduler" and what to do, not held. luigid lets an
  /// assistant neither refuse a task nor hand it back (see "Assistants" in docs/plumb.md), and would
  /// hand the task out again only after `retry_delay`; the own worker, once luigid has nothing for
  /// it, registers it pending again, as a new run would, runs it once, and ends well. Luigi's own
  /// assistant in the same place (a Python task whose module it cannot import) first, as the
  /// reference.
  func testATaskOfASwiftFamilyTheAssistantDoesNotKnowIsFailedWithWhatToDoAndRunByItsOwnWorker() throws {
    // Luigi's own assistant, handed a task whose module it cannot import, crashes (exit 4): the task
    // stays RUNNING until luigid drops the dead assistant, then FAILED, and its own worker runs it
    // after retry_delay.
    let python = try TemporaryFolder(removedAfter: self)
    let assistantFolder = try TemporaryFolder(removedAfter: self)
    var luigid = try LuigidServer(for: self)
    try python.write(Self.foreignSource, to: "foreign_py.py")
    try assistantFolder.write(Self.pythonSource, to: "\(Self.pythonModule).py")
    let pythonOwn = try LuigidTestProcesses.startPython(
      module: "foreign_py", ["ForeignRun", "--no-lock"], luigid: luigid, in: python, name: "own", for: self)
    try LuigidTestProcesses.waitFor("Luigi's own worker to run Holding") { python.contains("started-holding") }
    let luigiAssistant = try LuigidTestProcesses.startPython(
      module: Self.pythonModule, ["Idle", "--assistant", "--no-lock"], luigid: luigid, in: assistantFolder,
      name: "assistant", for: self)
    luigiAssistant.waitUntilExit()
    let crash = assistantFolder.contents(of: ".assistant.stderr") ?? ""
    XCTAssertEqual(luigiAssistant.terminationStatus, 4, crash)
    XCTAssertTrue(crash.contains("ModuleNotFoundError: No module named 'foreign_py'"), crash)
    try python.write("", to: "release-holding")
    pythonOwn.waitUntilExit()
    XCTAssertEqual(pythonOwn.terminationStatus, 0, python.contents(of: ".own.stderr") ?? "")
    XCTAssertEqual(python.contents(of: "ran.log"), "Foreign() own\n")
    XCTAssertTrue(
      luigid.log.contains("Task 'Foreign__99914b932b' is marked as running by disconnected worker"), luigid.log)

    // Plumb's assistant fails it at once, and lives on; the own worker registers it pending again
    // when luigid has nothing for it, and runs it: luigid's retry_delay is a production one here,
    // so waiting for it would fail the test.
    let signals = try BuiltExecutable("plumb-signals")
    let folder = try TemporaryFolder(removedAfter: self)
    luigid = try LuigidServer(for: self, retryDelay: 900)
    let program = PipelineCommand(name: "other", tasks: [ForeignRun.self, Holding.self, Foreign.self])
    let own = LuigidTestProcesses.runInProcess(
      program,
      ["ForeignRun", "--worker-keep-alive", "--worker-wait-interval", "0.1", "--no-lock"] + luigid.flags,
      in: folder)
    try LuigidTestProcesses.waitFor("the own worker to run Holding") { folder.contains("started-holding") }

    let assistant = signals.process(
      ["--assistant", "--worker-keep-alive", "--worker-wait-interval", "0.1"] + luigid.flags, in: folder)
    try LuigidTestProcesses.redirect(assistant, "assistant", in: folder)
    try assistant.run()
    addTeardownBlock { if assistant.isRunning { kill(assistant.processIdentifier, SIGKILL) } }
    let id = TaskInfo(Foreign()).id
    var error = ""
    try LuigidTestProcesses.waitFor("the assistant to fail Foreign()") {
      error = (try? luigid.api("fetch_error", ["task_id": .string(id)])["error"]?.string) ?? ""
      return error.contains("Cannot find task(s) sent by scheduler")
    }
    try folder.write("", to: "release-holding")
    let outcome = own()
    kill(assistant.processIdentifier, SIGTERM)
    assistant.waitUntilExit()
    let summary = folder.contents(of: ".assistant.stdout") ?? ""
    print(summary)

    XCTAssertTrue(
      error.contains(
        "Cannot find task(s) sent by scheduler: \(id): Foreign is not a family this program knows (it knows AfterBlocked, Blocked, "
      ), error)
    XCTAssertTrue(
      error.contains(
        "so it is another Swift program's: run assistants built from a program that lists every Swift family of the cluster; its own worker, if still running, takes it back, else luigid hands it out again after its retry_delay"
      ), error)
    XCTAssertEqual(outcome.code, 0, outcome.output)
    XCTAssertTrue(
      outcome.output.contains(
        "* 3 ran successfully:\n    - 1 Foreign()\n    - 1 ForeignRun()\n    - 1 Holding()\n\nThis progress looks :)"),
      outcome.output)
    XCTAssertEqual(folder.contents(of: "ran.log"), "Foreign() other\n", "once, by its own worker")
    XCTAssertEqual(folder.contents(of: "foreign.txt"), "foreign\n")
    XCTAssertEqual(assistant.terminationStatus, 128 + SIGTERM, summary)
    // One task, however many times luigid handed it to the assistant; ForeignRun too when the
    // assistant asked first once Foreign was done.
    XCTAssertTrue(summary.contains(" failed:\n    - 1 Foreign()\n"), summary)
    XCTAssertFalse(summary.contains("ran successfully"), summary)
  }

  /// A folder with the Python pipeline, a config that makes the venv's Python run Python tasks, and
  /// a luigid of its own that knows no task.
  private func emptyLuigid() throws -> (TemporaryFolder, LuigidServer) {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write(Self.pythonSource, to: "\(Self.pythonModule).py")
    try folder.write("[worker]\npython = \(LuigidServer.python)\n", to: "plumb.cfg")
    return (folder, try LuigidServer(for: self))
  }

  /// Waits until `process` has asked `luigid` for work as an assistant (luigid records it then).
  private func waitForAssistant(_ process: Process, on luigid: LuigidServer) throws {
    try LuigidTestProcesses.waitFor("the assistant to ask luigid for work") {
      ((try? luigid.api("worker_list").elements) ?? []).contains {
        $0["assistant"] == .bool(true) && $0["pid"]?.integer == Int(process.processIdentifier)
      }
    }
  }

  /// The lines of `ran.log` in `folder`: one per task run.
  private func runs(in folder: TemporaryFolder) -> [String] {
    (folder.contents(of: "ran.log") ?? "").split(separator: "\n").map(String.init)
  }

  /// Runs `process` to its end with its output in `.<name>.*` of `folder`.
  private func runToEnd(_ process: Process, _ name: String, in folder: TemporaryFolder) throws -> CommandOutcome {
    try LuigidTestProcesses.redirect(process, name, in: folder)
    try process.run()
    process.waitUntilExit()
    return CommandOutcome(
      code: process.terminationStatus, output: folder.contents(of: ".\(name).stdout") ?? "",
      errorLines: (folder.contents(of: ".\(name).stderr") ?? "").split(separator: "\n").map(String.init))
  }
}
