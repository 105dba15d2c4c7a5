import Foundation
import Plumb
import PlumbTestSupport
import Synchronization
import XCTest

@testable import PlumbCore
@testable import PlumbSchedules
@testable import PlumbWorkers

final class ScheduleTests: XCTestCase {
  private func time(_ text: String) throws -> Date {
    if let day = Day(parameterText: text) { return day.date }
    return try XCTUnwrap(DataInterval.instant(text), text)
  }

  private func texts(_ intervals: some Sequence<DataInterval>) -> [String] { intervals.map(\.parameterText) }

  /// Airflow's worked example: start 2019-01-01, @daily, end 2019-01-05: five runs, the last
  /// due just after 2019-01-06 00:00.
  func testDailyIntervalsBetweenStartAndEndBothIncluded() throws {
    let daily = try Schedule("@daily")
    let all = daily.intervals(
      from: try time("2019-01-01"), through: try time("2019-01-05"), endedBy: try time("2019-02-01"))
    XCTAssertEqual(
      all.map { "\($0.logicalDay)" }, ["2019-01-01", "2019-01-02", "2019-01-03", "2019-01-04", "2019-01-05"])
    XCTAssertEqual(all.last?.parameterText, "2019-01-05T00:00Z/2019-01-06T00:00Z")
    // An interval runs only once it has ended.
    let early = daily.intervals(from: try time("2019-01-01"), endedBy: try time("2019-01-05T23:59Z"))
    XCTAssertEqual(early.count, 4)
    XCTAssertEqual(daily.intervals(from: try time("2019-01-01"), endedBy: try time("2019-01-06")).count, 5)
  }

  func testCronMovesTheStartToTheNextTick() throws {
    // Tuesday 2019-01-01, @weekly: the first interval is Sunday 01-06 to Sunday 01-13.
    let first = try Schedule("@weekly").firstInterval(from: try time("2019-01-01"))
    XCTAssertEqual(first?.parameterText, "2019-01-06T00:00Z/2019-01-13T00:00Z")
  }

  func testFixedPeriodsCountFromTheStart() throws {
    let schedule = try Schedule("every 12 hours")
    XCTAssertEqual(schedule, .every(43_200))
    XCTAssertEqual(schedule.description, "every 12 hours")
    let intervals = schedule.intervals(from: try time("2024-01-01T05:30Z"), endedBy: try time("2024-01-02T06:00Z"))
    XCTAssertEqual(
      texts(intervals), ["2024-01-01T05:30Z/2024-01-01T17:30Z", "2024-01-01T17:30Z/2024-01-02T05:30Z"])
    XCTAssertEqual(try Schedule("every 3 days"), .every(259_200))
    XCTAssertEqual(try Schedule("every day"), .every(86_400))
    XCTAssertThrowsError(try Schedule("every 0 days"))
    XCTAssertThrowsError(try Schedule("every 3 fortnights")) { error in
      XCTAssertTrue("\(error)".contains("every N minutes, hours, days or weeks"), "\(error)")
    }
  }

  func testOnceRunsOnceAtTheStart() throws {
    let once = try Schedule("@once")
    XCTAssertEqual(once, .once)
    XCTAssertEqual(Array(once.intervals(from: try time("2024-01-01"), endedBy: try time("2023-12-31"))), [])
    let runs = once.intervals(from: try time("2024-01-01"), endedBy: try time("2030-01-01"))
    XCTAssertEqual(texts(runs), ["2024-01-01T00:00Z/2024-01-01T00:00Z"])
  }

  func testDataIntervalTextReadsBack() throws {
    for text in ["2024-01-01T00:00Z/2024-01-02T00:00Z", "2024-01-01T05:30:15Z/2024-01-01T17:30Z"] {
      XCTAssertEqual(DataInterval(parameterText: text)?.parameterText, text)
    }
    XCTAssertEqual(DataInterval(parameterText: "2024-01-01")?.parameterText, "2024-01-01T00:00Z/2024-01-02T00:00Z")
    for bad in [
      "2024-01-02T00:00Z/2024-01-01T00:00Z", "2024-01-01T24:00Z/2024-01-02T00:00Z", "x",
      "2024-01-01T00:00/2024-01-02T00:00",
    ] {
      XCTAssertNil(DataInterval(parameterText: bad), bad)
    }
    let day = try XCTUnwrap(DataInterval(parameterText: "2024-01-01"))
    XCTAssertTrue(day.contains(try time("2024-01-01T23:59Z")))
    XCTAssertFalse(day.contains(try time("2024-01-02")))
    XCTAssertEqual(day.successor?.parameterText, "2024-01-02T00:00Z/2024-01-03T00:00Z")
  }

