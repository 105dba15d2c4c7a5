import Foundation

/// A pipeline run on a schedule, Airflow's way but with no database: every interval that has
/// ended and whose task is missing runs (the backfill), then, with ``run(forever:stop:onPass:)``,
/// each new interval runs as soon as it ends, until stopped. The targets are the state: a
/// restart finds what is done from the outputs and resumes from what is missing.
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
  /// Where the time comes from, and how waiting is done.
  ///
  /// ```swift
  /// runs.clock = ManualClock(now: Day(year: 2024, month: 1, day: 10)!.date)
  /// ```
  public var clock: any ScheduleClock = SystemClock()
  /// How each pass runs (workers, retries, folder, forced tasks); its ``RunOptions/stop`` is
  /// replaced by the stop given to ``run(forever:stop:onPass:)``.
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
  init(
    basedOn base: any PipelineTask, schedule: Schedule, start: Date, end: Date?, paramName: String?
  ) throws {
    let slot = try DateParameterSlot(in: type(of: base), named: paramName, accepting: DateParameterSlot.Kind.allCases)
    if let end, end < start {
      throw ScheduleError.startAfterStop(start: DataInterval.text(start), stop: DataInterval.text(end))
    }
    self.init(schedule: schedule, start: start, end: end) { slot.task(for: $0, basedOn: base) }
  }

  /// The intervals due at ``clock``'s time: those that have ended, from ``start`` (with catch-up)
  /// or the latest only (without), within ``end``.
  ///
  /// ```swift
  /// runs.dueIntervals().map(\.logicalDay)
  /// ```
  public func dueIntervals() -> [DataInterval] {
    let due = schedule.intervals(from: start, through: end, endedBy: clock.now)
    return catchup ? due : Array(due.suffix(1))
  }

  /// Runs the tasks of every due interval in one run (complete ones are only checked), oldest first.
  ///
  /// ```swift
  /// let pass = try await runs.runDue()
  /// if let result = pass.result, !result.success { print(result.summary) }
  /// ```
  ///
  /// - Throws: what ``build(_:options:)-85rhs`` throws: a cycle, a missing parameter, a bad config file.
  public func runDue() async throws -> ScheduledPass {
    try await runPass(dueIntervals(), stop: options.stop)
  }

  /// Runs what is due, then, with `forever`, waits for each next interval to end and runs what is
  /// due again (with catch-up on, a failed interval is tried again on every pass), until `stop` is
  /// requested, the schedule has no more intervals, or ``end`` is passed. A stop during a pass ends
  /// it as a stop ends any run; a stop while waiting ends the wait at once.
  ///
  /// ```swift
  /// try await runs.run(forever: true, stop: stop) { pass in print(pass.result?.summary ?? "") }
  /// ```
  ///
  /// - Parameters:
  ///   - forever: Whether to wait for the next intervals after running what is due now.
  ///   - stop: Ends the runs when requested, between passes or during one.
  ///   - onPass: Called after each pass, with its intervals and result.
  /// - Returns: The exit code of the last pass (0 when nothing was due).
  @discardableResult
  public func run(
    forever: Bool, stop: RunStop? = nil, onPass: @Sendable (ScheduledPass) -> Void = { _ in }
  ) async throws -> Int32 {
    var exitCode: Int32 = 0
    // Without catch-up the first pass starts at the latest ended interval; later ones go on from there.
    var floor = dueIntervals().first?.start ?? clock.now
    while true {
      if stop?.reason != nil { return exitCode }
      var due = schedule.intervals(from: start, through: end, endedBy: clock.now)
      if !catchup { due = due.filter { $0.start >= floor } }
      let pass = try await runPass(due, stop: stop)
      if let result = pass.result { exitCode = result.exitCode }
      onPass(pass)
      guard forever, stop?.reason == nil, let next = nextInterval() else { return exitCode }
      if !catchup { floor = next.start }
      let clock = self.clock
      let waiting = Task { try await clock.sleep(until: next.end) }
      let observation = stop?.observe { _ in waiting.cancel() }
      defer { stop?.endObservation(observation) }
      do {
        try await waiting.value
      } catch {
        return exitCode
      }
    }
  }

  /// The first interval that has not ended yet, or `nil` when the schedule has no more (past
  /// ``end``, or `@once` done).
  ///
  /// ```swift
  /// if let next = runs.nextInterval() { print("next run after \(next.end)") }
  /// ```
  public func nextInterval() -> DataInterval? {
    let now = clock.now
    var current = schedule.firstInterval(from: start)
    while let interval = current, interval.end <= now {
      current = schedule.interval(after: interval)
    }
    guard let next = current, end.map({ next.start <= $0 }) ?? true else { return nil }
    // `@once` has ended once its only interval is due.
    if case .once = schedule, next.end <= now { return nil }
    return next
  }

  private func runPass(_ intervals: [DataInterval], stop: RunStop?) async throws -> ScheduledPass {
    guard !intervals.isEmpty else { return ScheduledPass(intervals: [], result: nil) }
    var options = self.options
    options.stop = stop
    let tasks = try intervals.map(makeTask)
    return ScheduledPass(intervals: intervals, result: try await build(tasks, options: options))
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
}
