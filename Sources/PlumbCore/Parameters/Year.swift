/// A calendar year: Luigi's `YearParameter`, for yearly tasks.
///
/// Its text form is the four-digit year, `2024`.
///
/// ```swift
/// struct YearlyTotals: PipelineTask {
///     @Parameter(help: "the year to total") var year: Year = .required
///     func requires() -> [MonthlyReport] { year.months.map { MonthlyReport(month: $0) } }
/// }
///
/// Year(2024)!.days.count   // 366
/// ```
public struct Year: RequirableParameterValue, Comparable, Hashable, Sendable, CustomStringConvertible {
  /// The year's number, such as 2024.
  public let value: Int

  /// The year, or `nil` outside 1 through 9999.
  public init?(_ value: Int) {
    guard GregorianCalendar.years.contains(value) else { return nil }
    self.value = value
  }

  /// The year `day` falls in.
  public init(_ day: Day) { value = day.year }

  private init(unchecked value: Int) { self.value = value }

  /// January 1st.
  public var firstDay: Day { Day(dayNumber: GregorianCalendar.dayNumber(year: value, month: 1, day: 1)) }

  /// The twelve months, in order.
  public var months: [Month] { (0..<12).map { Month(firstDay).adding(months: $0) } }

  /// Every day of the year, in order: 365 or 366 of them.
  public var days: [Day] { Array(firstDay..<adding(years: 1).firstDay) }

  /// Whether `day` falls in this year.
  public func contains(_ day: Day) -> Bool { day.year == value }

  /// The year `years` years later (earlier when negative).
  public func adding(years: Int) -> Year { Year(unchecked: value + years) }

  /// Earlier first.
  public static func < (lhs: Year, rhs: Year) -> Bool { lhs.value < rhs.value }

  /// Reads `2024`; anything but four digits gives `nil`.
  public init?(parameterText: String) {
    guard let numbers = DigitPattern.numbers(in: parameterText, pattern: "####") else { return nil }
    self.init(numbers[0])
  }

  /// The year as four digits, `2024`.
  public var parameterText: String { DigitPattern.padded(value, width: 4) }

  /// What valid text looks like, for error messages.
  public static var expectedForm: String { "a year of four digits, such as 2024" }

  /// The next year, so that the execution summary shows runs of years as ranges; `nil` after
  /// 9999, the last year that can be written.
  public var successor: Year? { Year(value + 1) }

  /// What a required year parameter reads as until a run gives it a value: `0000`.
  public static var placeholder: Year { Year(unchecked: 0) }

  /// The text form, `2024`.
  public var description: String { parameterText }
}
