import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbCommandLine
@testable import PlumbSchedules
@testable import PlumbWorkers

/// Ranges, scheduled runs and `--force` from the command line.
final class TimeCommandLineTests: XCTestCase {
  private var folder: TemporaryFolder!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
  }

  private func invoke(_ arguments: String..., now: String = "2024-01-05T06:00Z", stop: RunStop? = nil) -> CommandOutcome
  {
    var command = PipelineCommand(
      name: "reports", tasks: [DailyReport.self, Digest.self, Undated.self, IntervalTask.self])
    command.clock = ManualClock(now: DataInterval.instant(now)!)
    var output: [String] = []
    let errors = LineCollector()
    let code = command.run(
      arguments: arguments + ["--no-lock"], workingDirectory: folder.path, environment: folder.environment,
      standardOutput: { output.append($0) }, standardError: { errors.append($0) }, stop: stop)
    return CommandOutcome(code: code, output: output.joined(separator: "\n"), errorLines: errors.lines)
  }

  func testRangeDailyInLuigisForm() {
    let outcome = invoke("RangeDaily", "--of", "DailyReport", "--start", "2024-01-01", "--stop", "2024-02-01")
    XCTAssertEqual(outcome.code, 0, "\(outcome.errorLines)")
    XCTAssertTrue(
      outcome.output.contains(
        "* 32 ran successfully:\n    - 31 DailyReport(date=2024-01-01...2024-01-31, folder=reports)\n    - 1 RangeDaily(...)\n"
      ), outcome.output)
    XCTAssertEqual(folder.listing().filter { $0.hasPrefix("reports/") }.count, 31)
  }

  func testRangeFlagsInLuigisSpellingAndFamilyFlagsOfTheOfTask() {
    let outcome = invoke(
      "RangeDaily", "--of", "DailyReport", "--start", "2024-01-01", "--stop", "2024-01-04", "--task_limit", "2",
      "--DailyReport-folder", "elsewhere")
    XCTAssertEqual(outcome.code, 0, "\(outcome.errorLines)")
    XCTAssertEqual(
      folder.listing().filter { $0.hasPrefix("elsewhere/") }, ["elsewhere/2024-01-01.txt", "elsewhere/2024-01-02.txt"])
  }

  /// Luigi's `now` (seconds since 1970) stands in for the clock, `of_params` sets the `of` task's
  /// other parameters; both in either spelling.
  func testRangeNowAndOfParams() {
    let outcome = invoke(
      "RangeDaily", "--of", "DailyReport", "--now", "1707523200", "--days-back", "3", "--of_params",
      #"{"folder": "elsewhere"}"#)
    XCTAssertEqual(outcome.code, 0, "\(outcome.errorLines)")
    XCTAssertEqual(
      folder.listing().filter { $0.hasPrefix("elsewhere/") },
      ["elsewhere/2024-02-07.txt", "elsewhere/2024-02-08.txt", "elsewhere/2024-02-09.txt"])
    invoke("RangeDaily", "--of", "DailyReport", "--start", "2024-01-01", "--of-params", #"{"colour": 1}"#)
      .assertError(
        code: 2,
        #"reports: error: cannot use --of-params '{"colour": 1}' for DailyReport: DailyReport has no parameter colour"#)
  }

  func testOneLineErrors() {
    invoke("RangeDaily", "--of", "DailyReport", "--start", "2024-02-01", "--stop", "2024-01-01")
      .assertError(code: 2, "reports: error: the start 2024-02-01 is after the stop 2024-01-01")
    invoke("RangeDaily", "--of", "Undated", "--start", "2024-01-01")
      .assertError(code: 2, "reports: error: Undated has no date parameter")
    invoke("RangeDaily", "--of", "Nope", "--start", "2024-01-01")
      .assertError(code: 2, "unknown task Nope for --of: the tasks are DailyReport, Digest, Undated, IntervalTask")
    invoke("schedule", "DailyReport", "--cron", "0 25 * * *", "--start", "2024-01-01")
      .assertError(code: 2, "bad cron expression '0 25 * * *': the hour field '25' is out of range 0-23")
    invoke("schedule", "DailyReport", "--cron", "@fortnightly", "--start", "2024-01-01")
      .assertError(code: 2, "unknown schedule preset @fortnightly: use one of @once, @hourly")
    invoke("schedule", "DailyReport", "--cron", "@daily", "--start", "2024-02-01", "--end", "2024-01-01")
      .assertError(code: 2, "the start 2024-02-01T00:00Z is after the stop 2024-01-01T00:00Z")
    invoke("schedule", "Undated", "--cron", "@daily", "--start", "2024-01-01")
      .assertError(code: 2, "Undated has no date parameter")
    invoke("schedule", "DailyReport", "--start", "2024-01-01").assertError(code: 2, "--cron needs a value")
    invoke("schedule", "DailyReport", "--cron", "@daily").assertError(code: 2, "--start needs a value")
    invoke("Digest", "--date", "2024-01-01", "--force", "Nothing").assertError(code: 2, "--force Nothing names no task")
    invoke("schedule", "DailyReport", "--cron", "-1 * * * *", "--start", "2024-01-01").assertError(
      code: 2,
      "reports: error: bad cron expression '-1 * * * *': the minute field '-1' is not a value or a range such as 1-5 "
        + "(values are 0-59)")
    invoke("schedule", "DailyReport", "--cron", "@daily", "--start", "2024-01-01", "--intervals-per-pass", "0")
      .assertError(
        code: 2,
        "reports: error: cannot use '0' for --intervals-per-pass: expected a whole number of intervals, at least 1, "
          + "such as 50")
    invoke("RangeDaily", "--of", "DailyReport", "--start", "").assertError(
      code: 2,
      "reports: error: RangeDaily --start is empty (or None): give a date that exists, written year-month-day, "
        + "such as 2024-01-03, or leave --start out for its default")
    invoke("RangeMonthly", "--of", "DailyReport", "--stop", "None").assertError(
      code: 2, "RangeMonthly --stop is empty (or None): give a month written year-month, such as 2024-01")
  }

  func testScheduleBackfillsThenResumesFromTheOutputs() {
    let first = invoke("schedule", "DailyReport", "--cron", "@daily", "--start", "2024-01-01")
    XCTAssertEqual(first.code, 0, "\(first.errorLines)")
    XCTAssertTrue(
      first.output.contains("* 4 ran successfully:\n    - 4 DailyReport(date=2024-01-01...2024-01-04, folder=reports)"),
      first.output)
    XCTAssertTrue(
      first.messages.contains(
        "reports: @daily: 4 intervals due (logical dates 2024-01-01T00:00Z ... 2024-01-04T00:00Z); this pass runs all 4"
      ),
      "\(first.messages)")
    let later = invoke("schedule", "DailyReport", "--cron", "@daily", "--start", "2024-01-01", now: "2024-01-06T00:00Z")
    XCTAssertTrue(later.output.contains("* 4 complete ones were encountered:"), later.output)
    XCTAssertTrue(
      later.output.contains("* 1 ran successfully:\n    - 1 DailyReport(date=2024-01-05, folder=reports)"), later.output
    )
  }

  /// Issue 20: this command took 6 GB in 20 s and was killed before its one interval ran.
  func testASecondsScheduleSince2000WithoutCatchupRunsTheLatestIntervalOnly() {
    let outcome = invoke(
      "schedule", "IntervalTask", "--every", "1 second", "--start", "2000-01-01", "--no-catchup",
      now: "2026-08-28T00:00Z")
    XCTAssertEqual(outcome.code, 0, "\(outcome.errorLines)")
    XCTAssertEqual(
      outcome.messages,
      ["reports: every 1 second: 1 interval due (logical date 2026-08-27T23:59:59Z); this pass runs it"])
    XCTAssertEqual(
      folder.listing().filter { $0.hasPrefix("intervals/") }, ["intervals/2026-08-27T235959Z_2026-08-28T0000Z.txt"])
  }

  func testALongBackfillRunsInPassesOfTheFlagOrTheConfigKey() throws {
    let flagged = invoke(
      "schedule", "DailyReport", "--cron", "@daily", "--start", "2024-01-01", "--intervals-per-pass", "3")
    XCTAssertEqual(flagged.code, 0, "\(flagged.errorLines)")
    XCTAssertEqual(
      flagged.messages,
      [
        "reports: @daily: 4 intervals due (logical dates 2024-01-01T00:00Z ... 2024-01-04T00:00Z); this pass runs the "
          + "oldest 3, up to 2024-01-03T00:00Z (at most 3 a pass: --intervals-per-pass N changes it)",
        "reports: @daily: 1 interval due (logical date 2024-01-04T00:00Z); this pass runs it",
      ])
    XCTAssertEqual(folder.listing().filter { $0.hasPrefix("reports/") }.count, 4)

    try folder.write("[schedule]\nintervals_per_pass = 1\n", to: "plumb.cfg")
    let configured = invoke("schedule", "IntervalTask", "--cron", "@daily", "--start", "2024-01-03")
    XCTAssertEqual(configured.code, 0, "\(configured.errorLines)")
    XCTAssertEqual(configured.messages.count, 2, "\(configured.messages)")
    XCTAssertTrue(configured.messages[0].hasSuffix("(at most 1 a pass: --intervals-per-pass N changes it)"))
    XCTAssertEqual(folder.listing().filter { $0.hasPrefix("intervals/") }.count, 2)

    try folder.write("[schedule]\nintervals_per_pass = 0\n", to: "plumb.cfg")
    invoke("schedule", "IntervalTask", "--cron", "@daily", "--start", "2024-01-03")
      .assertError(code: 2, "[schedule] intervals_per_pass must be at least 1, not 0")
  }

  func testScheduleForeverStopsBetweenRuns() {
    let stop = RunStop()
    var command = PipelineCommand(name: "reports", tasks: [DailyReport.self])
    let clock = ManualClock(now: DataInterval.instant("2024-01-02T06:00Z")!)
    command.clock = clock
    let errors = LineCollector()
    var summaries = 0
    let code = command.run(
      arguments: ["schedule", "DailyReport", "--every", "1 day", "--start", "2024-01-01", "--forever", "--no-lock"],
      workingDirectory: folder.path, environment: folder.environment,
      standardOutput: { _ in
        summaries += 1
        if summaries == 3 { stop.request(reason: "SIGINT") }
      },
      standardError: { errors.append($0) }, stop: stop)
    XCTAssertEqual(code, 0, "\(errors.lines)")
    XCTAssertEqual(summaries, 3)
    XCTAssertEqual(
      folder.listing().filter { $0.hasPrefix("reports/") }.count, 3, "01-01, then 01-02 and 01-03 as they ended")
    XCTAssertEqual(clock.now, DataInterval.instant("2024-01-04T00:00Z")!)
    XCTAssertTrue(
      errors.lines.contains(
        "reports: waiting until 2024-01-03T00:00Z to run the interval starting 2024-01-02T00:00Z; Ctrl-C stops"),
      "\(errors.lines)")
  }

  func testForceFromTheCommandLine() {
    XCTAssertEqual(invoke("Digest", "--date", "2024-01-01").code, 0)
    let forced = invoke("Digest", "--date", "2024-01-01", "--force", "DailyReport")
    XCTAssertEqual(forced.code, 0, "\(forced.errorLines)")
    XCTAssertTrue(
      forced.output.contains(
        "* 2 ran successfully:\n    - 1 DailyReport(date=2024-01-01, folder=reports)\n    - 1 Digest(date=2024-01-01)"),
      forced.output)
  }

  func testParamNameChoosesTheDateParameter() {
    var command = PipelineCommand(name: "two", tasks: [TwoDates.self])
    command.clock = ManualClock(now: DataInterval.instant("2024-01-05T06:00Z")!)
    var output: [String] = []
    let errors = LineCollector()
    let code = command.run(
      arguments: [
        "RangeDaily", "--of", "TwoDates", "--start", "2024-01-01", "--stop", "2024-01-03", "--param-name", "until",
        "--TwoDates-from", "2023-12-31", "--no-lock",
      ], workingDirectory: folder.path, environment: folder.environment,
      standardOutput: { output.append($0) }, standardError: { errors.append($0) })
    XCTAssertEqual(code, 0, "\(errors.lines)")
    XCTAssertEqual(
      folder.listing().filter { $0.hasPrefix("two/") }.sorted(),
      ["two/2023-12-31-2024-01-01.txt", "two/2023-12-31-2024-01-02.txt"])
  }
}
