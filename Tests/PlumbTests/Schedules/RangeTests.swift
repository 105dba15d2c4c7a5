import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbBuild
@testable import PlumbCore
@testable import PlumbSchedules

final class RangeTests: XCTestCase {
  private var folder: TemporaryFolder!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
  }

  private func reports() -> [String] {
    folder.listing().filter { $0.hasPrefix("reports/") }.sorted()
  }

  func testRangeDailyRunsEveryMissingDayAndTheSummaryCollapsesThem() throws {
    let range = RangeDaily(of: DailyReport.self, start: try day("2024-01-01"), stop: try day("2024-02-01"))
    let result = try build([range], options: folder.options())
    XCTAssertEqual(result.exitCode, 0, result.summary)
    XCTAssertEqual(reports().count, 31)
    XCTAssertTrue(result.summary.contains("Scheduled 32 tasks of which:\n* 32 ran successfully:\n"), result.summary)
    XCTAssertTrue(
      result.summary.contains("    - 31 DailyReport(date=2024-01-01...2024-01-31, folder=reports)\n"), result.summary)
    XCTAssertTrue(
      result.summary.contains("    - 1 RangeDaily(...)\n"), result.summary)
  }

  func testOnlyMissingDaysAreScheduled() throws {
    let range = RangeDaily(of: DailyReport.self, start: try day("2024-01-01"), stop: try day("2024-01-11"))
    _ = try build(
      [RangeDaily(of: DailyReport.self, start: try day("2024-01-03"), stop: try day("2024-01-05"))],
      options: folder.options())
    let plan = try range.plan()
    // Outside a run, relative outputs are looked up in the current folder: plan inside one.
    XCTAssertEqual(plan.covered.count, 10)
    let result = try build([range], options: folder.options())
    XCTAssertTrue(
      result.summary.contains(
        "* 9 ran successfully:\n    - 8 DailyReport(date=2024-01-01, folder=reports) ...\n    - 1 RangeDaily"),
      result.summary)
    XCTAssertEqual(reports().count, 10)
    let again = try build([range], options: folder.options())
    XCTAssertTrue(again.summary.contains("* 1 complete ones were encountered:\n    - 1 RangeDaily"), again.summary)
  }

  /// Luigi's trap: `days_back = 100` silently drops every day before it, even with an older start.
  func testAnOldStartIsCoveredWholeWhateverDaysBackSays() throws {
    var range = RangeDaily(
      of: DailyReport.self, start: try day("2023-01-01"), stop: try day("2023-03-01"), taskLimit: 0)
    range.daysBack = 100
    range.clock = ManualClock(now: try day("2024-06-01").date)
    let result = try build([range], options: folder.options())
    XCTAssertEqual(reports().count, 59, "January and February 2023, 400 days before the clock")
    XCTAssertTrue(
      result.summary.contains("- 59 DailyReport(date=2023-01-01...2023-02-28, folder=reports)"), result.summary)
  }

  func testWithoutAStartDaysBackAppliesAndTheLogSaysSo() throws {
    var range = RangeDaily(of: DailyReport.self, taskLimit: 0)
    range.daysBack = 5
    range.clock = ManualClock(now: try day("2024-03-10").date.addingTimeInterval(3600))
    var options = folder.options()
    let lines = LineCollector()
    options.logLevel = .warning
    options.logSink = { lines.append($0) }
    let result = try build([range], options: options)
    XCTAssertEqual(reports(), (5...9).map { "reports/2024-03-0\($0).txt" }, "five days back, today excluded")
    XCTAssertTrue(
      result.summary.contains("- 5 DailyReport(date=2024-03-05...2024-03-09, folder=reports)"), result.summary)
    XCTAssertEqual(
      lines.lines.filter { $0.contains("RangeDaily") },
      ["plumb: warning: RangeDaily(of=DailyReport): no start given, so the range starts 5 days back, at 2024-03-05"])
  }

  func testTheTaskLimitIsSaidInOneLineAndTheNextRunGoesOn() throws {
    let range = RangeDaily(
      of: DailyReport.self, start: try day("2024-01-01"), stop: try day("2024-01-11"), taskLimit: 4)
    var options = folder.options()
    let lines = LineCollector()
    options.logLevel = .warning
    options.logSink = { lines.append($0) }
    _ = try build([range], options: options)
    XCTAssertEqual(reports().count, 4)
    XCTAssertTrue(reports().contains("reports/2024-01-04.txt"))
    XCTAssertEqual(
      lines.lines.filter { $0.contains("RangeDaily") },
      [
        "plumb: warning: RangeDaily(of=DailyReport): task limit 4 reached at 2024-01-04; "
          + "2024-01-05...2024-01-10 (6 days) left for the next run"
      ])
    _ = try build([range], options: options)
    _ = try build([range], options: options)
    XCTAssertEqual(reports().count, 10)
  }

  func testReverseTakesTheNewestDaysFirst() throws {
    let range = RangeDaily(
      of: DailyReport.self, start: try day("2024-01-01"), stop: try day("2024-01-11"), reverse: true, taskLimit: 3)
    _ = try build([range], options: folder.options())
    XCTAssertEqual(reports(), ["reports/2024-01-08.txt", "reports/2024-01-09.txt", "reports/2024-01-10.txt"])
  }

  /// Issue 20: a range from 0001-01-01 made and checked a task for each of its 738,000 days to
  /// schedule 50. Now it checks in the range's order and stops at the task limit.
  func testARangeFromYearOneChecksOnlyAsFarAsItsTaskLimit() throws {
    CheckedDay.checked.withLock { $0 = 0 }
    let oldest = try RangeDaily(
      of: CheckedDay.self, start: try day("0001-01-01"), stop: try day("2024-01-11")
    ).plan()
    XCTAssertEqual(oldest.covered.count, 738_895)
    XCTAssertEqual(oldest.scheduled.count, 50)
    XCTAssertEqual(oldest.scheduled.first.map { "\($0.logicalDay)" }, "0001-01-01")
    XCTAssertEqual(oldest.scheduled.last.map { "\($0.logicalDay)" }, "0001-02-19")
    XCTAssertEqual(CheckedDay.checked.withLock { $0 }, 50, "the first 50 days, all missing: nothing more checked")
    XCTAssertEqual(
      oldest.note,
      "RangeDaily(of=CheckedDay): task limit 50 reached at 0001-02-19; 0001-02-20...2024-01-10 (738845 days) left for the next run"
    )

    CheckedDay.checked.withLock { $0 = 0 }
    let newest = try RangeDaily(
      of: CheckedDay.self, start: try day("0001-01-01"), stop: try day("2024-01-11"), reverse: true, taskLimit: 5
    ).plan()
    XCTAssertEqual(
      newest.scheduled.map { "\($0.logicalDay)" },
      ["2024-01-10", "2024-01-09", "2024-01-08", "2024-01-07", "2024-01-06"])
    XCTAssertEqual(newest.missing.map { "\($0.logicalDay)" }.first, "2024-01-06", "missing is oldest first")
    XCTAssertEqual(CheckedDay.checked.withLock { $0 }, RangePlanner.smallestBatch, "one batch, checked at once")
  }

  func testRangeHourlyAndRangeMonthly() throws {
    let hours = RangeHourly(
      of: HourlyLog.self, start: DateHour(year: 2024, month: 1, day: 1, hour: 22),
      stop: DateHour(year: 2024, month: 1, day: 2, hour: 3))
    let months = RangeMonthly(
      of: MonthlyTotal.self, start: Month(year: 2023, month: 11), stop: Month(year: 2024, month: 3))
    let result = try build([hours, months], options: folder.options())
    XCTAssertEqual(result.exitCode, 0, result.summary)
    XCTAssertTrue(result.summary.contains("- 5 HourlyLog(hour=2024-01-01T22...2024-01-02T02)"), result.summary)
    XCTAssertTrue(result.summary.contains("- 4 MonthlyTotal(month=2023-11...2024-02)"), result.summary)
  }

  func testADataIntervalParameterReceivesTheDay() throws {
    let range = RangeDaily(of: IntervalTask.self, start: try day("2024-01-01"), stop: try day("2024-01-03"))
    _ = try build([range], options: folder.options())
    XCTAssertEqual(
      folder.contents(of: "intervals/2024-01-02T0000Z_2024-01-03T0000Z.txt"), "2024-01-02T00:00Z/2024-01-03T00:00Z\n")
  }

  func testErrorsAreOneLine() throws {
    XCTAssertThrowsError(
      try RangeDaily(of: DailyReport.self, start: try day("2024-02-01"), stop: try day("2024-01-01")).validate()
    ) {
      XCTAssertEqual("\($0)", "the start 2024-02-01 is after the stop 2024-01-01: give a start that comes first")
    }
    XCTAssertThrowsError(try RangeDaily(of: Undated.self, start: try day("2024-01-01")).validate()) {
      XCTAssertEqual(
        "\($0)", "Undated has no date parameter: it needs a parameter of type Day or DataInterval to receive each date")
    }
    XCTAssertThrowsError(try RangeDaily(of: TwoDates.self, start: try day("2024-01-01")).validate()) {
      XCTAssertTrue("\($0)".contains("name the one to fill with --param-name"), "\($0)")
    }
    XCTAssertNoThrow(try RangeDaily(of: TwoDates.self, start: try day("2024-01-01"), paramName: "from").validate())
  }
}

