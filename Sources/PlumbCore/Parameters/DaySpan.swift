/// A run of days, written as a year, a month, an ISO week, a day or a custom range: Luigi's
/// `DateIntervalParameter`, for tasks that gather many days of data.
///
/// The text is read in five forms, tried in this order, and always written back in the form it was
/// given in:
///
/// | text | form | days |
/// |---|---|---|
/// | `2012` | ``Form/year`` | 2012-01-01 to 2012-12-31 |
/// | `2012-06` | ``Form/month`` | 2012-06-01 to 2012-06-30 |
/// | `2012-W12` | ``Form/week`` | ISO week 12 of 2012: Monday 2012-03-19 to Sunday 2012-03-25 |
/// | `2012-06-01` | ``Form/day`` | 2012-06-01 only |
/// | `2012-06-01-2012-06-30` | ``Form/custom`` | 2012-06-01 to 2012-06-29: the end is excluded |
///
/// Every form is half-open: ``start`` is the first day, ``end`` the first day after the interval.
/// Weeks start on Monday and belong to ISO 8601's week-numbering year, so `2009-W01` starts on
/// Monday 2008-12-29.
///
/// Both ``start`` and ``end`` are days that can be written, in years 1 through 9999, so an interval
/// ends by 9999-12-31: `9999`, `9999-12`, `9999-W52` and `9999-12-31` are refused, as Luigi, whose
/// Python dates stop there too, refuses them.
///
/// ```swift
/// struct AggregateArtists: PipelineTask {
///     @Parameter(help: "the days to count") var dateInterval: DaySpan = .required
///     func requires() -> [Streams] { dateInterval.days.map { Streams(date: $0) } }
/// }
///
/// let june = DaySpan(parameterText: "2012-06")!
/// june.days.count                                  // 30
/// june.contains(Day(year: 2012, month: 6, day: 30)!)   // true
/// june.next                                        // 2012-07
/// ```
///
/// An interval has no ``ParameterValue/successor``, just as Luigi's `DateIntervalParameter` has no
/// `next_in_enumeration`, so the execution summary lists intervals value by value as Luigi does
/// (`Weekly(week=2022-W01,2022-W02,2022-W03,2022-W04)`), never as a range.
///
/// (Foundation's `DateInterval` is a span of time between two instants; this is a span of days.)
public struct DaySpan: RequirableParameterValue, Comparable, Hashable, Sendable, CustomStringConvertible {
  /// How an interval was written, which decides its text and its ``next``.
  public enum Form: Int, Sendable, Hashable, CaseIterable {
    /// A calendar year: `2012`.
    case year
    /// A calendar month: `2012-06`.
    case month
    /// An ISO 8601 week, Monday to Sunday: `2012-W12`.
    case week
    /// One day: `2012-06-01`.
    case day
    /// From one day up to, not including, another: `2012-06-01-2012-06-30`.
    case custom
  }

  /// How the interval was written.
  public let form: Form
  /// The first day.
  public let start: Day
  /// The first day after the interval: it is not part of it.
  public let end: Day

  /// The interval, or `nil` unless both ends are days that can be written (years 1 through 9999).
  private init?(form: Form, start: Day, end: Day) {
    guard GregorianCalendar.years.contains(start.year), GregorianCalendar.years.contains(end.year) else {
      return nil
    }
    self.init(unchecked: form, start: start, end: end)
  }

  private init(unchecked form: Form, start: Day, end: Day) {
    self.form = form
    self.start = start
    self.end = end
  }

  /// The days of `year`, written `2012`; `nil` for 9999 (its end, 10000-01-01, cannot be written)
  /// and for years outside 1 through 9999.
  public init?(_ year: Year) {
    self.init(form: .year, start: year.firstDay, end: year.adding(years: 1).firstDay)
  }

  /// The days of `month`, written `2012-06`; `nil` for 9999-12 and months outside years 1 through 9999.
  public init?(_ month: Month) {
    self.init(form: .month, start: month.firstDay, end: month.adding(months: 1).firstDay)
  }

  /// `day` alone, written `2012-06-01`; `nil` for 9999-12-31 and days outside years 1 through 9999.
  public init?(_ day: Day) {
    self.init(form: .day, start: day, end: day.adding(days: 1))
  }

