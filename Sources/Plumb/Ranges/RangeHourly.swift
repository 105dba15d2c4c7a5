import Foundation

/// Runs a task for every hour of a range whose output is missing: Luigi's `RangeHourly`.
///
/// ```
/// $ logs RangeHourly --of HourlyLog --start 2024-01-01T00 --stop 2024-01-02T00
/// ```
///
/// ```swift
/// let day = RangeHourly(of: HourlyLog.self, start: DateHour(year: 2024, month: 1, day: 1, hour: 0)!,
///                       stop: DateHour(year: 2024, month: 1, day: 2, hour: 0)!)
/// ```
///
/// It works as ``RangeDaily`` does, by the hour: `of` needs a ``DateHour`` (or ``DataInterval``)
/// parameter; `hoursBack` (2,400, Luigi's 100 days) and `hoursForward` only supply a missing bound.
public struct RangeHourly: RangeTask {
  /// The family of the task to run for each hour.
  ///
  /// ```swift
  /// range.of = "Report"   // --of Report
  /// ```
  @Parameter(help: "the task to run for each hour (it needs a DateHour parameter)") public var of: String = .required
  /// The first hour, included; `nil` for `hoursBack` hours before this one.
  ///
  /// ```swift
  /// range.start = DateHour(year: 2024, month: 1, day: 1, hour: 0)!   // --start
  /// ```
  @Parameter(help: "the first hour, included (default: hours-back hours before now)")
  public var start: DateHour? = nil
  /// The hour after the last, excluded; `nil` for `hoursForward` hours after this one.
  ///
  /// ```swift
  /// range.stop = DateHour(year: 2024, month: 1, day: 1, hour: 0)!   // --stop
  /// ```
  @Parameter(help: "the hour after the last, excluded (default: hours-forward hours after now)")
  public var stop: DateHour? = nil
  /// Whether the newest missing hours go first.
  ///
  /// ```swift
  /// range.reverse = true   // --reverse
  /// ```
  @Parameter(help: "schedule the newest missing hours first") public var reverse: Bool = false
  /// At most this many missing hours per run; 0 for no limit.
  ///
  /// ```swift
  /// range.taskLimit = 0   // --task-limit 0: every missing date at once
  /// ```
  @Parameter(help: "schedule at most this many missing hours per run; 0 for no limit")
  public var taskLimit: Int = 50
  /// How many hours before this one the range starts when no `start` is given.
  ///
  /// ```swift
  /// range.hoursBack = 30   // --hours-back 30, used only without --start
  /// ```
  @Parameter(help: "where the range starts when no start is given, in hours before now")
  public var hoursBack: Int = 2400
  /// How many hours after this one the range stops when no `stop` is given.
  ///
  /// ```swift
  /// range.hoursForward = 1   // --hours-forward 1, used only without --stop
  /// ```
  @Parameter(help: "where the range stops when no stop is given, in hours after now")
  public var hoursForward: Int = 0
  /// The parameter of `of` that receives each hour; `nil` (None) for its only date parameter.
  ///
  /// ```swift
  /// range.paramName = "until"   // --param-name until
  /// ```
  @Parameter(help: "the parameter of the task that receives the hour (default: its only DateHour parameter)")
  public var paramName: String? = nil

  /// The type of the task to run for each hour (see ``RangeTask/ofType``).
  ///
  /// ```swift
  /// var range = RangeHourly()
  /// range.ofType = Report.self   // what the command line does for --of Report
  /// ```
  public var ofType: (any PipelineTask.Type)?
  /// Where "now" comes from when `start` or `stop` is missing.
  ///
  /// ```swift
  /// range.clock = ManualClock(now: Day(year: 2024, month: 6, day: 1)!.date)
  /// ```
  public var clock: any ScheduleClock = SystemClock()

  /// A range with nothing set; the command line fills it.
  ///
  /// ```swift
  /// let range = RangeHourly()   // then set of, start, ...
  /// ```
  public init() {}

  /// A range of `task` from `start` to `stop` (excluded).
  ///
  /// ```swift
  /// RangeHourly(of: HourlyLog.self, start: midnight, stop: midnight.adding(hours: 24))
  /// ```
  public init<Of: PipelineTask>(
    of task: Of.Type, start: DateHour? = nil, stop: DateHour? = nil, reverse: Bool = false, taskLimit: Int = 50,
    paramName: String? = nil
  ) {
    self.of = Of.family
    ofType = Of.self
    self.start = start
    self.stop = stop
    self.reverse = reverse
    self.taskLimit = taskLimit
    self.paramName = paramName
  }

  /// What the range covers and what a run schedules.
  ///
  /// ```swift
  /// let plan = try range.plan()
  /// ```
  public func plan() throws -> RangePlan { try planner().plan() }

  /// Checks the bounds and the `of` task's date parameter.
  ///
  /// ```swift
  /// try range.validate()   // throws: the start 2024-02-01 is after the stop 2024-01-01
  /// ```
  public func validate() throws { _ = try planner() }

  private func planner() throws -> RangePlanner {
    try RangePlanner(
      family: "RangeHourly", of: of, ofType: ofType, paramName: paramName, start: start, stop: stop, back: hoursBack,
      forward: hoursForward, reverse: reverse, taskLimit: taskLimit, clock: clock)
  }
}
