import Foundation

/// A calendar date with no time of day and no time zone: Luigi's `DateParameter`.
///
/// Its text form is `2024-01-03` (year, month, day: four, two and two digits). Reading follows
/// Luigi, which reads dates with Python's `strptime(text, "%Y-%m-%d")`: a month or day of one digit
/// is fine (`2024-1-3` is read, and written back, as `2024-01-03`, the form the task's name and id
/// use), and anything else is refused, `2024-02-30` and ` 2024-01-03` among them, so a typo never
/// names a different day. (Unlike `strptime`, only ASCII digits are digits, and a day of one digit
/// may not be padded with a space, `2024-01- 3`.)
/// Days are ordered, and step one day at a time, so a range of them is a sequence:
///
/// ```swift
/// struct Streams: PipelineTask {
///     @Parameter(help: "the day of plays to read") var date: Day = .required
///     func output() -> LocalTarget { LocalTarget("streams/\(date).tsv") }
/// }
///
/// let first = Day(year: 2024, month: 2, day: 27)!
/// let days = Array(first..<first.adding(days: 4))   // 2024-02-27, 2024-02-28, 2024-02-29, 2024-03-01
/// first.days(until: Day(year: 2024, month: 3, day: 1)!)   // 3
/// Day(Date())   // today, in UTC
/// ```
///
/// Years 1 through 9999 can be written and read, as in Python's `datetime.date`; arithmetic goes
/// on past them on the proleptic Gregorian calendar.
public struct Day: RequirableParameterValue, Strideable, Hashable, Sendable, CustomStringConvertible {
  /// The year, such as 2024.
  public let year: Int
  /// The month, 1 for January through 12.
  public let month: Int
  /// The day of the month, from 1.
  public let day: Int

  /// The date, or `nil` when it does not exist (February 30th, month 13, year 0).
  ///
  /// ```swift
  /// Day(year: 2024, month: 2, day: 29)   // a leap day
  /// Day(year: 2023, month: 2, day: 29)   // nil
  /// ```
  public init?(year: Int, month: Int, day: Int) {
    guard GregorianCalendar.isValid(year: year, month: month, day: day) else { return nil }
    self.init(unchecked: year, month, day)
  }

  /// The day `dayNumber` days after 1970-01-01.
  package init(dayNumber: Int) {
    let date = GregorianCalendar.date(dayNumber: dayNumber)
    self.init(unchecked: date.year, date.month, date.day)
  }

  private init(unchecked year: Int, _ month: Int, _ day: Int) {
    self.year = year
    self.month = month
    self.day = day
  }

  /// The day on which `date` falls in `timeZone` (UTC unless given).
  ///
  /// ```swift
  /// Day(Date(timeIntervalSince1970: 0))   // 1970-01-01
  /// ```
  public init(_ date: Date, timeZone: TimeZone = .gmt) {
    // Kept within thirty million years so that no Date, however absurd, overflows Int.
    let since1970 = date.timeIntervalSince1970.isFinite ? min(max(date.timeIntervalSince1970, -1e15), 1e15) : 0
    let seconds = since1970 + Double(timeZone.secondsFromGMT(for: date))
    self.init(dayNumber: Int((seconds / 86_400).rounded(.down)))
  }

  /// Days from 1970-01-01 (negative before it).
  package var dayNumber: Int { GregorianCalendar.dayNumber(year: year, month: month, day: day) }

  /// The start of the day (midnight) in UTC.
  ///
  /// ```swift
  /// Day(year: 1970, month: 1, day: 2)!.date   // 1970-01-02 00:00:00 +0000
  /// ```
  public var date: Date { Date(timeIntervalSince1970: Double(dayNumber) * 86_400) }

  /// The day `days` days later (earlier when negative).
  ///
  /// ```swift
  /// Day(year: 2024, month: 2, day: 28)!.adding(days: 2)   // 2024-03-01
  /// ```
  public func adding(days: Int) -> Day { Day(dayNumber: dayNumber + days) }

  /// How many days it is from this day to `other`: negative when `other` comes first.
  ///
  /// ```swift
  /// Day(year: 2024, month: 1, day: 1)!.days(until: Day(year: 2025, month: 1, day: 1)!)   // 366
  /// ```
  public func days(until other: Day) -> Int { other.dayNumber - dayNumber }

  /// The ISO 8601 weekday: 1 for Monday through 7 for Sunday.
  public var weekday: Int { GregorianCalendar.isoWeekday(dayNumber: dayNumber) }

  /// The day `days` later (earlier when negative), for `Strideable`.
  public func advanced(by days: Int) -> Day { adding(days: days) }
  /// The number of days from this day to `other`, for `Strideable`.
  public func distance(to other: Day) -> Int { days(until: other) }

  /// Earlier first.
  public static func < (lhs: Day, rhs: Day) -> Bool {
    (lhs.year, lhs.month, lhs.day) < (rhs.year, rhs.month, rhs.day)
  }

  /// Reads `2024-01-03`, or `2024-1-3` as Python's `strptime` does; anything else, or a date that
  /// does not exist, gives `nil`.
  public init?(parameterText: String) {
    guard let numbers = DigitPattern.numbers(in: parameterText, pattern: "####-?#-?#") else { return nil }
    self.init(year: numbers[0], month: numbers[1], day: numbers[2])
  }

  /// The date as `2024-01-03`.
  public var parameterText: String {
    DigitPattern.padded(year, width: 4) + "-" + DigitPattern.padded(month, width: 2) + "-"
      + DigitPattern.padded(day, width: 2)
  }

  /// What valid text looks like, for error messages.
  public static var expectedForm: String { "a date that exists, written year-month-day, such as 2024-01-03" }

  /// The next day, so that the execution summary shows runs of days as `2024-01-01...2024-01-31`;
  /// `nil` after 9999-12-31, the last day that can be written.
  public var successor: Day? {
    let next = adding(days: 1)
    return GregorianCalendar.years.contains(next.year) ? next : nil
  }

  /// What a required date parameter reads as until a run gives it a value: `0000-00-00`, no real
  /// date, so that a value read too early shows as unset.
  public static var placeholder: Day { Day(unchecked: 0, 0, 0) }

  /// The text form, `2024-01-03`, so that `"\(day)"` builds file names.
  public var description: String { parameterText }
}
