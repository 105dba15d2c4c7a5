import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// External data a pipeline needs, which may come while it runs.
struct ExtData: ExternalTask {
  @Parameter var n: Int = .required
  func output() -> LocalTarget { LocalTarget("data-\(n).txt") }
}

struct UseData: PipelineTask {
  @Parameter var n: Int = .required
  func requires() -> ExtData { ExtData(n: n) }
  func output() -> LocalTarget { LocalTarget("use-\(n).txt") }
  func run() throws { try output().write("x") }
}

struct UseAll: WrapperTask {
  func requires() -> [UseData] { [UseData(n: 1), UseData(n: 2)] }
}

/// The same pipeline in Python Luigi, and how the tests run Luigi's own worker on it.
enum RetryExternalPipeline {
  static let pythonSource = """
    import luigi
    class ExtData(luigi.ExternalTask):
        n = luigi.IntParameter()
        def output(self):
            return luigi.LocalTarget("data-%d.txt" % self.n)
    class UseData(luigi.Task):
        n = luigi.IntParameter()
        def requires(self):
            return ExtData(n=self.n)
        def output(self):
            return luigi.LocalTarget("use-%d.txt" % self.n)
        def run(self):
            with self.output().open("w") as f:
                f.write("x")
    class UseAll(luigi.WrapperTask):
        def requires(self):
            return [UseData(n=1), UseData(n=2)]

    """

  /// Starts Luigi's worker on `UseAll()` in `folder`, which reads the folder's `luigi.cfg`: with
  /// its local scheduler, or with luigid's at `port`. Its summary (with Plumb's name in the frame)
  /// goes to `.luigi.stdout`, its log to `.luigi.stderr`.
  static func startLuigi(in folder: TemporaryFolder, schedulerPort port: Int? = nil, for test: XCTestCase) throws
    -> Process
  {
    let scheduler = port.map { "scheduler_host='127.0.0.1', scheduler_port=\($0)" } ?? "local_scheduler=True"
    let process = Process()
    process.executableURL = URL(fileURLWithPath: LuigidServer.python)
    process.arguments = [
      "-c",
      pythonSource + """
        result = luigi.build([UseAll()], \(scheduler), detailed_summary=True, log_level="INFO")
        print(result.summary_text.replace("Luigi Execution Summary", "Plumb Execution Summary"), end="")
        """,
    ]
    process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
    process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasSuffix("_CONFIG_PATH") }
    try LuigidTestProcesses.redirect(process, "luigi", in: folder)
    try process.run()
    test.addTeardownBlock { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
    return process
  }

  /// Waits for Luigi's worker (two minutes at most, then the test fails); returns its summary.
  static func finish(_ process: Process, in folder: TemporaryFolder) throws -> String {
    try LuigidTestProcesses.waitFor("Luigi's worker to end") { !process.isRunning }
    process.waitUntilExit()
    XCTAssertEqual(process.terminationStatus, 0, folder.contents(of: ".luigi.stderr") ?? "")
    return folder.contents(of: ".luigi.stdout") ?? ""
  }

  /// Whether Luigi's worker in `folder` has reported a task FAILED (to its local scheduler or to
  /// luigid), as its log says.
  static func luigiReportedFailure(in folder: TemporaryFolder) -> Bool {
    folder.contents(of: ".luigi.stderr")?.contains("has status   FAILED") == true
  }
}

/// `[worker] retry_external_tasks` with the local scheduler, each scenario played by Luigi's own
/// worker (Luigi 3.8.1, from the repo's venv) and by Plumb, in folders of their own: `UseAll()`
/// needs `UseData(n=1)` and `UseData(n=2)`, each an `ExtData(n)`; `data-1.txt` exists.
final class RetryExternalTasksTests: XCTestCase {
  /// Two folders, one for each worker, with the data of `ExtData(n=1)` and `config` as `luigi.cfg`,
  /// which both read.
  private func folders(config: String) throws -> (luigi: TemporaryFolder, plumb: TemporaryFolder) {
    let folders = try (TemporaryFolder(removedAfter: self), TemporaryFolder(removedAfter: self))
    for folder in [folders.0, folders.1] {
      try folder.write("1\n", to: "data-1.txt")
      try folder.write(config, to: "luigi.cfg")
    }
    return folders
  }

