import Foundation

/// When a pipeline runs: on a cron expression or preset, every fixed period counted from the
/// start, or once. Airflow's `schedule`, in UTC.
///
/// A schedule cuts time into data intervals (see ``DataInterval``): a cron schedule from one tick
/// to the next, a fixed period from the start in equal steps, `@once` a single empty interval at
/// the start. Each interval's run is due once the interval has ended.
///
/// ```swift
/// let daily = try Schedule("@daily")
/// let start = Day(year: 2024, month: 1, day: 1)!.date
/// let now = Day(year: 2024, month: 1, day: 4)!.date.addingTimeInterval(3600)
/// daily.intervals(from: start, endedBy: now).map(\.logicalDay)   // 2024-01-01, 2024-01-02, 2024-01-03
///
/// try Schedule("every 12 hours")      // counted from the start, not aligned to the clock
/// try Schedule("*/15 9-17 * * MON-FRI")
/// ```
public enum Schedule: Hashable, Sendable, CustomStringConvertible {
  /// Intervals from one tick of the expression to the next. A start between ticks moves forward
  /// to the next tick, as in Airflow (`@weekly` from Tuesday 2019-01-01 first covers 01-06 to 01-13).
  case cron(CronExpression)
  /// Intervals of this many seconds, counted from the start: Airflow's `timedelta` schedule.
  case every(TimeInterval)
  /// One run, whose interval is empty and lies at the start.
  case once

  /// The presets `--cron` accepts, in the order messages list them.
  ///
  /// ```swift
  /// Schedule.presetNames.contains("@daily")   // true
  /// ```
  public static let presetNames = ["@once", "@hourly", "@daily", "@weekly", "@monthly", "@quarterly", "@yearly"]

  /// Reads a preset (`@daily`, `@once`), a five-field cron expression, or a period
  /// (`every 3 days`, `every 12 hours`, `every 30 minutes`, `every 2 weeks`, `every day`).
  ///
  /// ```swift
  /// try Schedule("@hourly")
  /// try Schedule("every 3 days")   // .every(259_200)
  /// ```
  ///
  /// - Throws: ``ScheduleError`` naming the cron field at fault, the unknown preset, or the
  ///   period that does not read.
  public init(_ text: String) throws {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    if trimmed.lowercased() == "@once" {
      self = .once
    } else if trimmed.lowercased().hasPrefix("every") {
      self = .every(try Self.period(trimmed))
    } else {
      self = .cron(try CronExpression(trimmed))
    }
  }

  /// How the schedule is written: the cron text, `every 3 days`, `@once`.
  ///
  /// ```swift
  /// try Schedule("every 36 hours").description   // every 36 hours
  /// ```
  public var description: String {
    switch self {
    case .cron(let expression): return expression.description
    case .once: return "@once"
    case .every(let seconds):
      for (unit, length) in Self.units.reversed() where seconds.truncatingRemainder(dividingBy: length) == 0 {
        let count = Int(seconds / length)
        return "every \(count) \(unit)\(count == 1 ? "" : "s")"
      }
      return "every \(seconds) seconds"
    }
  }

  /// The first interval of a schedule that starts at `start`, or `nil` if a cron schedule never fires.
  ///
  /// ```swift
  /// try Schedule("@daily").firstInterval(from: Day(year: 2024, month: 1, day: 1)!.date)   // [01-01, 01-02)
  /// ```
  public func firstInterval(from start: Date) -> DataInterval? {
    switch self {
    case .once: return DataInterval(start: start, end: start)
    case .every(let seconds): return DataInterval(start: start, end: start.addingTimeInterval(seconds))
    case .cron(let expression):
      let onTick =
        expression.matches(start) && start.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0
      guard let first = onTick ? start : expression.next(after: start), let second = expression.next(after: first)
      else { return nil }
      return DataInterval(start: first, end: second)
    }
  }

  /// The interval that follows `interval`, or `nil` after `@once`'s only one.
  ///
  /// ```swift
  /// daily.interval(after: january1)?.logicalDay   // 2024-01-02
  /// ```
  public func interval(after interval: DataInterval) -> DataInterval? {
    switch self {
    case .once: return nil
    case .every(let seconds): return DataInterval(start: interval.end, end: interval.end.addingTimeInterval(seconds))
    case .cron(let expression):
      guard let next = expression.next(after: interval.end) else { return nil }
      return DataInterval(start: interval.end, end: next)
    }
  }

  /// The intervals whose logical date lies between `start` and `end` (both included; no end
  /// without one) and which have ended by `now`, oldest first: the runs that are due.
  ///
  /// ```swift
  /// let due = try Schedule("@daily").intervals(from: start, through: nil, endedBy: Date())
  /// ```
  public func intervals(from start: Date, through end: Date? = nil, endedBy now: Date) -> [DataInterval] {
    var found: [DataInterval] = []
    var current = firstInterval(from: start)
    while let interval = current, interval.end <= now, end.map({ interval.start <= $0 }) ?? true {
      found.append(interval)
      current = self.interval(after: interval)
    }
    return found
  }

  /// Units of fixed periods, shortest first, with their length in seconds.
  private static let units: [(String, TimeInterval)] = [
    ("second", 1), ("minute", 60), ("hour", 3600), ("day", 86_400), ("week", 604_800),
  ]

  /// Reads `every 3 days`, `every day`, `every 90 minutes`.
  private static func period(_ text: String) throws -> TimeInterval {
    let words = text.lowercased().split(separator: " ").map(String.init)
    guard words.first == "every", words.count == 2 || words.count == 3 else { throw ScheduleError.badPeriod(text) }
    let count = words.count == 3 ? Int(words[1]) : 1
    var unit = words[words.count - 1]
    if unit.hasSuffix("s") { unit.removeLast() }
    guard let count, count > 0, let length = units.first(where: { $0.0 == unit })?.1,
      count <= 1_000_000_000 / Int(length)
    else { throw ScheduleError.badPeriod(text) }
    return Double(count) * length
  }
}
