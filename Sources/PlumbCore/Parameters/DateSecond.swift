import Foundation

/// A second of a calendar day: Luigi's `DateSecondParameter`.
///
/// Its text form is `2024-01-03T071530` (the day, `T`, then hour, minute and second, two digits
/// each), as Luigi writes it. The day's month and day may have one digit, as `strptime` reads them.
///
/// ```swift
/// struct Snapshot: PipelineTask {
///     @Parameter(help: "when the snapshot was taken") var time: DateSecond = .required
///     func output() -> LocalTarget { LocalTarget("snapshots/\(time).json") }
/// }
///
/// DateSecond(year: 2024, month: 1, day: 3, hour: 7, minute: 15, second: 59)!.successor   // 2024-01-03T071600
/// ```
public struct DateSecond: RequirableParameterValue, Comparable, Hashable, Sendable, CustomStringConvertible {
  /// The minute.
  public let minute: DateMinute
  /// The second of the minute, 0 through 59.
  public let second: Int

  /// The second, or `nil` when `second` is not 0 through 59.
  public init?(minute: DateMinute, second: Int) {
    guard (0...59).contains(second) else { return nil }
    self.init(unchecked: minute, second)
  }

  /// The second, or `nil` when the date does not exist or a field is out of range.
  public init?(year: Int, month: Int, day: Int, hour: Int, minute: Int, second: Int) {
    guard let minute = DateMinute(year: year, month: month, day: day, hour: hour, minute: minute) else { return nil }
    self.init(minute: minute, second: second)
  }

  /// The second `date` falls in, in UTC.
  public init(_ date: Date) {
    let minute = DateMinute(date)
    let seconds = date.timeIntervalSince(minute.date)
    self.init(unchecked: minute, Int(seconds.isFinite ? min(max(seconds, 0), 59) : 0))
  }

  private init(unchecked minute: DateMinute, _ second: Int) {
    self.minute = minute
    self.second = second
  }

  /// The start of the second, in UTC.
  public var date: Date { minute.date.addingTimeInterval(Double(second)) }

  /// The second `seconds` seconds later (earlier when negative).
  public func adding(seconds: Int) -> DateSecond {
    let total = second + seconds
    let minutes = total >= 0 ? total / 60 : (total - 59) / 60
    return DateSecond(unchecked: minute.adding(minutes: minutes), total - minutes * 60)
  }

  /// Earlier first.
  public static func < (lhs: DateSecond, rhs: DateSecond) -> Bool {
    (lhs.minute, lhs.second) < (rhs.minute, rhs.second)
  }

  /// Reads `2024-01-03T071530`; anything else gives `nil`.
  public init?(parameterText: String) {
    guard let numbers = DigitPattern.numbers(in: parameterText, pattern: "####-?#-?#T######") else { return nil }
    let time = numbers[3]
    self.init(
      year: numbers[0], month: numbers[1], day: numbers[2], hour: time / 10_000, minute: time / 100 % 100,
      second: time % 100)
  }

  /// The second as `2024-01-03T071530`, Luigi's form.
  public var parameterText: String { minute.parameterText + DigitPattern.padded(second, width: 2) }

  /// What valid text looks like, for error messages.
  public static var expectedForm: String {
    "a date and time written year-month-dayThourminutesecond, such as 2024-01-03T071530"
  }

  /// The next second, so that the execution summary shows runs of seconds as ranges; `nil` after
  /// the last second of 9999.
  public var successor: DateSecond? {
    let next = adding(seconds: 1)
    return GregorianCalendar.years.contains(next.minute.hour.day.year) ? next : nil
  }

  /// What a required date-second parameter reads as until a run gives it a value: `0000-00-00T000000`.
  public static var placeholder: DateSecond { DateSecond(unchecked: .placeholder, 0) }

  /// The text form, `2024-01-03T071530`.
  public var description: String { parameterText }
}