  /// The seven days of ISO week `week` of the ISO week-numbering year `isoYear`, Monday first,
  /// written `2012-W12`; `nil` when the year has no such week (weeks run from 1 to 52 or 53), or
  /// when the week ends after 9999-12-31 (`9999-W52`).
  ///
  /// ```swift
  /// DaySpan(isoYear: 2012, week: 12)?.start   // 2012-03-19
  /// DaySpan(isoYear: 2015, week: 53)          // a week: 2015 has 53
  /// DaySpan(isoYear: 2016, week: 53)          // nil
  /// ```
  public init?(isoYear: Int, week: Int) {
    guard GregorianCalendar.years.contains(isoYear), (1...53).contains(week) else { return nil }
    let monday = GregorianCalendar.firstMonday(isoYear: isoYear) + (week - 1) * 7
    guard monday < GregorianCalendar.firstMonday(isoYear: isoYear + 1) else { return nil }
    self.init(form: .week, start: Day(dayNumber: monday), end: Day(dayNumber: monday + 7))
  }

  /// The days from `start` up to, not including, `end`, written `2012-06-01-2012-06-30`;
  /// `nil` unless `start` comes before `end` and both are in years 1 through 9999.
  public init?(from start: Day, to end: Day) {
    guard start < end else { return nil }
    self.init(form: .custom, start: start, end: end)
  }

  /// Every day of the interval, in order.
  public var days: [Day] { Array(start..<end) }

  /// Whether `day` is one of the interval's days.
  public func contains(_ day: Day) -> Bool { start <= day && day < end }

  /// Orders by first day, then by last day, then by form, so that `2012-06` and
  /// `2012-06-01-2012-07-01` (the same days, but different tasks) are distinct and ordered.
  public static func < (lhs: DaySpan, rhs: DaySpan) -> Bool {
    (lhs.start, lhs.end, lhs.form.rawValue) < (rhs.start, rhs.end, rhs.form.rawValue)
  }

  /// Reads any of the five forms; anything else, or a date that does not exist, gives `nil`.
  public init?(parameterText text: String) {
    if let numbers = DigitPattern.numbers(in: text, pattern: "####") {
      guard let year = Year(numbers[0]) else { return nil }
      self.init(year)
    } else if let numbers = DigitPattern.numbers(in: text, pattern: "####-##") {
      guard let month = Month(year: numbers[0], month: numbers[1]) else { return nil }
      self.init(month)
    } else if let numbers = DigitPattern.numbers(in: text, pattern: "####-W##") {
      self.init(isoYear: numbers[0], week: numbers[1])
    } else if let numbers = DigitPattern.numbers(in: text, pattern: "####-##-##") {
      guard let day = Day(year: numbers[0], month: numbers[1], day: numbers[2]) else { return nil }
      self.init(day)
    } else if let numbers = DigitPattern.numbers(in: text, pattern: "####-##-##-####-##-##") {
      guard let start = Day(year: numbers[0], month: numbers[1], day: numbers[2]),
        let end = Day(year: numbers[3], month: numbers[4], day: numbers[5])
      else { return nil }
      self.init(from: start, to: end)
    } else {
      return nil
    }
  }

  /// The interval in the form it was given: `2012`, `2012-06`, `2012-W12`, `2012-06-01` or
  /// `2012-06-01-2012-06-30`.
  public var parameterText: String {
    switch form {
    case .year: return Year(start).parameterText
    case .month: return Month(start).parameterText
    case .week:
      let week = GregorianCalendar.isoWeek(dayNumber: start.dayNumber)
      return DigitPattern.padded(week.year, width: 4) + "-W" + DigitPattern.padded(week.week, width: 2)
    case .day: return start.parameterText
    case .custom: return start.parameterText + "-" + end.parameterText
    }
  }

  /// What valid text looks like, for error messages.
  public static var expectedForm: String {
    "a date interval: a year (2012), a month (2012-06), an ISO week (2012-W12), a day (2012-06-01)"
      + " or a range of days, the end day excluded (2012-06-01-2012-06-30)"
  }

  /// The next interval of the same form (the next year, month, week or day), as Luigi's
  /// `DateInterval.next()`; `nil` for a custom range, which has no natural next, and where the
  /// next would end after 9999-12-31.
  ///
  /// ```swift
  /// DaySpan(parameterText: "2015-W53")?.next   // 2016-W01
  /// ```
  public var next: DaySpan? {
    switch form {
    case .year: return DaySpan(Year(start).adding(years: 1))
    case .month: return DaySpan(Month(start).adding(months: 1))
    case .week: return DaySpan(form: .week, start: end, end: end.adding(days: 7))
    case .day: return DaySpan(end)
    case .custom: return nil
    }
  }

  /// What a required date-interval parameter reads as until a run gives it a value:
  /// `0000-00-00-0000-00-00`.
  public static var placeholder: DaySpan {
    DaySpan(unchecked: .custom, start: .placeholder, end: .placeholder)
  }

  /// The text form, as given.
  public var description: String { parameterText }
}
