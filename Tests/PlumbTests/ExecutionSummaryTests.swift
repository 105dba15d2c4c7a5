import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbCore
@testable import PlumbReporting

// The chain of the reference: C requires B(n=1) and B(n=2), both require A.
private struct A: MarkerTask {}

private struct B: MarkerTask {
  @Parameter(help: "which B") var n: Int = .required
  func requires() -> A { A() }
}

private struct C: MarkerTask {
  func requires() -> [B] { [B(n: 1), B(n: 2)] }
}

// External data and what is made from it.
private struct RawLog: ExternalTask {
  @Parameter(help: "the day of the log") var date: Day = .required
  func output() -> LocalTarget { LocalTarget("raw/\(date.parameterText).log") }
}

private struct Clean: MarkerTask {
  @Parameter(help: "the day to clean") var date: Day = .required
  func requires() -> RawLog { RawLog(date: date) }
}

// The 28-day fan-in.
private struct Streams: MarkerTask {
  @Parameter(help: "the day") var date: Day = .required
}

private struct AggregateArtists: MarkerTask {
  // Named as in Luigi's example, so that the summary reads the same.
  @Parameter(help: "the days to aggregate") var date_interval: DaySpan = .required
  func requires() -> [Streams] { date_interval.days.map { Streams(date: $0) } }
}

// Intervals beside months: consecutive weeks, consecutive months with a fixed second parameter,
// and consecutive values of a month parameter.
private struct Weekly: MarkerTask {
  @Parameter(help: "the week") var week: DaySpan = .required
}

private struct Monthly: MarkerTask {
  @Parameter(help: "the month, as an interval") var month: DaySpan = .required
  @Parameter(help: "the country") var tld: String = .required
}

private struct ByMonth: MarkerTask {
  @Parameter(help: "the month") var month: Month = .required
}

private struct Rollup: MarkerTask {
  func requires() -> AllOf<[Weekly], [Monthly], [ByMonth]> {
    AllOf(
      (1...5).map { Weekly(week: DaySpan(isoYear: 2022, week: $0)!) },
      (1...3).map { Monthly(month: DaySpan(Month(year: 2022, month: $0)!)!, tld: "rs") },
      (1...4).map { ByMonth(month: Month(year: 2022, month: $0)!) })
  }
}

// Failures.
private struct Boom: MarkerTask {
  func run() throws { throw TestFailure(description: "boom") }
}

private struct Doomed: MarkerTask {
  @Parameter var n: Int = .required
  func run() throws { throw TestFailure(description: "doomed \(n)") }
}

private struct NeedsBoom: MarkerTask {
  func requires() -> AllOf<A, Boom> { AllOf(A(), Boom()) }
}

private struct Chief: MarkerTask {
  func requires() -> NeedsBoom { NeedsBoom() }
}

/// Fails for two reasons: Boom fails and its log is missing. The log is not a parameter, so the
/// summary shows `Report()`.
private struct Report: MarkerTask {
  var log = RawLog()
  func requires() -> AllOf<Boom, RawLog> { AllOf(Boom(), log) }
}

/// Fails on its first attempt, then succeeds; remembers the attempt in a file.
private struct Shaky: MarkerTask {
  func run() throws {
    let attempted = LocalTarget("shaky-attempted")
    if try !attempted.exists() {
      try attempted.write("1\n")
      throw TestFailure(description: "first attempt fails")
    }
    try output().write("done\n")
  }
}

// Scheduling errors: Flaky's complete() throws.
private struct Flaky: MarkerTask {
  func complete() throws -> Bool { throw TestFailure(description: "cannot check") }
}

private struct Dependent: MarkerTask {
  func requires() -> Flaky { Flaky() }
}

private struct Top: MarkerTask {
  func requires() -> Dependent { Dependent() }
}

// Six external families, for the line limit in a pending sub-category.
private struct Ext1: ExternalTask { func output() -> LocalTarget { LocalTarget("e1") } }
private struct Ext2: ExternalTask { func output() -> LocalTarget { LocalTarget("e2") } }
private struct Ext3: ExternalTask { func output() -> LocalTarget { LocalTarget("e3") } }
private struct Ext4: ExternalTask { func output() -> LocalTarget { LocalTarget("e4") } }
private struct Ext5: ExternalTask { func output() -> LocalTarget { LocalTarget("e5") } }
private struct Ext6: ExternalTask { func output() -> LocalTarget { LocalTarget("e6") } }

