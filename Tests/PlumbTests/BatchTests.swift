import Foundation
import Plumb
import PlumbTestSupport
import Synchronization
import XCTest

@testable import PlumbCore
@testable import PlumbLuigid

/// What the batch tests' tasks ran, in order: each run's batchable value, as text.
private let runs = Mutex<[String]>([])

private func ran(_ value: String) {
  runs.withLock { $0.append(value) }
}

private func ranValues() -> [String] { runs.withLock { $0 } }

/// Luigi's `MaxBatchTask`: running the greatest value covers the smaller ones.
private struct MaxBatchTask: PipelineTask {
  @Parameter(batchMethod: .max) var param: Int = .required
  func run() { ran("\(param)") }
  func complete() -> Bool { ranValues().contains { Int($0).map { param <= $0 } ?? false } }
}

private struct MaxBatches: WrapperTask {
  func requires() -> [MaxBatchTask] { (0..<5).map { MaxBatchTask(param: $0) } }
}

/// Luigi's `MaxBatchFailTask`: the batch's run, with the greatest value, fails.
private struct MaxBatchFailTask: PipelineTask {
  @Parameter(batchMethod: .max) var param: Int = .required
  struct TooLarge: Error {}
  func run() throws {
    ran("\(param)")
    guard param < 4 else { throw TooLarge() }
  }
  func complete() -> Bool { false }
}

private struct MaxFailBatches: WrapperTask {
  func requires() -> [MaxBatchFailTask] { (0..<5).map { MaxBatchFailTask(param: $0) } }
}

/// Luigi's `CsvBatchJob`: a batch runs once over the values joined by commas.
private struct CsvBatchJob: PipelineTask {
  @Parameter(batchMethod: .joined(separator: ",")) var values: String = .required
  func run() { ran(values) }
  func complete() -> Bool {
    let done = Set(ranValues().flatMap { $0.split(separator: ",") })
    return values.split(separator: ",").allSatisfy { done.contains($0) }
  }
}

/// Luigi's `CsvLimitedBatchJob`: at most 4 values a batch.
private struct CsvLimitedBatchJob: PipelineTask {
  @Parameter(batchMethod: .joined(separator: ",")) var value: String = .required
  static var maxBatchSize: Int { 4 }
  func run() { ran(value) }
  func complete() -> Bool {
    let done = Set(ranValues().flatMap { $0.split(separator: ",") })
    return value.split(separator: ",").allSatisfy { done.contains($0) }
  }
}

/// Luigi's `MaxNonBatchJob`: a batchable parameter, but the tasks say they run alone.
private struct MaxNonBatchJob: PipelineTask {
  @Parameter(batchMethod: .max) var value: Int = .required
  var isBatchable: Bool { false }
  func run() { ran("\(value)") }
  func complete() -> Bool { ranValues().contains("\(value)") }
}

/// Batches differ in a parameter that is not batchable: each value of `region` is a batch of its own.
private struct RegionalMax: PipelineTask {
  @Parameter var region: String = .required
  @Parameter(batchMethod: .max) var day: Day = .required
  func run() { ran("\(region) \(day)") }
  func complete() -> Bool {
    ranValues().contains { $0.hasPrefix(region + " ") && day.parameterText <= String($0.suffix(10)) }
  }
}

/// The lines of the summary of a run of `tasks` (Luigi's layout alone, without Plumb's "Why tasks
/// failed"), then the runs' values as the Python side's `summary(tasks)` prints Luigi's.
private func summaryAndRuns(_ tasks: [any PipelineTask], options: RunOptions) throws -> [String] {
  var options = options
  options.summaryShowsErrors = false
  runs.withLock { $0 = [] }
  let result = try build(tasks, options: options)
  return result.summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init) + [
    "runs: " + ranValues().joined(separator: " | ")
  ]
}

