import Foundation

/// Runs a task for every month of a range whose output is missing: Luigi's `RangeMonthly`.
///
/// ```
/// $ reports RangeMonthly --of MonthlyReport --start 2023-01 --stop 2024-01
/// ```
///
/// ```swift
/// let year = RangeMonthly(of: MonthlyReport.self, start: Month(year: 2023, month: 1)!,
///                         stop: Month(year: 2024, month: 1)!)
/// ```
///
/// It works as ``RangeDaily`` does, by the month: `of` needs a ``Month`` (or ``DataInterval``)
/// parameter; `monthsBack` (13, as Luigi) and `monthsForward` only supply a missing bound.
public struct RangeMonthly: RangeTask {
  /// The family of the task to run for each month.
  ///
  /// ```swift
  /// range.of = "Report"   // --of Report
  /// ```
  @Parameter(help: "the task to run for each month (it needs a Month parameter)") public var of: String = .required
  /// The first month, included; `nil` for `monthsBack` months before this one.
  ///
  /// ```swift
  /// range.start = Month(year: 2024, month: 1)!   // --start
  /// ```
  @Parameter(help: "the first month, included (default: months-back months before this one)")
  public var start: Month? = nil
  /// The month after the last, excluded; `nil` for `monthsForward` months after this one.
  ///
  /// ```swift
  /// range.stop = Month(year: 2024, month: 1)!   // --stop
  /// ```
  @Parameter(help: "the month after the last, excluded (default: months-forward months after this one)")
  public var stop: Month? = nil
  /// Whether the newest missing months go first.
  ///
  /// ```swift
  /// range.reverse = true   // --reverse
  /// ```
  @Parameter(help: "schedule the newest missing months first") public var reverse: Bool = false
  /// At most this many missing months per run; 0 for no limit.
  ///
  /// ```swift
  /// range.taskLimit = 0   // --task-limit 0: every missing date at once
  /// ```
  @Parameter(help: "schedule at most this many missing months per run; 0 for no limit")
  public var taskLimit: Int = 50
  /// How many months before this one the range starts when no `start` is given.
  ///
  /// ```swift
  /// range.monthsBack = 30   // --months-back 30, used only without --start
  /// ```
  @Parameter(help: "where the range starts when no start is given, in months before this one")
  public var monthsBack: Int = 13
  /// How many months after this one the range stops when no `stop` is given.
  ///
  /// ```swift
  /// range.monthsForward = 1   // --months-forward 1, used only without --stop
  /// ```
  @Parameter(help: "where the range stops when no stop is given, in months after this one")
  public var monthsForward: Int = 0
  /// The parameter of `of` that receives each month; `nil` (None) for its only date parameter.
  ///
  /// ```swift
  /// range.paramName = "until"   // --param-name until
  /// ```
  @Parameter(help: "the parameter of the task that receives the month (default: its only Month parameter)")
  public var paramName: String? = nil

  /// The type of the task to run for each month (see ``RangeTask/ofType``).
  ///
  /// ```swift
  /// var range = RangeMonthly()
  /// range.ofType = Report.self   // what the command line does for --of Report
  /// ```
  public var ofType: (any PipelineTask.Type)?
  /// Where "this month" comes from when `start` or `stop` is missing.
  ///
  /// ```swift
  /// range.clock = ManualClock(now: Day(year: 2024, month: 6, day: 1)!.date)
  /// ```
  public var clock: any ScheduleClock = SystemClock()

  /// A range with nothing set; the command line fills it.
  ///
  /// ```swift
  /// let range = RangeMonthly()   // then set of, start, ...
  /// ```
  public init() {}

  /// A range of `task` from `start` to `stop` (excluded).
  ///
  /// ```swift
  /// RangeMonthly(of: MonthlyReport.self, start: Month(year: 2023, month: 1)!, stop: Month(year: 2024, month: 1)!)
  /// ```
  public init<Of: PipelineTask>(
    of task: Of.Type, start: Month? = nil, stop: Month? = nil, reverse: Bool = false, taskLimit: Int = 50,
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
      family: "RangeMonthly", of: of, ofType: ofType, paramName: paramName, start: start, stop: stop, back: monthsBack,
      forward: monthsForward, reverse: reverse, taskLimit: taskLimit, clock: clock)
  }
}
