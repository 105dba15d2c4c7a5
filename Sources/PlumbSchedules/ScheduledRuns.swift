import Foundation
import PlumbBuild
import PlumbCore
import PlumbReporting
import PlumbWorkers

/// A pipeline run on a schedule, Airflow's way but with no database: every interval that has
/// ended and whose task is missing runs (the backfill, in passes of at most ``intervalsPerPass``
/// intervals, so that a backfill of millions of intervals takes the memory of one pass), then,
/// with ``run(forever:stop:onPass:willRun:)``, each new interval runs as soon as it ends, until
/// stopped. The targets are the state: a restart finds what is done from the outputs and resumes
/// from what is missing.
///
/// ```swift
/// var runs = ScheduledRuns(
///     DailyReport.self, schedule: try Schedule("@daily"), start: Day(year: 2024, month: 1, day: 1)!.date)
/// let pass = try await runs.runDue()          // the backfill: every ended day not yet reported
/// print(pass.result?.summary ?? "nothing due")
///
/// let stop = RunStop()
/// try await runs.run(forever: true, stop: stop) { pass in print(pass.result?.summary ?? "") }
/// ```
///
/// The task receives each interval through its date parameter (see ``DataInterval``). With
/// ``catchup`` off, only the latest ended interval runs at first, then each new one, as in
/// Airflow. Tests give a ``ManualClock`` as ``clock``, so nothing waits for real.
public struct ScheduledRuns: Sendable {
  /// When intervals begin and end.
  ///
  /// ```swift
  /// runs.schedule = try Schedule("@hourly")
  /// ```
  public var schedule: Schedule
  /// The logical date of the first interval (a cron schedule moves it to its next tick).
  ///
  /// ```swift
  /// runs.start = Day(year: 2024, month: 1, day: 1)!.date
  /// ```
  public var start: Date
  /// The last logical date to run, included; `nil` for none.
  ///
  /// ```swift
  /// runs.end = Day(year: 2024, month: 3, day: 31)!.date   // runs 03-31 too
  /// ```
  public var end: Date?
  /// Whether every ended interval since ``start`` runs (on, the default), or only the latest
  /// one and those after it.
  ///
  /// ```swift
  /// runs.catchup = false   // from the latest ended interval on
  /// ```
  public var catchup = true
  /// At most this many intervals run in one pass, oldest first; a backfill longer than that runs
  /// in several passes one after the other, so that memory stays in proportion to this number
  /// rather than to the backfill (Airflow's `max_active_runs`, a range's task limit). On the
  /// command line `--intervals-per-pass N`, or `intervals_per_pass` in the config file's
  /// `[schedule]` section; 50 by default, as a range's task limit.
  ///
  /// ```swift
  /// runs.intervalsPerPass = 10   // a year of days runs in 37 passes of at most 10
  /// ```
  public var intervalsPerPass = ScheduledRuns.defaultIntervalsPerPass
  /// The default of ``intervalsPerPass``.
  ///
  /// ```swift
  /// ScheduledRuns.defaultIntervalsPerPass   // 50
  /// ```
  public static let defaultIntervalsPerPass = 50
  /// Where the time comes from, and how waiting is done.
  ///
  /// ```swift
  /// runs.clock = ManualClock(now: Day(year: 2024, month: 1, day: 10)!.date)
  /// ```
  public var clock: any ScheduleClock = SystemClock()
  /// How each pass runs (workers, retries, folder, forced tasks); its ``RunOptions/stop`` is
  /// replaced by the stop given to ``run(forever:stop:onPass:willRun:)``.
  ///
  /// ```swift
  /// runs.options.workers = 4
  /// ```
  public var options = RunOptions()
  /// The task that processes one interval.
  ///
  /// ```swift
  /// let task = try runs.makeTask(DataInterval(Day(year: 2024, month: 1, day: 1)!))
  /// ```
  public let makeTask: @Sendable (DataInterval) throws -> any PipelineTask

  /// Scheduled runs of the tasks `makeTask` makes for each interval.
  ///
  /// ```swift
  /// ScheduledRuns(schedule: .every(3 * 86_400), start: start) { DailyReport(interval: $0) }
  /// ```
  public init(
    schedule: Schedule, start: Date, end: Date? = nil,
    task makeTask: @escaping @Sendable (DataInterval) throws -> any PipelineTask
  ) {
    self.schedule = schedule
    self.start = start
    self.end = end
    self.makeTask = makeTask
  }

  /// Scheduled runs of `type`, whose date parameter (``Day``, ``DateHour``, ``Month`` or
  /// ``DataInterval``; the one called `paramName` if given) receives each interval.
  ///
  /// ```swift
  /// try ScheduledRuns(DailyReport.self, schedule: Schedule("@daily"), start: january1.date)
  /// ```
  ///
  /// - Throws: ``ScheduleError`` when the task has no such parameter, or several and no name,
  ///   or when `end` comes before `start`.
  public init<T: PipelineTask>(
    _ type: T.Type, schedule: Schedule, start: Date, end: Date? = nil, paramName: String? = nil
  ) throws {
    try self.init(basedOn: T(), schedule: schedule, start: start, end: end, paramName: paramName)
  }

