import Foundation
import PlumbCore

/// Runs a task for every unit of a range (day, hour or month) whose output is missing: Luigi's
/// `RangeDaily`, `RangeHourly` and `RangeMonthly`, which are ``RangeDaily``, ``RangeHourly`` and
/// ``RangeMonthly`` here.
///
/// ```swift
/// let january = RangeDaily(of: DailyReport.self, start: Day(year: 2024, month: 1, day: 1)!,
///                          stop: Day(year: 2024, month: 2, day: 1)!)
/// let result = try build([january])
/// ```
///
/// The range runs from `start` (included) to `stop` (excluded). It requires the `of` task of each
/// unit whose task is not complete, checked in one pass (in bulk when the task type adopts
/// ``BulkCompletion``), oldest first (newest first with `reverse`), at most `taskLimit` of them
/// per run.
///
/// Its family, parameter names and values are Luigi's (`task_limit`, `days_back`, ...), so its
/// task id is the one Luigi gives the same range: a `RangeDaily` a Python worker schedules on
/// luigid and one a Plumb worker schedules are the same task there. On the command line either
/// spelling works (`--task-limit`, `--task_limit`).
///
/// Unlike Luigi, the `back` and `forward` counts (`daysBack`, `daysForward`, ...) only supply a
/// missing `start` or `stop`: a range asked for is covered whole, however old its start. Whatever
/// a run leaves out (past the task limit, or before a defaulted start) is said in one line of the log.
/// So for a start older than `days_back`, Luigi's range and Plumb's, one task in luigid, require
/// different days; luigid keeps the requirements of the last worker to register it.
public struct DateRange<Unit: RangeUnit>: RangeTask {
  /// `RangeDaily`, `RangeHourly` or `RangeMonthly`, Luigi's family for the range over `Unit`.
  ///
  /// ```swift
  /// RangeHourly.family   // "RangeHourly"
  /// ```
  public static var family: String { Unit.rangeFamily }

  // The parameters are declared in Luigi's order, so the text form matches Luigi's too.

  /// The family of the task to run for each unit; it needs a `Unit` (or ``DataInterval``) parameter.
  ///
  /// ```swift
  /// range.of = "Report"   // --of Report
  /// ```
  @Parameter(help: "the task to run for each \(Unit.unitName) (it needs a \(Unit.self) parameter)")
  public var of: String = .required
  /// The `of` task's other parameters, as a JSON object (`{"region": "eu"}`), Luigi's `of_params`.
  ///
  /// ```swift
  /// range.ofParams = ["region": "eu"]   // --of-params '{"region": "eu"}'
  /// ```
  ///
  /// A string member is the parameter's text; another value counts as its JSON text (`true`, `3`).
  @Parameter(luigiName: "of_params", help: "the of task's other parameters, as a JSON object")
  public var ofParams: JSONObject = [:]
  /// Whether the newest missing units go first.
  ///
  /// ```swift
  /// range.reverse = true   // --reverse
  /// ```
  @Parameter(help: "schedule the newest missing \(Unit.unitName)s first") public var reverse: Bool = false
  /// At most this many missing units per run; 0 for no limit.
  ///
  /// ```swift
  /// range.taskLimit = 0   // --task-limit 0: every missing unit at once
  /// ```
  @Parameter(
    luigiName: "task_limit", help: "schedule at most this many missing \(Unit.unitName)s per run; 0 for no limit")
  public var taskLimit: Int = 50
  /// The current time, in seconds since 1970, where a missing `start` or `stop` is counted from;
  /// `nil` for the ``clock``'s.
  ///
  /// ```swift
  /// range.now = 1_717_200_000   // --now 1717200000: as if it were 2024-06-01
  /// ```
  @Parameter(help: "the current time in seconds since 1970, for a missing start or stop (default: the clock's)")
  public var now: Int? = nil
  /// The parameter of `of` that receives each unit; `nil` (None) for its only date parameter.
  ///
  /// ```swift
  /// range.paramName = "until"   // --param-name until
  /// ```
  @Parameter(
    luigiName: "param_name",
    help: "the parameter of the task that receives the \(Unit.unitName) (default: its only \(Unit.self) parameter)")
  public var paramName: String? = nil
  /// The first unit, included; `nil` for `back` units before the current one.
  ///
  /// ```swift
  /// range.start = Day(year: 2024, month: 1, day: 1)!   // --start 2024-01-01
  /// ```
  @Parameter(
    help:
      "the first \(Unit.unitName), included (default: \(Unit.unitName)s-back \(Unit.unitName)s before the current one)")
  public var start: Unit? = nil
  /// The unit after the last, excluded; `nil` for `forward` units after the current one.
  ///
  /// ```swift
  /// range.stop = Day(year: 2024, month: 2, day: 1)!   // --stop 2024-02-01
  /// ```
  @Parameter(
    help:
      "the \(Unit.unitName) after the last, excluded (default: \(Unit.unitName)s-forward \(Unit.unitName)s after the current one)"
  )
  public var stop: Unit? = nil
  /// How many units before the current one the range starts when no `start` is given; public as
  /// ``RangeDaily``'s `daysBack`, ``RangeHourly``'s `hoursBack`, ``RangeMonthly``'s `monthsBack`.
  @Parameter(
    luigiName: "\(Unit.unitName)s_back",
    help: "where the range starts when no start is given, in \(Unit.unitName)s before the current one")
  var back: Int = Unit.defaultBack
  /// How many units after the current one the range stops when no `stop` is given; public as
  /// `daysForward`, `hoursForward`, `monthsForward`.
  @Parameter(
    luigiName: "\(Unit.unitName)s_forward",
    help: "where the range stops when no stop is given, in \(Unit.unitName)s after the current one")
  var forward: Int = 0