final class ForceTests: XCTestCase {
  func testForceRerunsTheNamedTaskAndWhatDependsOnItOnly() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let days = try (1...3).map { try day("2024-02-0\($0)") }
    _ = try build(days.map { Digest(date: $0) }, options: folder.options())
    let before = try XCTUnwrap(folder.contents(of: "digests/2024-02-02.txt"))
    var options = folder.options()
    options.forcing = ["DailyReport(date=2024-02-02*)"]
    let result = try build(days.map { Digest(date: $0) }, options: options)
    XCTAssertEqual(result.exitCode, 0, result.summary)
    XCTAssertTrue(
      result.summary.contains("* 2 complete ones were encountered:\n    - 2 Digest(date=2024-02-01,2024-02-03)"),
      result.summary)
    XCTAssertTrue(
      result.summary.contains(
        "* 2 ran successfully:\n    - 1 DailyReport(date=2024-02-02, folder=reports)\n    - 1 Digest(date=2024-02-02)"),
      result.summary)
    XCTAssertNotEqual(folder.contents(of: "digests/2024-02-02.txt"), before)
    XCTAssertTrue(folder.contents(of: "digests/2024-02-02.txt")?.contains("report 2024-02-02 run 2") ?? false)
  }

  func testAFailedForcedRunKeepsTheOldOutputs() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let day = try day("2024-03-01")
    _ = try build([Digest(date: day)], options: folder.options())
    let before = folder.contents(of: "digests/2024-03-01.txt")
    try folder.write("2024-03-01\n", to: "failing.txt")
    var options = folder.options()
    options.forcing = ["Digest"]
    let result = try build([Digest(date: day)], options: options)
    XCTAssertNotEqual(result.exitCode, 0)
    XCTAssertTrue(result.summary.contains("* 1 failed:\n    - 1 Digest(date=2024-03-01)"), result.summary)
    XCTAssertEqual(folder.contents(of: "digests/2024-03-01.txt"), before, "the old digest is still there")
    XCTAssertEqual(folder.listing().filter { $0.contains("tmp") }, [])
  }

  func testForceThroughARange() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let range = RangeDaily(of: Digest.self, start: try day("2024-04-01"), stop: try day("2024-04-06"))
    _ = try build([range], options: folder.options())
    var options = folder.options()
    options.forcing = ["DailyReport(date=2024-04-03, *)"]
    let result = try build([range], options: options)
    XCTAssertTrue(
      result.summary.contains(
        "* 3 ran successfully:\n    - 1 DailyReport(date=2024-04-03, folder=reports)\n    - 1 Digest(date=2024-04-03)\n    - 1 RangeDaily"
      ),
      result.summary)
  }

  func testAPatternThatMatchesNothingIsAnError() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    var options = folder.options()
    options.forcing = ["Nothing*"]
    XCTAssertThrowsError(try build([Digest(date: try day("2024-01-01"))], options: options)) { error in
      XCTAssertTrue("\(error)".hasPrefix("--force Nothing* names no task this run would schedule"), "\(error)")
    }
  }
}
