import Foundation
import PlumbCore

/// The intervals of a range, oldest first, each computed from its position: a range from
/// 0001-01-01 holds no array of 740,000 days, and its n-th day costs no walk from the first.
///
/// ```swift
/// let plan = try RangeDaily(of: DailyReport.self, start: Day(year: 1, month: 1, day: 1)!,
///                           stop: Day(year: 2024, month: 1, day: 1)!).plan()
/// plan.covered.count          // 738,885
/// plan.covered.last?.logicalDay   // 2023-12-31
/// ```
public struct RangeIntervals: RandomAccessCollection, Sendable {
  /// The first interval's ordinal (see ``RangeUnit``).
  private let firstOrdinal: Int
  private let interval: @Sendable (Int) -> DataInterval

  /// The units from `first` up to `end`, excluded; none when `end` is not after `first`.
  init<Unit: RangeUnit>(from first: Unit, to end: Unit) {
    firstOrdinal = first.ordinal
    endIndex = Swift.max(end.ordinal - first.ordinal, 0)
    interval = { Unit(ordinal: $0).interval }
  }

  /// 0.
  ///
  /// ```swift
  /// plan.covered[plan.covered.startIndex]   // the first interval
  /// ```
  public var startIndex: Int { 0 }
  /// How many intervals the range covers.
  ///
  /// ```swift
  /// plan.covered.endIndex == plan.covered.count   // true
  /// ```
  public let endIndex: Int

  /// The interval at `position`, computed.
  ///
  /// ```swift
  /// plan.covered[30].logicalDay   // 2024-01-31 for a range from 2024-01-01
  /// ```
  public subscript(position: Int) -> DataInterval { interval(firstOrdinal + position) }
}

/// A step of a range: ``Day``, ``DateHour`` or ``Month``, numbered from a fixed origin, so that a
/// range finds its n-th unit and its length by arithmetic. ``DateRange`` is generic over it;
/// Plumb's three units are the ones its ranges (and Luigi's) know.
///
/// ```swift
/// let day = Day(year: 2024, month: 1, day: 1)!
/// Day(ordinal: day.ordinal + 31)   // 2024-02-01
/// ```
public protocol RangeUnit: RequirableParameterValue, Comparable, Sendable, CustomStringConvertible {
  /// The unit's name, singular, in help texts, notes and Luigi's parameter names (`days_back`).
  ///
  /// ```swift
  /// Day.unitName   // "day"
  /// ```
  static var unitName: String { get }
  /// Luigi's family for the range over this unit.
  ///
  /// ```swift
  /// Month.rangeFamily   // "RangeMonthly"
  /// ```
  static var rangeFamily: String { get }
  /// How many units back a range without a start starts, Luigi's default.
  ///
  /// ```swift
  /// DateHour.defaultBack   // 2400, 100 days
  /// ```
  static var defaultBack: Int { get }
  /// The unit's number, counted from a fixed origin: consecutive units have consecutive numbers.
  ///
  /// ```swift
  /// Month(year: 2024, month: 2)!.ordinal - Month(year: 2024, month: 1)!.ordinal   // 1
  /// ```
  var ordinal: Int { get }
  /// The unit numbered `ordinal`.
  ///
  /// ```swift
  /// DateHour(ordinal: hour.ordinal + 1)   // the next hour
  /// ```
  init(ordinal: Int)
  /// The unit that contains `date`, in UTC.
  ///
  /// ```swift
  /// Day(containing: Date())   // today
  /// ```
  init(containing date: Date)
  /// The unit as a data interval: its start up to the next unit's.
  ///
  /// ```swift
  /// Day(year: 2024, month: 1, day: 1)!.interval   // 2024-01-01T00:00 to 2024-01-02T00:00
  /// ```
  var interval: DataInterval { get }
}

extension RangeUnit {
  /// The kind of date parameter that receives one unit.
  static var slotKind: DateParameterSlot.Kind {
    switch Self.self {
    case is DateHour.Type: return .hour
    case is Month.Type: return .month
    default: return .day
    }
  }
}

extension Day: RangeUnit {
  /// "day".
  public static var unitName: String { "day" }
  /// "RangeDaily".
  public static var rangeFamily: String { "RangeDaily" }
  /// 100 days.
  public static var defaultBack: Int { 100 }
  /// The day of `date`, in UTC.
  public init(containing date: Date) { self.init(date) }
  /// Days since 1970-01-01.
  public var ordinal: Int { dayNumber }
  /// The day `ordinal` days after 1970-01-01.
  public init(ordinal: Int) { self.init(dayNumber: ordinal) }
  /// The day, from midnight to midnight UTC.
  public var interval: DataInterval { DataInterval(self) }
}

extension DateHour: RangeUnit {
  /// "hour".
  public static var unitName: String { "hour" }
  /// "RangeHourly".
  public static var rangeFamily: String { "RangeHourly" }
  /// 2,400 hours: Luigi's 100 days.
  public static var defaultBack: Int { 2400 }
  /// The hour of `date`, in UTC.
  public init(containing date: Date) { self.init(date) }
  /// Hours since 1970-01-01T00.
  public var ordinal: Int { day.dayNumber * 24 + hour }
  /// The hour `ordinal` hours after 1970-01-01T00.
  public init(ordinal: Int) {
    let day = CronExpression.floorDivide(ordinal, 24)
    self = DateHour(day: Day(dayNumber: day), hour: ordinal - day * 24)!
  }
  /// The hour, up to the next one.
  public var interval: DataInterval { DataInterval(start: date, end: adding(hours: 1).date)! }
}

extension Month: RangeUnit {
  /// "month".
  public static var unitName: String { "month" }
  /// "RangeMonthly".
  public static var rangeFamily: String { "RangeMonthly" }
  /// 13 months, as Luigi.
  public static var defaultBack: Int { 13 }
  /// The month of `date`, in UTC.
  public init(containing date: Date) { self.init(Day(date)) }
  /// Months since January of year 0.
  public var ordinal: Int { year * 12 + month - 1 }
  /// The month `ordinal` months after January of year 0.
  public init(ordinal: Int) {
    let year = CronExpression.floorDivide(ordinal, 12)
    self = Month(year: year, month: ordinal - year * 12 + 1)!
  }
  /// The month, from its first day to the next month's.
  public var interval: DataInterval { DataInterval(start: firstDay.date, end: adding(months: 1).firstDay.date)! }
}
