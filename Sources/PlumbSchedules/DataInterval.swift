import Foundation
import PlumbCore

/// The span of time one scheduled run covers, as Airflow's data interval: from ``start``
/// (included) to ``end`` (excluded). The run happens once the interval has ended, and its logical
/// date is the start: the run for 2024-01-01 under `@daily` covers [2024-01-01, 2024-01-02) and
/// runs just after midnight on 2024-01-02.
///
/// A task receives its interval through a parameter: a ``Day``, ``DateHour`` or ``Month``
/// parameter gets the logical date, a `DataInterval` parameter the whole interval, for tasks
/// that process exactly what arrived in it.
///
/// ```swift
/// struct ScrapeDay: PipelineTask {
///     @Parameter(help: "the posts to fetch") var interval: DataInterval = .required
///     func output() -> LocalTarget { LocalTarget("posts/\(interval.logicalDay).json") }
/// }
///
/// let day = DataInterval(parameterText: "2024-01-01T00:00Z/2024-01-02T00:00Z")!
/// day.logicalDay   // 2024-01-01
/// ```
///
/// The text form is ISO 8601's interval, in UTC, to the minute (`2024-01-01T00:00Z/2024-01-02T00:00Z`),
/// with seconds only when they are not zero.
public struct DataInterval: RequirableParameterValue, Comparable, Hashable, Sendable, CustomStringConvertible {
  /// The first instant of the interval, its logical date.
  ///
  /// ```swift
  /// DataInterval(Day(year: 2024, month: 1, day: 1)!).start   // 2024-01-01 00:00 UTC
  /// ```
  public let start: Date
  /// The first instant after the interval; equal to ``start`` for a `@once` run.
  ///
  /// ```swift
  /// DataInterval(Day(year: 2024, month: 1, day: 1)!).end   // 2024-01-02 00:00 UTC
  /// ```
  public let end: Date

  /// An interval from `start` up to `end`; `nil` when `end` comes before `start`.
  ///
  /// ```swift
  /// let first = Day(year: 2024, month: 1, day: 1)!
  /// DataInterval(start: first.date, end: first.adding(days: 1).date)
  /// ```
  public init?(start: Date, end: Date) {
    guard start <= end else { return nil }
    self.start = start
    self.end = end
  }

  /// The interval of one whole day.
  ///
  /// ```swift
  /// DataInterval(Day(year: 2024, month: 1, day: 1)!).end   // 2024-01-02 00:00 UTC
  /// ```
  public init(_ day: Day) {
    start = day.date
    end = day.adding(days: 1).date
  }

  /// The day of the logical date (the start), in UTC: Airflow's `ds`.
  ///
  /// ```swift
  /// LocalTarget("posts/\(interval.logicalDay).tsv")
  /// ```
  public var logicalDay: Day { Day(start) }

  /// How long the interval is, in seconds.
  ///
  /// ```swift
  /// DataInterval(Day(year: 2024, month: 1, day: 1)!).duration   // 86_400
  /// ```
  public var duration: TimeInterval { end.timeIntervalSince(start) }

  /// Whether `date` falls in the interval (its start included, its end not).
  ///
  /// ```swift
  /// interval.contains(post.published)
  /// ```
  public func contains(_ date: Date) -> Bool { start <= date && date < end }

  /// Earlier starts first, then earlier ends.
  ///
  /// ```swift
  /// intervals.sorted()   // oldest first
  /// ```
  public static func < (lhs: DataInterval, rhs: DataInterval) -> Bool {
    (lhs.start, lhs.end) < (rhs.start, rhs.end)
  }

  /// Reads `2024-01-01T00:00Z/2024-01-02T00:00Z` (seconds optional: `T00:00:30Z`), or a single
  /// day `2024-01-01`, meaning that whole day.
  ///
  /// ```swift
  /// DataInterval(parameterText: "2024-01-01T06:00Z/2024-01-01T12:00Z")
  /// ```
  public init?(parameterText: String) {
    if let day = Day(parameterText: parameterText) {
      self.init(day)
      return
    }
    let ends = parameterText.split(separator: "/", omittingEmptySubsequences: false)
    guard ends.count == 2, let start = Self.instant(String(ends[0])), let end = Self.instant(String(ends[1])) else {
      return nil
    }
    self.init(start: start, end: end)
  }

  /// The interval as `2024-01-01T00:00Z/2024-01-02T00:00Z`.
  ///
  /// ```swift
  /// DataInterval(Day(year: 2024, month: 1, day: 1)!).parameterText   // 2024-01-01T00:00Z/2024-01-02T00:00Z
  /// ```
  public var parameterText: String { Self.text(start) + "/" + Self.text(end) }

  /// What valid text looks like, for error messages.
  public static var expectedForm: String {
    "an interval written start/end in UTC, such as 2024-01-01T00:00Z/2024-01-02T00:00Z, or a day such as 2024-01-01"
  }

  /// The interval of the same length that follows, so that the summary shows runs of intervals as ranges.
  ///
  /// ```swift
  /// DataInterval(Day(year: 2024, month: 1, day: 1)!).successor?.logicalDay   // 2024-01-02
  /// ```
  public var successor: DataInterval? {
    guard duration > 0 else { return nil }
    return DataInterval(start: end, end: end.addingTimeInterval(duration))
  }

  /// What a required interval parameter reads as until a run gives it a value: an empty interval
  /// at 1970-01-01.
  public static var placeholder: DataInterval {
    DataInterval(start: Date(timeIntervalSince1970: 0), end: Date(timeIntervalSince1970: 0))!
  }

  /// The text form.
  public var description: String { parameterText }

  /// `2024-01-01T06:30Z`, with `:SS` when the seconds are not zero.
  package static func text(_ date: Date) -> String {
    let day = Day(date)
    let seconds = Int(date.timeIntervalSince(day.date).rounded(.down))
    var text =
      day.parameterText + "T" + DigitPattern.padded(seconds / 3600, width: 2) + ":"
      + DigitPattern.padded(seconds / 60 % 60, width: 2)
    if seconds % 60 != 0 { text += ":" + DigitPattern.padded(seconds % 60, width: 2) }
    return text + "Z"
  }

  /// Reads `2024-01-01T06:30Z` or `2024-01-01T06:30:15Z`.
  package static func instant(_ text: String) -> Date? {
    guard text.hasSuffix("Z"), let separator = text.firstIndex(of: "T"),
      let day = Day(parameterText: String(text[..<separator]))
    else { return nil }
    let clock = text[text.index(after: separator)..<text.index(before: text.endIndex)].split(
      separator: ":", omittingEmptySubsequences: false)
    guard clock.count == 2 || clock.count == 3,
      clock.allSatisfy({ $0.count == 2 && $0.allSatisfy { $0.isASCII && $0.isNumber } })
    else { return nil }
    let numbers = clock.compactMap { Int($0) }
    guard numbers[0] < 24, numbers[1] < 60, numbers.count == 2 || numbers[2] < 60 else { return nil }
    let seconds = numbers[0] * 3600 + numbers[1] * 60 + (numbers.count == 3 ? numbers[2] : 0)
    return day.date.addingTimeInterval(Double(seconds))
  }
}