/// Batches with Plumb's local scheduler, as Luigi's local scheduler forms them: the cases of
/// Luigi's `test/execution_summary_test.py` (summaries compared byte for byte with Luigi's, run in
/// the test) and of `test/worker_test.py` (which runs happen).
final class BatchTests: XCTestCase {
  private var folder: TemporaryFolder!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
    runs.withLock { $0 = [] }
  }

  /// Luigi's classes of the cases, and `summary(tasks)`, which prints the summary of a run (local,
  /// or on the luigid its keyword arguments name), then the runs' values.
  static let luigiTasks = """
    import luigi
    ran = []
    class MaxBatchTask(luigi.Task):
        param = luigi.IntParameter(batch_method=max)
        def run(self):
            ran.append(str(self.param))
        def complete(self):
            return any(self.param <= int(r) for r in ran)
    class MaxBatches(luigi.WrapperTask):
        def requires(self):
            return map(MaxBatchTask, range(5))
    class MaxBatchFailTask(luigi.Task):
        param = luigi.IntParameter(batch_method=max)
        def run(self):
            ran.append(str(self.param))
            assert self.param < 4
        def complete(self):
            return False
    class MaxFailBatches(luigi.WrapperTask):
        def requires(self):
            return map(MaxBatchFailTask, range(5))
    class CsvBatchJob(luigi.Task):
        values = luigi.Parameter(batch_method=",".join)
        def run(self):
            ran.append(self.values)
        def complete(self):
            done = {v for r in ran for v in r.split(",")}
            return all(v in done for v in self.values.split(","))
    class CsvLimitedBatchJob(luigi.Task):
        value = luigi.Parameter(batch_method=",".join)
        max_batch_size = 4
        def run(self):
            ran.append(self.value)
        def complete(self):
            done = {v for r in ran for v in r.split(",")}
            return all(v in done for v in self.value.split(","))
    def summary(tasks, **scheduler):
        del ran[:]
        result = luigi.build(
            tasks, detailed_summary=True, log_level="CRITICAL", **(scheduler or {"local_scheduler": True}))
        print(result.summary_text.replace("Luigi Execution Summary", "Plumb Execution Summary"))
        print("runs: " + " | ".join(ran))

    """

  private func plumb(_ tasks: [any PipelineTask]) throws -> [String] {
    try summaryAndRuns(tasks, options: folder.options())
  }

  /// Luigi's test_batch_complete: five tasks of a max batch run as one, with the greatest value;
  /// all five and their wrapper ran successfully.
  func testAMaxBatchRunsTheGreatestValueOnceAndSummarisesAsLuigi() throws {
    let plumb = try plumb([MaxBatches()])
    let luigi = try folder.runLuigi(Self.luigiTasks + "summary([MaxBatches()])")
    XCTAssertEqual(plumb.last, "runs: 4")
    XCTAssertTrue(plumb.contains("    - 5 MaxBatchTask(param=0...4)"), plumb.joined(separator: "\n"))
    XCTAssertEqual(plumb, luigi)
  }

  /// Luigi's test_batch_fail: the batch's one run fails, so each of its five tasks failed, and
  /// their wrapper had failed dependencies.
  func testAFailedMaxBatchFailsEveryTaskOfItAndSummarisesAsLuigi() throws {
    let plumb = try plumb([MaxFailBatches()])
    let luigi = try folder.runLuigi(Self.luigiTasks + "summary([MaxFailBatches()])")
    XCTAssertEqual(plumb.last, "runs: 4")
    XCTAssertTrue(plumb.contains("* 5 failed:"), plumb.joined(separator: "\n"))
    XCTAssertEqual(plumb, luigi)
    // Each task of the batch failed with the batch's error.
    let shown = try build([MaxFailBatches()], options: folder.options()).summary
    for param in 0..<5 {
      XCTAssertTrue(shown.contains("    - MaxBatchFailTask(param=\(param)): TooLarge()\n"), shown)
    }
  }

  /// Luigi's test_run_csv_batch_job: ten tasks run once, as the task whose value is theirs joined.
  ///
  /// Luigi's summary also lists that task as one of the "complete ones were encountered", which it
  /// was not (it ran); Plumb leaves it out: those are the only lines that differ.
  func testAJoinedBatchRunsOnceOverEveryValue() throws {
    let tasks = (0..<10).map { CsvBatchJob(values: "\($0)") }
    let plumb = try plumb(tasks)
    let luigi = try folder.runLuigi(Self.luigiTasks + "summary([CsvBatchJob(str(i)) for i in range(10)])")
    XCTAssertEqual(plumb.last, "runs: 0,1,2,3,4,5,6,7,8,9")
    XCTAssertTrue(plumb.contains("Scheduled 10 tasks of which:"), plumb.joined(separator: "\n"))
    let quirk = ["* 1 complete ones were encountered:", "    - 1 CsvBatchJob(values=0,1,2,3,4,5,6,7,8,9)"]
    XCTAssertEqual(luigi.filter { quirk.contains($0) }, quirk, "Luigi's summary changed: \(luigi)")
    XCTAssertEqual(
      plumb,
      luigi.filter { !quirk.contains($0) }.map {
        $0 == "Scheduled 11 tasks of which:" ? "Scheduled 10 tasks of which:" : $0
      })
  }

  /// Luigi's test_run_batch_job_limit_batch_size: eleven values, at most four a batch, three runs.
  func testMaxBatchSizeLimitsEachBatchAsInLuigi() throws {
    let plumb = try plumb((0..<11).map { CsvLimitedBatchJob(value: "\($0)") })
    let luigi = try folder.runLuigi(
      Self.luigiTasks + "summary([CsvLimitedBatchJob(str(i)) for i in range(11)])")
    XCTAssertEqual(plumb.last, "runs: 0,1,2,3 | 4,5,6,7 | 8,9,10")
    XCTAssertEqual(plumb.last, luigi.last)
  }

  /// Luigi's test_run_batch_job_unbatched: tasks that are not batchable run one by one.
  func testTasksThatAreNotBatchableRunAlone() throws {
    let result = try build((0..<10).map { MaxNonBatchJob(value: $0) }, options: folder.options())
    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(ranValues(), (0..<10).map { "\($0)" })
  }

  /// Tasks that differ in a parameter that is not batchable never share a batch; a batch of days
  /// runs the newest day of its region.
  func testOnlyTasksAgreeingOnEveryOtherParameterShareABatch() throws {
    let days = ["2024-01-01", "2024-01-03", "2024-01-02"].map { Day(parameterText: $0)! }
    let tasks = ["eu", "us"].flatMap { region in days.map { RegionalMax(region: region, day: $0) } }
    let result = try build(tasks, options: folder.options(workers: 2))
    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(ranValues().sorted(), ["eu 2024-01-03", "us 2024-01-03"])
    XCTAssertTrue(result.summary.contains("    - 6 RegionalMax(region=eu, day=2024-01-01) ..."), result.summary)
  }

  /// A task of a batchable family keeps Luigi's id and text when it runs on its own.
  func testABatchableTaskHasLuigisIdAndText() throws {
    let luigi = try folder.runLuigi(
      Self.luigiTasks + """
        for task in [MaxBatchTask(3), CsvBatchJob("a,b")]:
            print(task.task_id)
            print(task)
        """)
    let plumb = [TaskInfo(MaxBatchTask(param: 3)), TaskInfo(CsvBatchJob(values: "a,b"))].flatMap {
      [$0.id, $0.description]
    }
    XCTAssertEqual(plumb, luigi)
  }

  /// The batch methods combine as Luigi's `max`, `min` and `",".join` do.
  func testBatchMethodsCombineAsLuigis() {
    XCTAssertEqual(BatchMethod<Int>.max.combine([3, 9, 4]), 9)
    XCTAssertEqual(
      BatchMethod<Day>.min.combine([Day(parameterText: "2024-02-01")!, Day(parameterText: "2024-01-31")!])
        .parameterText, "2024-01-31")
    XCTAssertEqual(BatchMethod.joined(separator: ",").combine(["b", "a"]), "b,a")
    XCTAssertEqual(BatchMethod<Int> { $0.reduce(0, +) }.combine([1, 2, 3]), 6)
  }
}