  /// Scheduled runs of copies of `base`, its date parameter set for each interval.
  package init(
    basedOn base: any PipelineTask, schedule: Schedule, start: Date, end: Date?, paramName: String?
  ) throws {
    let slot = try DateParameterSlot(in: type(of: base), named: paramName, accepting: DateParameterSlot.Kind.allCases)
    if let end, end < start {
      throw ScheduleError.startAfterStop(start: DataInterval.text(start), stop: DataInterval.text(end))
    }
    self.init(schedule: schedule, start: start, end: end) { slot.task(for: $0, basedOn: base) }
  }

  /// The intervals due at ``clock``'s time: those that have ended, from ``start`` (with catch-up)
  /// or the latest only (without), within ``end``. Lazy: its count, first and last are found
  /// without walking from the start (see ``DueIntervals``).
  ///
  /// ```swift
  /// let due = runs.dueIntervals()
  /// print(due.count, due.first?.logicalDay, due.last?.logicalDay)
  /// ```
  public func dueIntervals() -> DueIntervals {
    let due = schedule.intervals(from: start, through: end, endedBy: clock.now)
    guard !catchup, let last = due.last else { return due }
    return DueIntervals(schedule: schedule, first: last, last: last, count: 1)
  }

  /// Runs the tasks of the oldest due intervals, at most ``intervalsPerPass`` of them, in one run
  /// (complete ones are only checked).
  ///
  /// ```swift
  /// let pass = try await runs.runDue()
  /// if let result = pass.result, !result.success { print(result.summary) }
  /// ```
  ///
  /// - Throws: what ``build(_:options:)-6p88s`` throws: a cycle, a missing parameter, a bad config file.
  public func runDue() async throws -> ScheduledPass {
    let plan = plan(dueIntervals())
    return try await runPass(plan.intervals, remaining: plan.remaining, stop: options.stop)
  }

  /// Runs what is due, in passes of at most ``intervalsPerPass`` intervals one after the other;
  /// then, with `forever`, waits for each next interval to end and runs it, until `stop` is
  /// requested, the schedule has no more intervals, or ``end`` is passed. Each interval runs once
  /// per call: a failed one is tried again by the next call (a restart), which checks the
  /// complete ones from the start and runs what is missing. A stop during a pass ends it as a
  /// stop ends any run; a stop while waiting ends the wait at once.
  ///
  /// ```swift
  /// try await runs.run(forever: true, stop: stop) { pass in
  ///     print(pass.result?.summary ?? "")
  /// } willRun: { plan in
  ///     print(plan)   // 4 intervals due (logical dates ...); this pass runs all 4
  /// }
  /// ```
  ///
  /// - Parameters:
  ///   - forever: Whether to wait for the next intervals after running what is due now.
  ///   - stop: Ends the runs when requested, between passes or during one.
  ///   - onPass: Called after each pass, with its intervals and result.
  ///   - willRun: Called before each pass that has something to run, with what is due and what
  ///     the pass takes of it.
  /// - Returns: The largest exit code of the passes (0 when nothing was due).
  @discardableResult
  public func run(
    forever: Bool, stop: RunStop? = nil, onPass: @Sendable (ScheduledPass) -> Void = { _ in },
    willRun: @Sendable (ScheduledPassPlan) -> Void = { _ in }
  ) async throws -> Int32 {
    var exitCode: Int32 = 0
    // The first interval this call has not run: with catch-up the first of the schedule, without
    // it the latest ended one (or, if none has ended, the one to wait for).
    var next = catchup ? schedule.firstInterval(from: start) : dueIntervals().first ?? nextInterval()
    while true {
      // A phase-out lets the pass that runs finish, and starts no other.
      if stop?.reason != nil || stop?.phaseOutReason != nil { return exitCode }
      let due =
        next.map { schedule.intervals(startingWith: $0, through: end, endedBy: clock.now) }
        ?? DueIntervals(schedule: schedule)
      let plan = plan(due)
      if !plan.intervals.isEmpty { willRun(plan) }
      let pass = try await runPass(plan.intervals, remaining: plan.remaining, stop: stop)
      if let result = pass.result { exitCode = max(exitCode, result.exitCode) }
      onPass(pass)
      if let last = plan.intervals.last { next = schedule.interval(after: last) }
      // The rest of a long backfill runs at once, a pass at a time; then the next interval is awaited.
      if plan.remaining == 0 {
        guard forever, stop?.reason == nil, stop?.phaseOutReason == nil, let upcoming = nextInterval(),
          await wait(until: upcoming.end, stop: stop)
        else { return exitCode }
      }
    }
  }

  /// Waits on ``clock`` until `deadline`; `false` when `stop` (a stop or a phase-out) ended the wait first.
  private func wait(until deadline: Date, stop: RunStop?) async -> Bool {
    let clock = self.clock
    let waiting = Task { try await clock.sleep(until: deadline) }
    let observation = stop?.observe({ _ in waiting.cancel() }, phasingOut: { _ in waiting.cancel() })
    defer { stop?.endObservation(observation) }
    do {
      try await waiting.value
      return true
    } catch {
      return false
    }
  }

