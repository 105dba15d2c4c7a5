import Foundation
import PlumbTestSupport
import XCTest

@testable import Plumb

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
        "* 32 ran successfully:\n    - 31 DailyReport(date=2024-01-01...2024-01-31, folder=reports)\n    - 1 RangeDaily(of=DailyReport, start=2024-01-01, stop=2024-02-01, "
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
  }

  func testScheduleBackfillsThenResumesFromTheOutputs() {
    let first = invoke("schedule", "DailyReport", "--cron", "@daily", "--start", "2024-01-01")
    XCTAssertEqual(first.code, 0, "\(first.errorLines)")
    XCTAssertTrue(
      first.output.contains("* 4 ran successfully:\n    - 4 DailyReport(date=2024-01-01...2024-01-04, folder=reports)"),
      first.output)
    XCTAssertTrue(
      first.messages.contains(
        "reports: @daily: 4 intervals due (logical dates 2024-01-01T00:00Z ... 2024-01-04T00:00Z)"),
      "\(first.messages)")
    let later = invoke("schedule", "DailyReport", "--cron", "@daily", "--start", "2024-01-01", now: "2024-01-06T00:00Z")
    XCTAssertTrue(later.output.contains("* 4 complete ones were encountered:"), later.output)
    XCTAssertTrue(
      later.output.contains("* 1 ran successfully:\n    - 1 DailyReport(date=2024-01-05, folder=reports)"), later.output
    )
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