private struct Hub: MarkerTask {
  func requires() -> AllOf<Ext4, Ext2, Ext6, Ext1, Ext5, Ext3> { AllOf(Ext4(), Ext2(), Ext6(), Ext1(), Ext5(), Ext3()) }
}

/// The execution summary and exit code of real runs, compared whole with Luigi 3.8.1's output for
/// the same pipelines (docs: shared/reference/luigi-behaviour.md, section 1).
final class ExecutionSummaryTests: SummaryTestCase {
  // MARK: - Luigi's real outputs, byte for byte

  // The expected texts are Luigi 3.8.1's own: the same pipelines written as Luigi tasks (outputs in
  // a temporary folder, run in the order of these tests) run under Python 3.11 with
  // `luigi.build(tasks, local_scheduler=True, detailed_summary=True, workers=…)`, and the result's
  // `summary_text` (equal to `luigi.execution_summary.summary(worker)`) printed with `repr()`, then
  // laid out line by line: each literal's empty first and last lines are the newlines Luigi's text
  // starts and ends with. Only the frame's name differs in Plumb's. The other whole summaries in this
  // file, written with `framed`, were compared with Luigi's the same way, except those with Plumb's
  // reasons and those of a central scheduler's states (Shaky's retry ran with `retry_count = 2`,
  // `[scheduler] retry_delay = 0` and `[worker] keep_alive = true`).

  /// Luigi's `summary_text` with Plumb's name in the frame.
  private func plumbFramed(_ luigi: String) -> String {
    luigi.replacingOccurrences(
      of: "===== Luigi Execution Summary =====", with: "===== Plumb Execution Summary =====")
  }

  func testFreshChainRunsEveryTask() throws {
    let result = try run([C()])
    XCTAssertEqual(
      result.summary,
      plumbFramed(
        """

        ===== Luigi Execution Summary =====

        Scheduled 4 tasks of which:
        * 4 ran successfully:
            - 1 A()
            - 2 B(n=1,2)
            - 1 C()

        This progress looks :) because there were no failed tasks or missing dependencies

        ===== Luigi Execution Summary =====

        """))
    XCTAssertEqual(result.exitCode, 0)
  }

  func testCompleteChainChecksOnlyTheRoot() throws {
    _ = try run([C()])
    let result = try run([C()])
    XCTAssertEqual(
      result.summary,
      plumbFramed(
        """

        ===== Luigi Execution Summary =====

        Scheduled 1 tasks of which:
        * 1 complete ones were encountered:
            - 1 C()

        Did not run any tasks
        This progress looks :) because there were no failed tasks or missing dependencies

        ===== Luigi Execution Summary =====

        """))
    XCTAssertEqual(result.exitCode, 0)
  }

  func testDeletedOutputsRunAgain() throws {
    _ = try run([C()])
    try FileManager.default.removeItem(atPath: folder.path(of: B(n: 2).fileName))
    try FileManager.default.removeItem(atPath: folder.path(of: C().fileName))
    let result = try run([C()])
    XCTAssertEqual(
      result.summary,
      plumbFramed(
        """

        ===== Luigi Execution Summary =====

        Scheduled 4 tasks of which:
        * 2 complete ones were encountered:
            - 1 A()
            - 1 B(n=1)
        * 2 ran successfully:
            - 1 B(n=2)
            - 1 C()

        This progress looks :) because there were no failed tasks or missing dependencies

        ===== Luigi Execution Summary =====

        """))
    XCTAssertEqual(result.exitCode, 0)
  }

  func testMissingExternalData() throws {
    let result = try run([Clean(date: try day("2022-02-03"))])
    XCTAssertEqual(
      result.summary,
      plumbFramed(
        """

        ===== Luigi Execution Summary =====

        Scheduled 2 tasks of which:
        * 2 were left pending, among these:
            * 1 were missing external dependencies:
                - 1 RawLog(date=2022-02-03)
            * 1 had missing dependencies:
                - 1 Clean(date=2022-02-03)

        Did not run any tasks
        This progress looks :| because there were missing external dependencies

        ===== Luigi Execution Summary =====

        """))
    XCTAssertEqual(result.exitCode, 20)
  }