  /// The first interval that has not ended yet, or `nil` when the schedule has no more (past
  /// ``end``, or `@once` done). Found from the clock's time, not by walking from the start.
  ///
  /// ```swift
  /// if let next = runs.nextInterval() { print("next run after \(next.end)") }
  /// ```
  public func nextInterval() -> DataInterval? {
    guard let next = schedule.firstUnendedInterval(from: start, at: clock.now),
      end.map({ next.start <= $0 }) ?? true
    else { return nil }
    return next
  }

  /// What a pass takes of `due`: its oldest ``intervalsPerPass``.
  private func plan(_ due: DueIntervals) -> ScheduledPassPlan {
    ScheduledPassPlan(
      due: due, intervals: Array(due.prefix(max(intervalsPerPass, 1))),
      intervalsPerPass: intervalsPerPass)
  }

  /// Runs the tasks of `intervals` in one build; `remaining` due intervals wait for the next pass.
  private func runPass(_ intervals: [DataInterval], remaining: Int, stop: RunStop?) async throws -> ScheduledPass {
    guard !intervals.isEmpty else { return ScheduledPass(intervals: [], result: nil, remaining: 0) }
    var options = self.options
    options.stop = stop
    let tasks = try intervals.map(makeTask)
    return ScheduledPass(intervals: intervals, result: try await build(tasks, options: options), remaining: remaining)
  }
}

/// One pass of ``ScheduledRuns``: the intervals that were due and the run of their tasks.
///
/// ```swift
/// try await runs.run(forever: true, stop: stop) { pass in print(pass.intervals.count, pass.result?.exitCode ?? 0) }
/// ```
public struct ScheduledPass: Sendable {
  /// The intervals that were due, oldest first.
  ///
  /// ```swift
  /// pass.intervals.map(\.logicalDay)   // [2024-01-01, 2024-01-02]
  /// ```
  public let intervals: [DataInterval]
  /// The run of their tasks; `nil` when nothing was due.
  ///
  /// ```swift
  /// print(pass.result?.summary ?? "nothing was due")
  /// ```
  public let result: RunResult?
  /// How many due intervals were left for the passes that follow at once (past
  /// ``ScheduledRuns/intervalsPerPass``); 0 when this pass ran all that was due.
  ///
  /// ```swift
  /// if pass.remaining > 0 { print("\(pass.remaining) more to catch up") }
  /// ```
  public let remaining: Int
}

/// What a pass of ``ScheduledRuns`` is about to do: how many intervals are due, and which of them
/// it runs. Its description is the line the command line logs before the pass.
///
/// ```swift
/// try await runs.run(forever: false, willRun: { print($0) })   // before each pass:
/// // 3500640 intervals due (logical dates 2020-01-01T00:00Z ... 2026-08-27T23:59Z); this pass runs
/// // the oldest 50, up to 2020-01-01T00:49Z (at most 50 a pass: --intervals-per-pass N changes it)
/// ```
public struct ScheduledPassPlan: Sendable, CustomStringConvertible {
  /// Every interval due that this call of ``ScheduledRuns/run(forever:stop:onPass:willRun:)`` has
  /// not run yet.
  ///
  /// ```swift
  /// plan.due.count
  /// ```
  public let due: DueIntervals
  /// The intervals this pass runs: the oldest of ``due``, at most ``intervalsPerPass``.
  ///
  /// ```swift
  /// plan.intervals.count   // at most runs.intervalsPerPass
  /// ```
  public let intervals: [DataInterval]
  /// The runs' cap on intervals per pass.
  ///
  /// ```swift
  /// plan.intervalsPerPass   // 50
  /// ```
  public let intervalsPerPass: Int

  /// How many of ``due`` are left for the passes after this one.
  ///
  /// ```swift
  /// plan.remaining   // due.count - intervals.count
  /// ```
  public var remaining: Int { due.count - intervals.count }

  /// `4 intervals due (logical dates A ... B); this pass runs all 4`, or with a cap
  /// `... this pass runs the oldest 50, up to C (at most 50 a pass)`.
  ///
  /// ```swift
  /// print(plan.description)
  /// ```
  public var description: String {
    let first = due.first.map { DataInterval.text($0.start) } ?? ""
    let last = due.last.map { DataInterval.text($0.start) } ?? ""
    var text =
      due.count == 1
      ? "1 interval due (logical date \(first))"
      : "\(due.count) intervals due (logical dates \(first) ... \(last))"
    if intervals.count == due.count {
      text += due.count == 1 ? "; this pass runs it" : "; this pass runs all \(due.count)"
    } else {
      let upTo = intervals.last.map { DataInterval.text($0.start) } ?? ""
      text +=
        "; this pass runs the oldest \(intervals.count), up to \(upTo) (at most \(intervalsPerPass) a pass: "
        + "--intervals-per-pass N changes it)"
    }
    return text
  }
}