  // MARK: - Scheduled runs with a fake clock

  func testBackfillRunsEveryEndedIntervalThenResumesFromTheOutputs() async throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let clock = ManualClock(now: try time("2024-01-05T10:00Z"))
    var runs = try ScheduledRuns(
      DailyReport.self, schedule: Schedule("@daily"), start: time("2024-01-01"))
    runs.clock = clock
    runs.options = folder.options()
    let first = try await runs.runDue()
    XCTAssertEqual(
      first.intervals.map { "\($0.logicalDay)" }, ["2024-01-01", "2024-01-02", "2024-01-03", "2024-01-04"])
    XCTAssertTrue(
      first.result?.summary.contains("- 4 DailyReport(date=2024-01-01...2024-01-04, folder=reports)") ?? false,
      first.result?.summary ?? "")
    XCTAssertEqual(folder.listing().filter { $0.hasPrefix("reports/") }.count, 4)
    // A restart (a new ScheduledRuns, same folder) two days later: the outputs are the state.
    clock.advance(to: try time("2024-01-07T00:00Z"))
    let second = try await runs.runDue()
    let summary = second.result?.summary ?? ""
    XCTAssertTrue(summary.contains("* 4 complete ones were encountered:"), summary)
    XCTAssertTrue(
      summary.contains(
        "* 2 ran successfully:\n    - 2 DailyReport(date=2024-01-05, folder=reports) and DailyReport(date=2024-01-06, folder=reports)"
      ), summary)
  }

  func testWithoutCatchupOnlyTheLatestIntervalRuns() async throws {
    let folder = try TemporaryFolder(removedAfter: self)
    var runs = try ScheduledRuns(DailyReport.self, schedule: Schedule("@daily"), start: time("2024-01-01"))
    runs.clock = ManualClock(now: try time("2024-01-05T10:00Z"))
    runs.options = folder.options()
    runs.catchup = false
    let pass = try await runs.runDue()
    XCTAssertEqual(pass.intervals.map { "\($0.logicalDay)" }, ["2024-01-04"])
    XCTAssertEqual(folder.listing().filter { $0.hasPrefix("reports/") }, ["reports/2024-01-04.txt"])
  }

  func testForeverRunsEachNewIntervalWhenItEndsUntilStopped() async throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let clock = ManualClock(now: try time("2024-01-03T06:00Z"))
    var runs = try ScheduledRuns(IntervalTask.self, schedule: Schedule("@daily"), start: time("2024-01-01"))
    runs.clock = clock
    runs.options = folder.options()
    let stop = RunStop()
    let passes = Mutex([[String]]())
    let code = try await runs.run(forever: true, stop: stop) { pass in
      let count = passes.withLock { passes in
        passes.append(pass.intervals.map { "\($0.logicalDay)" })
        return passes.count
      }
      // The clock jumps to each interval's end as the run waits for it; stop after four passes.
      if count == 4 { stop.request(reason: "test over") }
    }
    XCTAssertEqual(code, 0)
    // Each interval runs once: the backfill, then each new one as it ends (Airflow's way).
    XCTAssertEqual(
      passes.withLock { $0 }, [["2024-01-01", "2024-01-02"], ["2024-01-03"], ["2024-01-04"], ["2024-01-05"]])
    XCTAssertEqual(clock.now, try time("2024-01-06"), "the fourth pass ran when 2024-01-05 ended")
    XCTAssertEqual(folder.listing().filter { $0.hasPrefix("intervals/") }.count, 5)
    XCTAssertTrue(folder.contains("intervals/2024-01-05T0000Z_2024-01-06T0000Z.txt"), "\(folder.listing())")
  }

  func testForeverEndsAfterTheEndDate() async throws {
    let folder = try TemporaryFolder(removedAfter: self)
    var runs = try ScheduledRuns(
      DailyReport.self, schedule: Schedule("@daily"), start: time("2024-01-01"), end: time("2024-01-03"))
    runs.clock = ManualClock(now: try time("2024-01-02T06:00Z"))
    runs.options = folder.options()
    let passes = Mutex(0)
    try await runs.run(forever: true) { _ in passes.withLock { $0 += 1 } }
    XCTAssertEqual(passes.withLock { $0 }, 3, "passes at 01-02 (one due), 01-03 and 01-04, then no interval is left")
    XCTAssertEqual(folder.listing().filter { $0.hasPrefix("reports/") }.count, 3)
  }

  // MARK: - Long backfills in constant memory (issue 20)

  /// How many tasks a scheduled run made, shared with its `makeTask` closure.
  final class TaskTally: Sendable {
    let count = Mutex(0)
  }

  /// Scheduled runs of IntervalTask that count the tasks they make: one per interval a pass takes.
  private func countingRuns(_ schedule: Schedule, from start: String, now: String, made: TaskTally) throws
    -> ScheduledRuns
  {
    var runs = ScheduledRuns(schedule: schedule, start: try time(start)) { interval in
      made.count.withLock { $0 += 1 }
      return IntervalTask(interval: interval)
    }
    runs.clock = ManualClock(now: try time(now))
    return runs
  }

  /// `--every '1 second' --start 2000-01-01 --no-catchup` built 840 million intervals to run one.
  func testASecondsPeriodSince2000WithoutCatchupRunsOnlyTheLatestInterval() async throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let made = TaskTally()
    var runs = try countingRuns(Schedule.every(1), from: "2000-01-01", now: "2026-08-28T00:00Z", made: made)
    runs.options = folder.options()
    runs.catchup = false
    let plans = Mutex([ScheduledPassPlan]())
    let code = try await runs.run(forever: false) { _ in
    } willRun: { plan in
      plans.withLock { $0.append(plan) }
    }
    XCTAssertEqual(code, 0)
    XCTAssertEqual(made.count.withLock { $0 }, 1, "one task made: the latest interval's")
    XCTAssertEqual(
      plans.withLock { $0.map(\.description) },
      ["1 interval due (logical date 2026-08-27T23:59:59Z); this pass runs it"])
    XCTAssertEqual(
      folder.listing().filter { $0.hasPrefix("intervals/") }, ["intervals/2026-08-27T235959Z_2026-08-28T0000Z.txt"])
  }

  /// With catch-up, the same schedule knows how many intervals are due without walking them, and
  /// a pass takes only the oldest `intervalsPerPass`.
  func testACatchupOfMillionsCountsThemAndRunsAPassOfTheCap() async throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let made = TaskTally()
    var runs = try countingRuns(Schedule.every(1), from: "2000-01-01", now: "2026-08-28T00:00Z", made: made)
    runs.options = folder.options()
    let due = runs.dueIntervals()
    // 9,736 days from 2000-01-01 to 2026-08-28.
    XCTAssertEqual(due.count, 9_736 * 86_400)
    XCTAssertEqual(due.first?.parameterText, "2000-01-01T00:00Z/2000-01-01T00:00:01Z")
    XCTAssertEqual(due.last?.parameterText, "2026-08-27T23:59:59Z/2026-08-28T00:00Z")
    let stop = RunStop()
    let plans = Mutex([ScheduledPassPlan]())
    _ = try await runs.run(forever: false, stop: stop) { _ in
      stop.request(reason: "one pass is enough")
    } willRun: { plan in
      plans.withLock { $0.append(plan) }
    }
    XCTAssertEqual(made.count.withLock { $0 }, ScheduledRuns.defaultIntervalsPerPass)
    let plan = try XCTUnwrap(plans.withLock { $0.first })
    XCTAssertEqual(plan.intervals.count, 50)
    XCTAssertEqual(plan.remaining, 9_736 * 86_400 - 50)
    XCTAssertEqual(
      plan.description,
      "841190400 intervals due (logical dates 2000-01-01T00:00Z ... 2026-08-27T23:59:59Z); this pass runs the oldest 50, "
        + "up to 2000-01-01T00:00:49Z (at most 50 a pass: --intervals-per-pass N changes it)")
  }

  func testABackfillLongerThanTheCapRunsPassAfterPassEachIntervalOnce() async throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let made = TaskTally()
    var runs = try countingRuns(try Schedule("@daily"), from: "2024-01-01", now: "2024-01-06T10:00Z", made: made)
    runs.options = folder.options()
    runs.intervalsPerPass = 2
    let passes = Mutex([[String]]())
    let plans = Mutex([Int]())
    let code = try await runs.run(forever: false) { pass in
      passes.withLock { $0.append(pass.intervals.map { "\($0.logicalDay)" }) }
    } willRun: { plan in
      plans.withLock { $0.append(plan.due.count) }
    }
    XCTAssertEqual(code, 0)
    XCTAssertEqual(
      passes.withLock { $0 }, [["2024-01-01", "2024-01-02"], ["2024-01-03", "2024-01-04"], ["2024-01-05"]])
    XCTAssertEqual(plans.withLock { $0 }, [5, 3, 1], "each pass says what is still due")
    XCTAssertEqual(made.count.withLock { $0 }, 5)
  }

  /// A cron schedule finds its latest ended interval and the next one from the time: every minute
  /// since 2020 is 3.5 million intervals.
  func testCronIntervalsAreFoundFromTheTimeNotFromTheStart() throws {
    let made = TaskTally()
    let runs = try countingRuns(try Schedule("* * * * *"), from: "2020-01-01", now: "2026-08-28T00:00:30Z", made: made)
    let due = runs.dueIntervals()
    XCTAssertEqual(due.count, 2_431 * 1_440)
    XCTAssertEqual(due.last?.parameterText, "2026-08-27T23:59Z/2026-08-28T00:00Z")
    XCTAssertEqual(runs.nextInterval()?.parameterText, "2026-08-28T00:00Z/2026-08-28T00:01Z")
    XCTAssertEqual(made.count.withLock { $0 }, 0)
    // An end bound: the last logical date is 12:00, whose interval ends at 18:00.
    let bounded = try Schedule("0 */6 * * *").intervals(
      from: time("2024-01-01"), through: time("2024-01-01T13:00Z"), endedBy: time("2024-02-01"))
    XCTAssertEqual(
      texts(bounded),
      [
        "2024-01-01T00:00Z/2024-01-01T06:00Z", "2024-01-01T06:00Z/2024-01-01T12:00Z",
        "2024-01-01T12:00Z/2024-01-01T18:00Z",
      ])
    XCTAssertEqual(bounded.count, 3)
  }

  func testATaskWithoutADateParameterIsRefused() throws {
    XCTAssertThrowsError(try ScheduledRuns(Undated.self, schedule: .once, start: Date())) { error in
      XCTAssertEqual(
        "\(error)",
        "Undated has no date parameter: it needs a parameter of type Day or DateHour or Month or DataInterval to receive each date"
      )
    }
    XCTAssertThrowsError(try ScheduledRuns(TwoDates.self, schedule: .once, start: Date())) { error in
      XCTAssertTrue("\(error)".contains("several date parameters (from, until)"), "\(error)")
    }
    XCTAssertNoThrow(try ScheduledRuns(TwoDates.self, schedule: .once, start: Date(), paramName: "until"))
  }

  func testAnHourlyCronFillsADateHourParameter() async throws {
    let folder = try TemporaryFolder(removedAfter: self)
    var runs = try ScheduledRuns(
      HourlyLog.self, schedule: Schedule("15 */6 * * *"), start: time("2024-01-01T00:00Z"))
    runs.clock = ManualClock(now: try time("2024-01-02T00:00Z"))
    runs.options = folder.options()
    let pass = try await runs.runDue()
    // Ticks at 00:15, 06:15, 12:15, 18:15; the interval from 18:15 ends the next day at 00:15.
    XCTAssertEqual(
      pass.intervals.map { DataInterval.text($0.start) },
      ["2024-01-01T00:15Z", "2024-01-01T06:15Z", "2024-01-01T12:15Z"])
    XCTAssertEqual(
      folder.listing().filter { $0.hasPrefix("hours/") }.sorted(),
      ["hours/2024-01-01T00.txt", "hours/2024-01-01T06.txt", "hours/2024-01-01T12.txt"])
  }
}
