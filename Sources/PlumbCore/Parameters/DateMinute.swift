import Foundation

/// A minute of a calendar day: Luigi's `DateMinuteParameter`, for partitions finer than an hour.
///
/// Its text form is `2024-01-03T0715` (the day, `T`, the hour and the minute, two digits each), as
/// Luigi writes it; Luigi's older form `2024-01-03T07H15` is read too. The day's month and day may
/// have one digit (`2024-1-3T0715`), as Python's `strptime` reads them.
///
/// ```swift
/// struct Reading: ExternalTask {
///     @Parameter(help: "the minute of the reading") var time: DateMinute = .required
///     func output() -> LocalTarget { LocalTarget("readings/\(time).csv") }
/// }
///
/// let late = DateMinute(year: 2024, month: 1, day: 3, hour: 23, minute: 59)!
/// late.successor   // 2024-01-04T0000
/// ```
public struct DateMinute: RequirableParameterValue, Comparable, Hashable, Sendable, CustomStringConvertible {
  /// The hour.
  public let hour: DateHour
  /// The minute of the hour, 0 through 59.
  public let minute: Int

  /// The minute, or `nil` when `minute` is not 0 through 59.
  public init?(hour: DateHour, minute: Int) {
    guard (0...59).contains(minute) else { return nil }
    self.init(unchecked: hour, minute)
  }

  /// The minute, or `nil` when the date does not exist or a field is out of range.
  public init?(year: Int, month: Int, day: Int, hour: Int, minute: Int) {
    guard let hour = DateHour(year: year, month: month, day: day, hour: hour) else { return nil }
    self.init(hour: hour, minute: minute)
  }

  /// The minute `date` falls in, in UTC.
  public init(_ date: Date) {
    let hour = DateHour(date)
    let seconds = date.timeIntervalSince(hour.date)
    self.init(unchecked: hour, Int((seconds.isFinite ? min(max(seconds, 0), 3599) : 0) / 60))
  }

  private init(unchecked hour: DateHour, _ minute: Int) {
    self.hour = hour
    self.minute = minute
  }

  /// The start of the minute, in UTC.
  public var date: Date { hour.date.addingTimeInterval(Double(minute) * 60) }

  /// The minute `minutes` minutes later (earlier when negative).
  public func adding(minutes: Int) -> DateMinute {
    let total = minute + minutes
    let hours = total >= 0 ? total / 60 : (total - 59) / 60
    return DateMinute(unchecked: hour.adding(hours: hours), total - hours * 60)
  }

  /// Earlier first.
  public static func < (lhs: DateMinute, rhs: DateMinute) -> Bool { (lhs.hour, lhs.minute) < (rhs.hour, rhs.minute) }

  /// Reads `2024-01-03T0715`, or Luigi's older `2024-01-03T07H15`; anything else gives `nil`.
  public init?(parameterText: String) {
    if let numbers = DigitPattern.numbers(in: parameterText, pattern: "####-?#-?#T####") {
      self.init(
        year: numbers[0], month: numbers[1], day: numbers[2], hour: numbers[3] / 100, minute: numbers[3] % 100)
    } else if let numbers = DigitPattern.numbers(in: parameterText, pattern: "####-?#-?#T##H##") {
      self.init(year: numbers[0], month: numbers[1], day: numbers[2], hour: numbers[3], minute: numbers[4])
    } else {
      return nil
    }
  }

  /// The minute as `2024-01-03T0715`, Luigi's form.
  public var parameterText: String { hour.parameterText + DigitPattern.padded(minute, width: 2) }

  /// What valid text looks like, for error messages.
  public static var expectedForm: String {
    "a date and time written year-month-dayThourminute, such as 2024-01-03T0715"
  }

  /// The next minute, so that the execution summary shows runs of minutes as ranges
  /// (`Bar(time=1998-03-23T0150...1998-03-23T0649)`); `nil` after the last minute of 9999.
  public var successor: DateMinute? {
    let next = adding(minutes: 1)
    return GregorianCalendar.years.contains(next.hour.day.year) ? next : nil
  }

  /// What a required date-minute parameter reads as until a run gives it a value: `0000-00-00T0000`.
  public static var placeholder: DateMinute { DateMinute(unchecked: .placeholder, 0) }

  /// The text form, `2024-01-03T0715`.
  public var description: String { parameterText }
}
