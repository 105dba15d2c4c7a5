/// A calendar month: Luigi's `MonthParameter`, for tasks that handle a month of data at once.
///
/// Its text form is `2024-01`. It reads as Luigi's does, with Python's `strptime(text, "%Y-%m")`:
/// `2024-1` is read as `2024-01`; `2024-13` and `24-01` are refused.
///
/// ```swift
/// struct MonthlyReport: PipelineTask {
///     @Parameter(help: "the month to report on") var month: Month = .required
///     func requires() -> [Streams] { month.days.map { Streams(date: $0) } }
/// }
///
/// let february = Month(year: 2024, month: 2)!
/// february.days.count        // 29
/// february.adding(months: 11)   // 2025-01
/// Month(Day(year: 2024, month: 2, day: 10)!) == february   // true
/// ```
public struct Month: RequirableParameterValue, Comparable, Hashable, Sendable, CustomStringConvertible {
  /// The year, such as 2024.
  public let year: Int
  /// The month of the year, 1 for January through 12.
  public let month: Int

  /// The month, or `nil` when `month` is not 1 through 12 or the year is outside 1 through 9999.
  public init?(year: Int, month: Int) {
    guard GregorianCalendar.years.contains(year), (1...12).contains(month) else { return nil }
    self.init(unchecked: year, month)
  }

  /// The month `day` falls in.
  public init(_ day: Day) { self.init(unchecked: day.year, day.month) }

  private init(unchecked year: Int, _ month: Int) {
    self.year = year
    self.month = month
  }

  /// The month's first day.
  public var firstDay: Day { Day(dayNumber: GregorianCalendar.dayNumber(year: year, month: month, day: 1)) }

  /// Every day of the month, in order.
  public var days: [Day] { Array(firstDay..<adding(months: 1).firstDay) }

  /// Whether `day` falls in this month.
  public func contains(_ day: Day) -> Bool { day.year == year && day.month == month }

  /// The month `months` months later (earlier when negative).
  ///
  /// ```swift
  /// Month(year: 2024, month: 11)!.adding(months: 3)   // 2025-02
  /// ```
  public func adding(months: Int) -> Month {
    let index = year * 12 + (month - 1) + months
    let year = index >= 0 ? index / 12 : (index - 11) / 12
    return Month(unchecked: year, index - year * 12 + 1)
  }

  /// Earlier first.
  public static func < (lhs: Month, rhs: Month) -> Bool { (lhs.year, lhs.month) < (rhs.year, rhs.month) }

  /// Reads `2024-01`, or `2024-1`; anything else gives `nil`.
  public init?(parameterText: String) {
    guard let numbers = DigitPattern.numbers(in: parameterText, pattern: "####-?#") else { return nil }
    self.init(year: numbers[0], month: numbers[1])
  }

  /// The month as `2024-01`.
  public var parameterText: String { DigitPattern.padded(year, width: 4) + "-" + DigitPattern.padded(month, width: 2) }

  /// What valid text looks like, for error messages.
  public static var expectedForm: String { "a month written year-month, such as 2024-01" }

  /// The next month, so that the execution summary shows runs of months as ranges; `nil` after
  /// 9999-12, the last month that can be written.
  public var successor: Month? {
    let next = adding(months: 1)
    return GregorianCalendar.years.contains(next.year) ? next : nil
  }

  /// What a required month parameter reads as until a run gives it a value: `0000-00`.
  public static var placeholder: Month { Month(unchecked: 0, 0) }

  /// The text form, `2024-01`.
  public var description: String { parameterText }
}
