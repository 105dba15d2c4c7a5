import Foundation

/// Runs a task for every day of a range whose output is missing: Luigi's `RangeDaily`.
///
/// From the command line, with any pipeline's task that has a ``Day`` parameter:
///
/// ```
/// $ reports RangeDaily --of DailyReport --start 2024-01-01 --stop 2024-02-01
/// ```
///
/// From code:
///
/// ```swift
/// let january = RangeDaily(of: DailyReport.self, start: Day(year: 2024, month: 1, day: 1)!,
///                          stop: Day(year: 2024, month: 2, day: 1)!)
/// let result = try build([january])
/// ```
///
/// The range runs from `start` (included) to `stop` (excluded). It requires the `of` task of each
/// day whose task is not complete, checked in one pass (in bulk when the task type adopts
/// ``BulkCompletion``), oldest first (newest first with `reverse`), at most `taskLimit` of them
/// per run. The summary shows the range and the days it scheduled, collapsed:
/// `- 31 DailyReport(date=2024-01-01...2024-01-31)`.
///
/// Unlike Luigi, `daysBack` and `daysForward` only supply a missing `start` or `stop` (today minus
/// 100 days, today): a range asked for is covered whole, however old its start. Whatever a run
/// leaves out (past the task limit, or before a defaulted start) is said in one line of the log.
public struct RangeDaily: RangeTask {
  /// The family of the task to run for each day; it needs a ``Day`` (or ``DataInterval``) parameter.
  ///
  /// ```swift
  /// range.of = "Report"   // --of Report
  /// ```
  @Parameter(help: "the task to run for each day (it needs a Day parameter)") public var of: String = .required
  /// The first day, included; `nil` for `daysBack` days before today.
  ///
  /// ```swift
  /// range.start = Day(year: 2024, month: 1, day: 1)!   // --start
  /// ```
  @Parameter(help: "the first day, included (default: days-back days before today)") public var start: Day? = nil
  /// The day after the last, excluded; `nil` for `daysForward` days after today.
  ///
  /// ```swift
  /// range.stop = Day(year: 2024, month: 1, day: 1)!   // --stop
  /// ```
  @Parameter(help: "the day after the last, excluded (default: days-forward days after today)")
  public var stop: Day? = nil
  /// Whether the newest missing days go first.
  ///
  /// ```swift
  /// range.reverse = true   // --reverse
  /// ```
  @Parameter(help: "schedule the newest missing days first") public var reverse: Bool = false
  /// At most this many missing days per run; 0 for no limit.
  ///
  /// ```swift
  /// range.taskLimit = 0   // --task-limit 0: every missing date at once
  /// ```
  @Parameter(help: "schedule at most this many missing days per run; 0 for no limit") public var taskLimit: Int = 50
  /// How many days before today the range starts when no `start` is given.
  ///
  /// ```swift
  /// range.daysBack = 30   // --days-back 30, used only without --start
  /// ```
  @Parameter(help: "where the range starts when no start is given, in days before today")
  public var daysBack: Int = 100
  /// How many days after today the range stops when no `stop` is given.
  ///
  /// ```swift
  /// range.daysForward = 1   // --days-forward 1, used only without --stop
  /// ```
  @Parameter(help: "where the range stops when no stop is given, in days after today")
  public var daysForward: Int = 0
  /// The parameter of `of` that receives each day; `nil` (None) for its only date parameter.
  ///
  /// ```swift
  /// range.paramName = "until"   // --param-name until
  /// ```
  @Parameter(help: "the parameter of the task that receives the day (default: its only Day parameter)")
  public var paramName: String? = nil

  /// The type of the task to run for each day (see ``RangeTask/ofType``).
  ///
  /// ```swift
  /// var range = RangeDaily()
  /// range.ofType = Report.self   // what the command line does for --of Report
  /// ```
  public var ofType: (any PipelineTask.Type)?
  /// Where "today" comes from when `start` or `stop` is missing.
  ///
  /// ```swift
  /// range.clock = ManualClock(now: Day(year: 2024, month: 6, day: 1)!.date)
  /// ```
  public var clock: any ScheduleClock = SystemClock()

  /// A range with nothing set; the command line fills it.
  ///
  /// ```swift
  /// let range = RangeDaily()   // then set of, start, ...
  /// ```
  public init() {}

  /// A range of `task` from `start` to `stop` (excluded).
  ///
  /// ```swift
  /// RangeDaily(of: DailyReport.self, start: january1, stop: february1, taskLimit: 0)
  /// ```
  public init<Of: PipelineTask>(
    of task: Of.Type, start: Day? = nil, stop: Day? = nil, reverse: Bool = false, taskLimit: Int = 50,
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
      family: "RangeDaily", of: of, ofType: ofType, paramName: paramName, start: start, stop: stop, back: daysBack,
      forward: daysForward, reverse: reverse, taskLimit: taskLimit, clock: clock)
  }
}
