import Foundation

/// A length of time in whole seconds: Luigi's `TimeDeltaParameter`.
///
/// It reads what Luigi reads: a bare number of seconds (`90`), units from weeks to seconds in
/// that order (`1 w 2 d`, `3 hours`, `1 week 2 days 4 minutes`), or an ISO 8601 duration (`P1DT12H`,
/// `PT30M`, `P2W`). Its text form is Luigi's, `0 w 1 d 12 h 0 m 0 s`, so a task's id is the same in
/// Luigi's scheduler. Unlike Luigi, text with anything after the duration is refused, not cut.
///
/// ```swift
/// struct Cleanup: PipelineTask {
///     @Parameter(help: "how old a file may get") var keep: TimeDelta = TimeDelta(seconds: 7 * 86_400)
///     func run() throws { print("removing files older than \(keep.timeInterval) s") }
/// }
///
/// TimeDelta(parameterText: "P1DT12H")?.seconds   // 129600
/// ```
public struct TimeDelta: RequirableParameterValue, Comparable, Hashable, Sendable, CustomStringConvertible {
  /// The length, in whole seconds; negative for a length back in time.
  public let seconds: Int

  /// A length of `seconds` seconds.
  public init(seconds: Int) {
    self.seconds = seconds
  }

  /// The length as a `TimeInterval`.
  public var timeInterval: TimeInterval { TimeInterval(seconds) }

  /// Shorter first.
  public static func < (lhs: TimeDelta, rhs: TimeDelta) -> Bool { lhs.seconds < rhs.seconds }

  /// Reads `90`, `1 w 2 d 3 h 4 m 5 s`, `3 hours` or `P1DT12H`; anything else gives `nil`.
  public init?(parameterText text: String) {
    // As a Python timedelta keeps whole seconds (rounding down: -1.5 s is 2 s back and 0.5 s on).
    guard let seconds = Self.seconds(in: text), abs(seconds) < 1e15 else { return nil }
    self.init(seconds: Int(seconds.rounded(.down)))
  }

  /// Seconds in `text`, in the forms Luigi's `TimeDeltaParameter` reads: a bare number of seconds
  /// (`90`, `0.5`), ISO 8601 (`PT1M30S`, `P1DT2H`, `P2W`), or units from longest to shortest (`1 m
  /// 30 s`, `2 hours`, `1 week 2 days`); `nil` for anything else. Also read by the `[worker]`
  /// settings that take a duration, where a fraction of a second counts.
  package static func seconds(in text: String) -> TimeInterval? {
    // The longest sensible text is some 60 characters; longer text is refused before the patterns,
    // whose matching can take seconds on a megabyte.
    guard text.utf8.count <= 200 else { return nil }
    let text = text.trimmingCharacters(in: .whitespaces)
    if let seconds = Double(text), seconds.isFinite { return seconds }
    for pattern in patterns {
      guard let match = try? pattern.wholeMatch(in: text) else { continue }
      var total = 0.0
      var hasValue = false
      for (unit, seconds) in units {
        guard let digits = match.output[unit]?.substring, let value = Double(digits) else { continue }
        total += value * seconds
        hasValue = true
      }
      if hasValue { return total }
    }
    return nil
  }

  private static let units: [(String, Double)] = [
    ("weeks", 604_800), ("days", 86_400), ("hours", 3_600), ("minutes", 60), ("seconds", 1),
  ]

  /// Luigi's two patterns: ISO 8601 durations, then `n unit` words (`w[eek[s]]`, `d[ay[s]]`, ...).
  /// The weeks may be negative, unlike in Luigi, so that the text of a negative length
  /// (`-1 w 6 d 23 h 59 m 58 s`) reads back. (A `Regex` is not Sendable; these are only read.)
  private nonisolated(unsafe) static let patterns: [Regex<AnyRegexOutput>] = [
    #"P((?<weeks>\d+)W|((?<days>\d+)D)?(T((?<hours>\d+)H)?((?<minutes>\d+)M)?((?<seconds>\d+)S)?)?)"#,
    units.map { unit, _ in
      let (first, middle, last) = (unit.prefix(1), unit.dropFirst().dropLast(), unit.suffix(1))
      let sign = unit == "weeks" ? "-?" : ""
      return #"((?<\#(unit)>\#(sign)\d+) ?\#(first)(\#(middle))?(\#(last))? ?)?"#
    }.joined(),
  ].compactMap { try? Regex($0) }

  /// Luigi's form: `0 w 1 d 12 h 0 m 0 s`, with Python's floor division for a negative length.
  public var parameterText: String {
    let days = seconds >= 0 ? seconds / 86_400 : (seconds - 86_399) / 86_400
    let rest = seconds - days * 86_400
    let weeks = days >= 0 ? days / 7 : (days - 6) / 7
    return "\(weeks) w \(days - weeks * 7) d \(rest / 3600) h \(rest % 3600 / 60) m \(rest % 60) s"
  }

  /// What valid text looks like, for error messages.
  public static var expectedForm: String {
    "a length of time such as 90 (seconds), 1 w 2 d 3 h 4 m 5 s, 3 hours or P1DT12H"
  }

  /// What a required time-delta parameter reads as until a run gives it a value: no time.
  public static var placeholder: TimeDelta { TimeDelta(seconds: 0) }

  /// The text form, `0 w 1 d 12 h 0 m 0 s`.
  public var description: String { parameterText }
}