  func testTwentyEightDayFanInWithFourWorkers() throws {
    let result = try run([AggregateArtists(date_interval: try interval("2022-02"))]) { $0.workers = 4 }
    XCTAssertEqual(
      result.summary,
      plumbFramed(
        """

        ===== Luigi Execution Summary =====

        Scheduled 29 tasks of which:
        * 29 ran successfully:
            - 1 AggregateArtists(date_interval=2022-02)
            - 28 Streams(date=2022-02-01...2022-02-28)

        This progress looks :) because there were no failed tasks or missing dependencies

        ===== Luigi Execution Summary =====

        """))
    XCTAssertEqual(result.exitCode, 0)
  }

  func testFailedTaskLeavesItsDependentPending() throws {
    try folder.write("x\n", to: A().fileName)
    let result = try run([NeedsBoom()])
    XCTAssertEqual(
      result.summary,
      plumbFramed(
        """

        ===== Luigi Execution Summary =====

        Scheduled 3 tasks of which:
        * 1 complete ones were encountered:
            - 1 A()
        * 1 failed:
            - 1 Boom()
        * 1 were left pending, among these:
            * 1 had failed dependencies:
                - 1 NeedsBoom()

        This progress looks :( because there were failed tasks

        ===== Luigi Execution Summary =====

        """))
    XCTAssertEqual(result.exitCode, 30)
  }

  func testCompleteThatThrowsIsASchedulingError() throws {
    let result = try run([Top()])
    // Only direct dependents count as "had dependencies whose scheduling failed"; Luigi puts the
    // task above them under "not granted run permission".
    XCTAssertEqual(
      result.summary,
      plumbFramed(
        """

        ===== Luigi Execution Summary =====

        Scheduled 3 tasks of which:
        * 1 failed scheduling:
            - 1 Flaky()
        * 2 were left pending, among these:
            * 1 had dependencies whose scheduling failed:
                - 1 Dependent()
            * 1 was not granted run permission by the scheduler:
                - 1 Top()

        Did not run any tasks
        This progress looks :( because there were tasks whose scheduling failed

        ===== Luigi Execution Summary =====

        """))
    XCTAssertEqual(result.exitCode, 35, "scheduling error (35) outranks not run (25)")
  }

  func testNoTasks() throws {
    let result = try run([])
    XCTAssertEqual(
      result.summary,
      plumbFramed(
        """

        ===== Luigi Execution Summary =====

        Did not schedule any tasks

        ===== Luigi Execution Summary =====

        """))
    XCTAssertEqual(result.exitCode, 0)
  }

  /// Luigi ranges months (MonthParameter has a next value) but lists date intervals value by value,
  /// even consecutive weeks and months: DateIntervalParameter has none.
  func testIntervalsAreListedValueByValue() throws {
    let result = try run([Rollup()])
    XCTAssertEqual(
      result.summary,
      plumbFramed(
        """

        ===== Luigi Execution Summary =====

        Scheduled 13 tasks of which:
        * 13 ran successfully:
            - 4 ByMonth(month=2022-01...2022-04)
            - 3 Monthly(month=2022-01, tld=rs) ...
            - 1 Rollup()
            - 5 Weekly(week=2022-W01,2022-W02,2022-W03,2022-W04,2022-W05)

        This progress looks :) because there were no failed tasks or missing dependencies

        ===== Luigi Execution Summary =====

        """))
    XCTAssertEqual(result.exitCode, 0)
  }

  // MARK: - Categories and the smiley line

  func testFailureCountsForEveryTaskAboveIt() throws {
    let result = try run([Chief()])
    XCTAssertEqual(
      result.summary,
      framed(
        """
        Scheduled 4 tasks of which:
        * 1 ran successfully:
            - 1 A()
        * 1 failed:
            - 1 Boom()
        * 2 were left pending, among these:
            * 2 had failed dependencies:
                - 1 Chief()
                - 1 NeedsBoom()

        This progress looks :( because there were failed tasks
        """))
    XCTAssertEqual(result.exitCode, 30)
  }

