import Foundation

/// An hour of a calendar day: Luigi's `DateHourParameter`, for hourly partitions.
///
/// Its text form is `2024-01-03T07` (the day, `T`, and the hour 00 through 23). It reads as Luigi's
/// does, with Python's `strptime(text, "%Y-%m-%dT%H")`: `2024-1-3T7` is read as `2024-01-03T07`;
/// anything else is refused, a lower-case `t` too, which `strptime` would take.
///
/// ```swift
/// struct HourlyLog: ExternalTask {
///     @Parameter(help: "the hour of logs") var hour: DateHour = .required
///     func output() -> LocalTarget { LocalTarget("logs/\(hour).log") }
/// }
///
/// let late = DateHour(year: 2024, month: 1, day: 3, hour: 23)!
/// late.successor   // 2024-01-04T00
/// late.adding(hours: -24)   // 2024-01-02T23
/// ```
public struct DateHour: RequirableParameterValue, Comparable, Hashable, Sendable, CustomStringConvertible {
  /// The day.
  public let day: Day
  /// The hour of the day, 0 through 23.
  public let hour: Int

  /// The hour, or `nil` when `hour` is not 0 through 23.
  public init?(day: Day, hour: Int) {
    guard (0...23).contains(hour) else { return nil }
    self.init(unchecked: day, hour)
  }

  /// The hour, or `nil` when the date does not exist or `hour` is not 0 through 23.
  public init?(year: Int, month: Int, day: Int, hour: Int) {
    guard let day = Day(year: year, month: month, day: day) else { return nil }
    self.init(day: day, hour: hour)
  }

  /// The hour `date` falls in, in UTC.
  public init(_ date: Date) {
    let day = Day(date)
    let seconds = date.timeIntervalSince(day.date)
    self.init(unchecked: day, Int((seconds.isFinite ? min(max(seconds, 0), 86_399) : 0) / 3600))
  }

  private init(unchecked day: Day, _ hour: Int) {
    self.day = day
    self.hour = hour
  }

  /// The start of the hour, in UTC.
  public var date: Date { day.date.addingTimeInterval(Double(hour) * 3600) }

  /// The hour `hours` hours later (earlier when negative).
  public func adding(hours: Int) -> DateHour {
    let total = day.dayNumber * 24 + hour + hours
    let days = total >= 0 ? total / 24 : (total - 23) / 24
    return DateHour(unchecked: Day(dayNumber: days), total - days * 24)
  }

  /// Earlier first.
  public static func < (lhs: DateHour, rhs: DateHour) -> Bool { (lhs.day, lhs.hour) < (rhs.day, rhs.hour) }

  /// Reads `2024-01-03T07`, or `2024-1-3T7`; anything else gives `nil`.
  public init?(parameterText: String) {
    guard let numbers = DigitPattern.numbers(in: parameterText, pattern: "####-?#-?#T?#") else { return nil }
    self.init(year: numbers[0], month: numbers[1], day: numbers[2], hour: numbers[3])
  }

  /// The hour as `2024-01-03T07`.
  public var parameterText: String { day.parameterText + "T" + DigitPattern.padded(hour, width: 2) }

  /// What valid text looks like, for error messages.
  public static var expectedForm: String { "a date and hour written year-month-dayThour, such as 2024-01-03T07" }

  /// The next hour, so that the execution summary shows runs of hours as ranges; `nil` after
  /// 9999-12-31T23, the last hour that can be written.
  public var successor: DateHour? {
    let next = adding(hours: 1)
    return GregorianCalendar.years.contains(next.day.year) ? next : nil
  }

  /// What a required date-hour parameter reads as until a run gives it a value: `0000-00-00T00`.
  public static var placeholder: DateHour { DateHour(unchecked: .placeholder, 0) }

  /// The text form, `2024-01-03T07`.
  public var description: String { parameterText }
}