  /// Plumb's options for `folder`, every engine setting from its `luigi.cfg`; the summary in
  /// Luigi's layout alone, to compare.
  private func options(in folder: TemporaryFolder) throws -> RunOptions {
    var options = RunOptions()
    options.workingDirectory = folder.path
    options.configuration = try Configuration.load(in: folder.path, environment: [:])
    options.summaryShowsErrors = false
    options.logSink = { _ in }
    return options
  }

  /// The data never comes: the external task is checked once, fails, and what needs it "had
  /// failed dependencies", as Luigi says; without the setting it is "missing external dependencies".
  func testMissingDataIsCheckedOnceAndFailsAsInLuigi() throws {
    let (luigiFolder, plumbFolder) = try folders(config: "[worker]\nretry_external_tasks = true\n")
    let luigi = try RetryExternalPipeline.finish(
      RetryExternalPipeline.startLuigi(in: luigiFolder, for: self), in: luigiFolder)

    let result = try build([UseAll()], options: options(in: plumbFolder))

    XCTAssertEqual(result.summary, luigi)
    XCTAssertTrue(
      result.summary.contains("* 1 failed:\n    - 1 ExtData(n=2)\n* 2 were left pending, among these:\n"), luigi)
    XCTAssertTrue(luigi.contains("This progress looks :( because there were failed tasks\n"), luigi)
    let failure = try XCTUnwrap(result.records.first { $0.info.description == "ExtData(n=2)" })
    XCTAssertEqual(failure.status, .failed)
    XCTAssertEqual(failure.failureCount, 1)
    XCTAssertEqual(
      failure.errorMessage,
      "Task is an external data dependency and data does not exist (yet?). (missing: \(plumbFolder.path(of: "data-2.txt")))"
    )
    XCTAssertEqual(plumbFolder.contents(of: "use-1.txt"), "x")

    var without = try options(in: plumbFolder)
    without.configuration = Configuration()
    let unchecked = try build([UseAll()], options: without).summary
    XCTAssertTrue(unchecked.contains("    * 1 were missing external dependencies:\n"), unchecked)
  }

  /// The data comes once the first check has failed: the check is made again after the retry
  /// delay, succeeds, and the rest runs; Luigi's worker, kept alive, does the same. Plumb retries
  /// as it retries any failed task (`[scheduler] retry_count`, `retry_delay`), kept alive or not;
  /// the same config makes Luigi's local scheduler disable the task after that many failures.
  func testDataThatComesWhileTheRunWaitsToRetryLetsItCompleteAsInLuigi() throws {
    let config = """
      [worker]
      retry_external_tasks = true
      keep_alive = true
      wait_interval = 0.1
      wait_jitter = 0
      [scheduler]
      retry_count = 5
      retry_delay = 2

      """
    let (luigiFolder, plumbFolder) = try folders(config: config)
    let process = try RetryExternalPipeline.startLuigi(in: luigiFolder, for: self)
    try LuigidTestProcesses.waitFor("Luigi's worker to report ExtData(n=2) failed") {
      RetryExternalPipeline.luigiReportedFailure(in: luigiFolder)
    }
    try luigiFolder.write("2\n", to: "data-2.txt")
    let luigi = try RetryExternalPipeline.finish(process, in: luigiFolder)

    var options = try options(in: plumbFolder)
    let clock = ManualClock(now: Date(timeIntervalSince1970: 0))
    options.clock = clock
    // The data comes once the run has said the first check failed: before the retry, which waits
    // on the manual clock, no real time.
    let failures = LineCollector()
    options.logSink = { line in
      guard line.contains("ExtData(n=2) failed:") else { return }
      failures.append(line)
      try? plumbFolder.write("2\n", to: "data-2.txt")
    }
    let result = try build([UseAll()], options: options)

    XCTAssertEqual(result.summary, luigi)
    XCTAssertTrue(result.summary.contains("* 4 ran successfully:\n    - 1 ExtData(n=2)\n"), luigi)
    XCTAssertTrue(
      luigi.contains("This progress looks :) because there were failed tasks but they all succeeded in a retry\n"),
      luigi)
    XCTAssertEqual(failures.lines.count, 1, "\(failures.lines)")
    XCTAssertEqual(clock.now.timeIntervalSince1970, 2, "one wait of [scheduler] retry_delay")
    XCTAssertEqual(result.records.first { $0.info.description == "ExtData(n=2)" }?.failureCount, 1)
    XCTAssertEqual(plumbFolder.contents(of: "use-2.txt"), "x")
  }
}