  func testTaskPendingForSeveralReasonsIsListedUnderEach() throws {
    let result = try run([Report(log: RawLog(date: try day("2022-02-03")))])
    XCTAssertEqual(
      result.summary,
      framed(
        """
        Scheduled 3 tasks of which:
        * 1 failed:
            - 1 Boom()
        * 2 were left pending, among these:
            * 1 were missing external dependencies:
                - 1 RawLog(date=2022-02-03)
            * 1 had failed dependencies:
                - 1 Report()
            * 1 had missing dependencies:
                - 1 Report()

        This progress looks :( because there were failed tasks
        """))
    XCTAssertEqual(result.exitCode, 30, "task failed (30) outranks missing data (20)")
  }

  // MARK: - Plumb's addition: why tasks failed

  func testReasonsFollowLuigisLayoutInTheOrderTasksWereMet() throws {
    try folder.write("x\n", to: A().fileName)
    let result = try run([NeedsBoom(), Dependent()]) { $0.summaryShowsErrors = true }
    XCTAssertEqual(
      result.summary,
      framed(
        """
        Scheduled 5 tasks of which:
        * 1 complete ones were encountered:
            - 1 A()
        * 1 failed:
            - 1 Boom()
        * 1 failed scheduling:
            - 1 Flaky()
        * 2 were left pending, among these:
            * 1 had failed dependencies:
                - 1 NeedsBoom()
            * 1 had dependencies whose scheduling failed:
                - 1 Dependent()

        This progress looks :( because there were failed tasks and tasks whose scheduling failed

        Why tasks failed:
            - Boom(): boom
            - Flaky(): complete() failed: cannot check
        """))
    XCTAssertEqual(result.record(of: Boom())?.errorMessage, "boom")
  }

  func testReasonsAreCutAtTheSummaryLength() throws {
    let result = try run((1...4).map { Doomed(n: $0) }) {
      $0.summaryShowsErrors = true
      $0.summaryLength = 2
    }
    XCTAssertTrue(
      result.summary.hasSuffix(
        """
        Why tasks failed:
            - Doomed(n=1): doomed 1
            - Doomed(n=2): doomed 2
            ... and 2 more (the log above has every error)

        ===== Plumb Execution Summary =====

        """), result.summary)
  }

  func testNoReasonsWhenNothingFailed() throws {
    let result = try run([A()]) { $0.summaryShowsErrors = true }
    XCTAssertFalse(result.summary.contains("Why tasks failed"), result.summary)
  }

  func testFailureAndSchedulingErrorTogether() throws {
    let result = try run([Boom(), Dependent()])
    XCTAssertEqual(
      result.summary,
      framed(
        """
        Scheduled 3 tasks of which:
        * 1 failed:
            - 1 Boom()
        * 1 failed scheduling:
            - 1 Flaky()
        * 1 were left pending, among these:
            * 1 had dependencies whose scheduling failed:
                - 1 Dependent()

        This progress looks :( because there were failed tasks and tasks whose scheduling failed
        """))
    XCTAssertEqual(result.exitCode, 35, "scheduling error (35) outranks task failed (30)")
  }

  func testFailureThatSucceedsInARetry() throws {
    let result = try run([Shaky()]) { $0.retries = 1 }
    XCTAssertEqual(result.record(of: Shaky())?.failureCount, 1)
    XCTAssertEqual(
      result.summary,
      framed(
        """
        Scheduled 1 tasks of which:
        * 1 ran successfully:
            - 1 Shaky()

        This progress looks :) because there were failed tasks but they all succeeded in a retry
        """))
    XCTAssertEqual(result.exitCode, 0)
  }

  func testFailureWithoutRetries() throws {
    let result = try run([Shaky()])
    XCTAssertEqual(
      result.summary,
      framed(
        """
        Scheduled 1 tasks of which:
        * 1 failed:
            - 1 Shaky()

        This progress looks :( because there were failed tasks
        """))
    XCTAssertEqual(result.exitCode, 30)
  }

  func testLineLimitInAPendingSubcategory() throws {
    let result = try run([Hub()])
    XCTAssertEqual(
      result.summary,
      framed(
        """
        Scheduled 7 tasks of which:
        * 7 were left pending, among these:
            * 6 were missing external dependencies:
                - 1 Ext1()
                - 1 Ext2()
                - 1 Ext3()
                - 1 Ext4()
                - 1 Ext5()
                ...
            * 1 had missing dependencies:
                - 1 Hub()

        Did not run any tasks
        This progress looks :| because there were missing external dependencies
        """))
    XCTAssertEqual(result.exitCode, 20)
  }

