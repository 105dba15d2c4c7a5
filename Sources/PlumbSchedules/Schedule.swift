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
/// daily.intervals(from: start, endedBy: now).count                // 3, without walking them
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
  /// without one) and which have ended by `now`, oldest first: the runs that are due. The
  /// sequence is lazy: its count, first and last cost no walk from the start, however many there
  /// are (a second's period since 2000 has some 800 million), and iterating costs one step each.
  ///
  /// ```swift
  /// let due = try Schedule("@daily").intervals(from: start, through: nil, endedBy: Date())
  /// print(due.count, due.first, due.last)
  /// for interval in due.prefix(50) { print(interval.logicalDay) }
  /// ```
  public func intervals(from start: Date, through end: Date? = nil, endedBy now: Date) -> DueIntervals {
    guard let first = firstInterval(from: start) else { return DueIntervals(schedule: self) }
    return intervals(startingWith: first, through: end, endedBy: now)
  }

  /// The due intervals from `first`, one of this schedule's intervals, on: as
  /// ``intervals(from:through:endedBy:)``, for a run that has done the ones before `first`.
  func intervals(startingWith first: DataInterval, through end: Date?, endedBy now: Date) -> DueIntervals {
    guard let last = lastEndedInterval(startingWith: first, through: end, endedBy: now), first.start <= last.start
    else { return DueIntervals(schedule: self) }
    let count: Int
    switch self {
    case .once: count = 1
    case .every(let seconds): count = Int((last.start.timeIntervalSince(first.start) / seconds).rounded()) + 1
    case .cron(let expression): count = expression.count(from: first.start, through: last.start)
    }
    return DueIntervals(schedule: self, first: first, last: last, count: count)
  }

  /// The latest interval from `first` on that has ended by `now`, its logical date at most `end`:
  /// arithmetic for a fixed period, the expression's ticks before `now` for cron.
  private func lastEndedInterval(startingWith first: DataInterval, through end: Date?, endedBy now: Date)
    -> DataInterval?
  {
    switch self {
    case .once:
      guard first.end <= now, end.map({ first.start <= $0 }) ?? true else { return nil }
      return first
    case .every(let seconds):
      // Interval i covers [first + i·seconds, first + (i+1)·seconds) and has ended when its end <= now.
      var index = (now.timeIntervalSince(first.start) / seconds).rounded(.down) - 1
      if let end { index = min(index, (end.timeIntervalSince(first.start) / seconds).rounded(.down)) }
      guard index >= 0, index.isFinite else { return nil }
      let start = first.start.addingTimeInterval(index * seconds)
      return DataInterval(start: start, end: start.addingTimeInterval(seconds))
    case .cron(let expression):
      guard var lastEnd = expression.previous(atOrBefore: now), lastEnd >= first.end,
        var lastStart = expression.previous(atOrBefore: lastEnd.addingTimeInterval(-60))
      else { return nil }
      if let end, lastStart > end {
        guard let earlier = expression.previous(atOrBefore: end), earlier >= first.start,
          let after = expression.next(after: earlier)
        else { return nil }
        (lastStart, lastEnd) = (earlier, after)
      }
      return DataInterval(start: lastStart, end: lastEnd)
    }
  }

  /// The first interval of a schedule started at `start` that has not ended at `now` (the one to
  /// wait for), or `nil` when there is none (`@once` done, or a cron expression that never fires
  /// again); found from `now`, not by walking from the start.
  ///
  /// ```swift
  /// try Schedule("@daily").firstUnendedInterval(from: january1, at: Date())   // today's interval
  /// ```
  public func firstUnendedInterval(from start: Date, at now: Date) -> DataInterval? {
    guard let first = firstInterval(from: start) else { return nil }
    if first.end > now { return first }
    switch self {
    case .once: return nil
    case .every(let seconds):
      let index = (now.timeIntervalSince(first.start) / seconds).rounded(.down)
      let start = first.start.addingTimeInterval(index * seconds)
      return DataInterval(start: start, end: start.addingTimeInterval(seconds))
    case .cron(let expression):
      guard let end = expression.next(after: now),
        let start = expression.previous(atOrBefore: end.addingTimeInterval(-60))
      else { return nil }
      return DataInterval(start: start, end: end)
    }
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

/// The due intervals of a schedule, oldest first, as ``Schedule/intervals(from:through:endedBy:)``
/// finds them: only the first, the last and the count are held, so a backfill of millions of
/// intervals takes no memory until it is iterated, one interval at a time.
///
/// ```swift
/// let due = try Schedule("every 1 second").intervals(from: year2000, endedBy: Date())
/// due.count                 // about 800 million, computed, not counted
/// Array(due.prefix(50))     // the oldest 50
/// ```
public struct DueIntervals: Sequence, Sendable, Equatable {
  /// The schedule the intervals belong to.
  ///
  /// ```swift
  /// due.schedule.description   // @daily
  /// ```
  public let schedule: Schedule
  /// The oldest due interval, or `nil` when none is due.
  ///
  /// ```swift
  /// due.first?.logicalDay
  /// ```
  public let first: DataInterval?
  /// The latest due interval, or `nil` when none is due.
  ///
  /// ```swift
  /// due.last?.logicalDay
  /// ```
  public let last: DataInterval?
  /// How many intervals are due.
  ///
  /// ```swift
  /// print("\(due.count) intervals due")
  /// ```
  public let count: Int

  /// No interval due.
  init(schedule: Schedule) {
    self.init(schedule: schedule, first: nil, last: nil, count: 0)
  }

  /// The intervals of `schedule` from `first` through `last`, `count` of them.
  init(schedule: Schedule, first: DataInterval?, last: DataInterval?, count: Int) {
    self.schedule = schedule
    self.first = first
    self.last = last
    self.count = count
  }

  /// Whether no interval is due.
  ///
  /// ```swift
  /// if due.isEmpty { print("nothing to run yet") }
  /// ```
  public var isEmpty: Bool { count == 0 }

  /// Iterates from ``first`` to ``last``, one step of the schedule at a time.
  ///
  /// ```swift
  /// for interval in due { print(interval) }
  /// ```
  public func makeIterator() -> Iterator { Iterator(schedule: schedule, upcoming: first, last: last) }

  /// The next due interval each time, oldest first.
  ///
  /// ```swift
  /// var iterator = due.makeIterator()
  /// iterator.next()   // due.first
  /// ```
  public struct Iterator: IteratorProtocol, Sendable {
    let schedule: Schedule
    var upcoming: DataInterval?
    let last: DataInterval?

    /// The next interval, or `nil` after the last.
    ///
    /// ```swift
    /// while let interval = iterator.next() { print(interval) }
    /// ```
    public mutating func next() -> DataInterval? {
      guard let current = upcoming, let last, current.start <= last.start else { return nil }
      upcoming = current.start < last.start ? schedule.interval(after: current) : nil
      return current
    }
  }
}
