import Foundation

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

/// A step of a range: a day, an hour or a month, numbered from a fixed origin, so that a range
/// finds its n-th unit and its length by arithmetic.
protocol RangeUnit: Comparable, Sendable, CustomStringConvertible {
  /// The unit's name in notes, singular: `day`.
  static var name: String { get }
  /// The kind of date parameter that receives one unit.
  static var slotKind: DateParameterSlot.Kind { get }
  /// The unit's number, counted from a fixed origin: consecutive units have consecutive numbers.
  var ordinal: Int { get }
  /// The unit numbered `ordinal`.
  init(ordinal: Int)
  /// The unit that contains `date`, in UTC.
  init(containing date: Date)
  /// The unit as a data interval: its start up to the next unit's.
  var interval: DataInterval { get }
}

extension Day: RangeUnit {
  static var name: String { "day" }
  static var slotKind: DateParameterSlot.Kind { .day }
  init(containing date: Date) { self.init(date) }
  var ordinal: Int { dayNumber }
  init(ordinal: Int) { self.init(dayNumber: ordinal) }
  var interval: DataInterval { DataInterval(self) }
}

extension DateHour: RangeUnit {
  static var name: String { "hour" }
  static var slotKind: DateParameterSlot.Kind { .hour }
  init(containing date: Date) { self.init(date) }
  var ordinal: Int { day.dayNumber * 24 + hour }
  init(ordinal: Int) {
    let day = CronExpression.floorDivide(ordinal, 24)
    self = DateHour(day: Day(dayNumber: day), hour: ordinal - day * 24)!
  }
  var interval: DataInterval { DataInterval(start: date, end: adding(hours: 1).date)! }
}

extension Month: RangeUnit {
  static var name: String { "month" }
  static var slotKind: DateParameterSlot.Kind { .month }
  init(containing date: Date) { self.init(Day(date)) }
  var ordinal: Int { year * 12 + month - 1 }
  init(ordinal: Int) {
    let year = CronExpression.floorDivide(ordinal, 12)
    self = Month(year: year, month: ordinal - year * 12 + 1)!
  }
  var interval: DataInterval { DataInterval(start: firstDay.date, end: adding(months: 1).firstDay.date)! }
}