  func testConfiguredExitCodes() throws {
    let result = try run([NeedsBoom()]) { $0.exitCodes.taskFailed = 3 }
    XCTAssertEqual(result.exitCode, 3)
  }

  // MARK: - States the local scheduler does not produce (a central scheduler's)

  private func record(
    _ family: String, _ status: TaskStatus, requires dependencies: [String] = [], failures: Int = 0,
    worker: String? = nil
  ) -> TaskRecord {
    TaskRecord(
      info: TaskInfo(family: family, parameters: [TaskInfo.NamedValue]()), status: status, isExternal: false,
      failureCount: failures,
      error: nil, dependencies: dependencies.map { $0 + "()" }, otherWorker: worker)
  }

  func testTaskNotGrantedRunPermission() {
    let summary = ExecutionSummary(records: [record("X", .pending)], maximumLines: 5)
    XCTAssertEqual(
      summary.text,
      framed(
        """
        Scheduled 1 tasks of which:
        * 1 were left pending, among these:
            * 1 was not granted run permission by the scheduler:
                - 1 X()

        Did not run any tasks
        This progress looks :| because there were tasks that were not granted run permission by the scheduler
        """))
    XCTAssertEqual(summary.exitCode(using: ExitCodes()), 25)
  }

  func testTaskNotGrantedRunPermissionBesideAFinishedRoot() {
    let summary = ExecutionSummary(records: [record("R", .succeeded), record("X", .pending)], maximumLines: 5)
    XCTAssertEqual(summary.exitCode(using: ExitCodes()), 25)
  }

  func testTasksRunByAnotherWorker() {
    let summary = ExecutionSummary(
      records: [record("Y", .pending, requires: ["X"]), record("X", .runByOtherWorker, worker: "w1")],
      maximumLines: 5)
    XCTAssertEqual(
      summary.text,
      framed(
        """
        Scheduled 2 tasks of which:
        * 2 were left pending, among these:
            * 1 were being run by another worker:
                - 1 X()
            * 1 had dependencies that were being run by other worker:
                - 1 Y()

        The other workers were:
            - w1 ran 1 tasks

        Did not run any tasks
        This progress looks :) because there were no failed tasks or missing dependencies
        """))
    XCTAssertEqual(summary.exitCode(using: ExitCodes()), 10)
  }

  func testManyOtherWorkersAreCounted() {
    let records = (1...6).map { record("T\($0)", .runByOtherWorker, worker: "w\($0)") }
    XCTAssertEqual(
      ExecutionSummary(records: records, maximumLines: 0).text,
      framed(
        """
        Scheduled 6 tasks of which:
        * 6 were left pending, among these:
            * 6 were being run by another worker:
                - 1 T1()
                - 1 T2()
                - 1 T3()
                - 1 T4()
                - 1 T5()
                - 1 T6()

        The other workers were:
            - w1 ran 1 tasks
            - w2 ran 1 tasks
            - w3 ran 1 tasks
            - w4 ran 1 tasks
            and 2 other workers
        Did not run any tasks
        This progress looks :) because there were no failed tasks or missing dependencies
        """))
  }

  func testUnfinishedRootIsNotRunEvenWhenNothingElseApplies() {
    // D failed once and then succeeded, which still counts as a failed dependency of R.
    let summary = ExecutionSummary(
      records: [record("R", .pending, requires: ["D"]), record("D", .succeeded, failures: 1)], maximumLines: 5)
    XCTAssertEqual(
      summary.text,
      framed(
        """
        Scheduled 2 tasks of which:
        * 1 ran successfully:
            - 1 D()
        * 1 were left pending, among these:
            * 1 had failed dependencies:
                - 1 R()

        This progress looks :) because there were failed tasks but they all succeeded in a retry

        Succeeded in a retry:
            - D(): on attempt 2, after 1 failure
        """))
    XCTAssertEqual(summary.exitCode(using: ExitCodes()), 25)
  }
}