  /// The type of the task to run for each unit (see ``RangeTask/ofType``).
  ///
  /// ```swift
  /// var range = RangeDaily()
  /// range.ofType = Report.self   // what the command line does for --of Report
  /// ```
  public var ofType: (any PipelineTask.Type)?
  /// Where the current time comes from when `start` or `stop` is missing and `now` is not given.
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
    of task: Of.Type, start: Unit? = nil, stop: Unit? = nil, reverse: Bool = false, taskLimit: Int = 50,
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
      family: Self.family, of: of, ofType: ofType, ofParams: ofParams, paramName: paramName, start: start,
      stop: stop, back: back, forward: forward, reverse: reverse, taskLimit: taskLimit,
      clock: now.map { ManualClock(now: Date(timeIntervalSince1970: Double($0))) } ?? clock)
  }
}

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
/// Without `start`, the range starts `daysBack` (100) days before today; without `stop`, it stops
/// `daysForward` (0) days after today. See ``DateRange`` for the rest.
public typealias RangeDaily = DateRange<Day>

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
public typealias RangeHourly = DateRange<DateHour>

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
public typealias RangeMonthly = DateRange<Month>

extension DateRange where Unit == Day {
  /// How many days before today the range starts when no `start` is given (100).
  ///
  /// ```swift
  /// range.daysBack = 30   // --days-back 30, used only without --start
  /// ```
  public var daysBack: Int {
    get { back }
    set { back = newValue }
  }
  /// How many days after today the range stops when no `stop` is given (0).
  ///
  /// ```swift
  /// range.daysForward = 1   // --days-forward 1, used only without --stop
  /// ```
  public var daysForward: Int {
    get { forward }
    set { forward = newValue }
  }
}

extension DateRange where Unit == DateHour {
  /// How many hours before this one the range starts when no `start` is given (2,400).
  ///
  /// ```swift
  /// range.hoursBack = 30   // --hours-back 30, used only without --start
  /// ```
  public var hoursBack: Int {
    get { back }
    set { back = newValue }
  }
  /// How many hours after this one the range stops when no `stop` is given (0).
  ///
  /// ```swift
  /// range.hoursForward = 1   // --hours-forward 1, used only without --stop
  /// ```
  public var hoursForward: Int {
    get { forward }
    set { forward = newValue }
  }
}

extension DateRange where Unit == Month {
  /// How many months before this one the range starts when no `start` is given (13).
  ///
  /// ```swift
  /// range.monthsBack = 30   // --months-back 30, used only without --start
  /// ```
  public var monthsBack: Int {
    get { back }
    set { back = newValue }
  }
  /// How many months after this one the range stops when no `stop` is given (0).
  ///
  /// ```swift
  /// range.monthsForward = 1   // --months-forward 1, used only without --stop
  /// ```
  public var monthsForward: Int {
    get { forward }
    set { forward = newValue }
  }
}