/// Batches on luigid: Plumb's worker registers its batchable families (`add_task_batcher`) and
/// tasks (`batchable`), runs the batches luigid hands out with the combined values, and reports
/// them as Luigi's worker does. Each case runs Plumb on one fresh luigid and Luigi's own worker on
/// another, and compares the summaries, the runs, and luigid's state after each.
final class CentralBatchTests: XCTestCase {
  private var folder: TemporaryFolder!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
  }

  /// What one worker's run left: its summary and runs, and luigid's task ids by status.
  private struct Outcome: Equatable {
    var lines: [String]
    var ids: [String: [String]]
  }

  /// Runs `tasks` with Plumb and `luigiTasks` (Python's `summary(...)` call over the same tasks)
  /// with Luigi's worker, each on a luigid of its own with luigid's `retryDelay`.
  private func compare(
    _ tasks: [any PipelineTask], _ luigiTasks: String, retryDelay: Int = 1
  ) throws -> (plumb: Outcome, luigi: Outcome) {
    let plumbLuigid = try LuigidServer(for: self, retryDelay: retryDelay)
    var options = folder.options(workers: 2)
    options.scheduler = .central(plumbLuigid.scheduler)
    let plumb = try summaryAndRuns(tasks, options: options)
    let luigiLuigid = try LuigidServer(for: self, retryDelay: retryDelay)
    let luigi = try folder.runLuigi(
      BatchTests.luigiTasks
        + "summary(\(luigiTasks), scheduler_host=\"127.0.0.1\", scheduler_port=\(luigiLuigid.url.split(separator: ":").last!))"
    )
    return (
      Outcome(lines: plumb, ids: try Self.ids(plumbLuigid)), Outcome(lines: luigi, ids: try Self.ids(luigiLuigid))
    )
  }

  /// luigid's task ids by status, for the statuses that hold any.
  private static func ids(_ luigid: LuigidServer) throws -> [String: [String]] {
    var ids: [String: [String]] = [:]
    for status in ["PENDING", "RUNNING", "BATCH_RUNNING", "DONE", "FAILED", "DISABLED", "UNKNOWN"] {
      guard
        case .object(let tasks) = try luigid.api(
          "task_list", ["status": .string(status), "upstream_status": "", "search": ""]),
        !tasks.isEmpty
      else { continue }
      ids[status] = tasks.keys.sorted()
    }
    return ids
  }

  /// A max batch on luigid: one run with the greatest value, and luigid has every task DONE.
  func testAMaxBatchOnLuigidRunsOnceAndEndsAsWithLuigisWorker() throws {
    let (plumb, luigi) = try compare([MaxBatches()], "[MaxBatches()]")
    XCTAssertEqual(plumb.lines.last, "runs: 4")
    XCTAssertEqual(plumb.ids["DONE"]?.count, 6, "\(plumb.ids)")
    XCTAssertEqual(plumb, luigi)
  }

  /// A failed max batch on luigid: every task of it FAILED in luigid, with the batch's error.
  func testAFailedMaxBatchOnLuigidFailsEveryTaskAsWithLuigisWorker() throws {
    let (plumb, luigi) = try compare([MaxFailBatches()], "[MaxFailBatches()]", retryDelay: 900)
    XCTAssertEqual(plumb.lines.last, "runs: 4")
    XCTAssertEqual(plumb.ids["FAILED"]?.count, 5, "\(plumb.ids)")
    XCTAssertEqual(plumb, luigi)
  }

  /// A joined batch on luigid: one run over every value; luigid knows the task that ran, DONE,
  /// beside the ten it stands for, as after Luigi's worker.
  func testAJoinedBatchOnLuigidRunsOnceAndEndsAsWithLuigisWorker() throws {
    let (plumb, luigi) = try compare(
      (0..<10).map { CsvBatchJob(values: "\($0)") }, "[CsvBatchJob(str(i)) for i in range(10)]")
    XCTAssertEqual(plumb.lines.last, "runs: 0,1,2,3,4,5,6,7,8,9")
    XCTAssertEqual(plumb.lines.last, luigi.lines.last)
    XCTAssertEqual(plumb.ids["DONE"]?.count, 11, "\(plumb.ids)")
    XCTAssertEqual(plumb.ids, luigi.ids)
  }

  /// Limited batches on luigid: three runs of at most four values.
  func testMaxBatchSizeOnLuigidLimitsEachBatchAsWithLuigisWorker() throws {
    let (plumb, luigi) = try compare(
      (0..<11).map { CsvLimitedBatchJob(value: "\($0)") }, "[CsvLimitedBatchJob(str(i)) for i in range(11)]")
    XCTAssertEqual(plumb.lines.last, "runs: 0,1,2,3 | 4,5,6,7 | 8,9,10")
    XCTAssertEqual(plumb.lines.last, luigi.lines.last)
    XCTAssertEqual(plumb.ids, luigi.ids)
  }
}
