import Foundation
import PlumbCore

/// A five-field cron expression, as cron, Airflow and croniter read it, evaluated in UTC.
///
/// The fields are minute (0-59), hour (0-23), day of month (1-31), month (1-12 or `JAN`-`DEC`) and
/// day of week (0-7 or `SUN`-`SAT`, Sunday being 0 or 7). Each is `*`, a value, a range `1-5`, a
/// step `*/15` or `1-10/3`, or a list of these `1,3,5`; names may be in any case. When both day
/// fields are restricted (neither starts with `*`) a day matches either, as in cron:
/// `0 0 1-7 * MON` fires on days 1 to 7 and on every Monday. An impossible date (`0 0 30 2 *`)
/// never fires. The presets `@hourly`, `@daily` (`@midnight`), `@weekly`, `@monthly`, `@quarterly`
/// and `@yearly` (`@annually`) stand for their expressions.
///
/// ```swift
/// let weekdays = try CronExpression("30 6 * * MON-FRI")
/// let friday = Date(timeIntervalSince1970: 1_704_412_800)   // Friday 2024-01-05 00:00 UTC
/// weekdays.next(after: friday)                              // 2024-01-05 06:30 UTC
/// try CronExpression("0 25 * * *")   // throws: ... the hour field '25' is out of range 0-23
/// ```
public struct CronExpression: Hashable, Sendable, CustomStringConvertible {
  /// The expression as written (a preset stays a preset: `@daily`).
  public let description: String
  let minutes: CronField
  let hours: CronField
  let daysOfMonth: CronField
  let months: CronField
  let daysOfWeek: CronField
  /// Whether a day matches when either day field allows it (both restricted) rather than both.
  let daysCombineWithOr: Bool

  /// The presets and the expressions they stand for.
  static let presets: [(name: String, expression: String)] = [
    ("@hourly", "0 * * * *"), ("@daily", "0 0 * * *"), ("@midnight", "0 0 * * *"), ("@weekly", "0 0 * * 0"),
    ("@monthly", "0 0 1 * *"), ("@quarterly", "0 0 1 */3 *"), ("@yearly", "0 0 1 1 *"), ("@annually", "0 0 1 1 *"),
  ]

  /// Reads a cron expression or a preset.
  ///
  /// ```swift
  /// try CronExpression("*/15 9-17 * * 1-5")
  /// try CronExpression("@weekly")
  /// ```
  ///
  /// - Throws: ``ScheduleError/badCron(expression:field:problem:)`` naming the field at fault, or
  ///   ``ScheduleError/unknownPreset(_:)`` for an `@name` that is not a preset.
  public init(_ text: String) throws {
    let trimmed = text.trimmingCharacters(in: .whitespaces)
    var expression = trimmed
    if trimmed.hasPrefix("@") {
      guard let preset = Self.presets.first(where: { $0.name == trimmed.lowercased() }) else {
        throw ScheduleError.unknownPreset(trimmed)
      }
      expression = preset.expression
    }
    let fields = expression.split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
    guard fields.count == 5 else {
      // `daily` for `@daily`: a preset's name without its `@` is the likeliest slip of one word.
      if fields.count == 1, let preset = Self.presets.first(where: { $0.name == "@" + trimmed.lowercased() }) {
        throw ScheduleError.badCron(
          expression: trimmed, field: nil, problem: "did you mean the preset \(preset.name) (with its @)?")
      }
      throw ScheduleError.badCron(
        expression: trimmed, field: nil,
        problem: "it has \(fields.count) fields where cron has five: minute hour day-of-month month day-of-week")
    }
    minutes = try CronField(fields[0], kind: .minute, expression: trimmed)
    hours = try CronField(fields[1], kind: .hour, expression: trimmed)
    daysOfMonth = try CronField(fields[2], kind: .dayOfMonth, expression: trimmed)
    months = try CronField(fields[3], kind: .month, expression: trimmed)
    daysOfWeek = try CronField(fields[4], kind: .dayOfWeek, expression: trimmed)
    description = trimmed
    // croniter's reading, which Airflow uses: a day field is unrestricted when written `*`, or when
    // it lists every value and the other day field is written with a `*` in it.
    let monthDaysFree =
      daysOfMonth.text == "*" || (daysOfMonth.allows(all: .dayOfMonth) && daysOfWeek.text.contains("*"))
    let weekDaysFree =
      daysOfWeek.text == "*" || (daysOfWeek.allows(all: .dayOfWeek) && daysOfMonth.text.contains("*"))
    daysCombineWithOr = !monthDaysFree && !weekDaysFree
  }

  /// Whether the expression fires at `date` (to the minute; seconds are ignored).
  ///
  /// ```swift
  /// try CronExpression("@daily").matches(Day(year: 2024, month: 1, day: 1)!.date)   // true
  /// ```
  public func matches(_ date: Date) -> Bool {
    let minute = Self.minuteNumber(date)
    let day = Self.floorDivide(minute, 1440)
    let minuteOfDay = minute - day * 1440
    return matchesDay(day) && hours.contains(minuteOfDay / 60) && minutes.contains(minuteOfDay % 60)
  }

  /// The first time the expression fires strictly after `date`, or `nil` if it never does (an
  /// impossible date such as `0 0 30 2 *`, or none before the year 9999).
  ///
  /// ```swift
  /// try CronExpression("@monthly").next(after: Day(year: 2024, month: 1, day: 1)!.date)   // 2024-02-01 00:00
  /// ```
  public func next(after date: Date) -> Date? {
    let start = Self.minuteNumber(date) + 1
    var day = Self.floorDivide(start, 1440)
    var minuteOfDay = start - day * 1440
    // 400 years repeat the Gregorian calendar's weekdays, so a date not found by then never comes.
    let lastDay = day + 146_097 + 366
    while day <= lastDay {
      let (year, month, _) = GregorianCalendar.date(dayNumber: day)
      guard year <= 9999 else { return nil }
      if !months.contains(month) {
        // Skip to the first day of the next month.
        let nextMonth = month == 12 ? (year + 1, 1) : (year, month + 1)
        day = GregorianCalendar.dayNumber(year: nextMonth.0, month: nextMonth.1, day: 1)
        minuteOfDay = 0
        continue
      }
      if matchesDay(day) {
        var hour = minuteOfDay / 60
        var minute = minuteOfDay % 60
        while hour < 24 {
          if hours.contains(hour), let found = minutes.first(atLeast: minute) {
            return Date(timeIntervalSince1970: Double((day * 1440 + hour * 60 + found) * 60))
          }
          hour += 1
          minute = 0
        }
      }
      day += 1
      minuteOfDay = 0
    }
    return nil
  }

  /// The last time the expression fires at or before `date`, or `nil` if it never does (an
  /// impossible date, or none since the year 1). The mirror of ``next(after:)``: a schedule finds
  /// the latest ended interval from the time, without walking from its start.
  ///
  /// ```swift
  /// try CronExpression("@daily").previous(atOrBefore: Day(year: 2024, month: 1, day: 5)!.date)   // 2024-01-05 00:00
  /// ```
  public func previous(atOrBefore date: Date) -> Date? {
    let start = Self.minuteNumber(date)
    var day = Self.floorDivide(start, 1440)
    var minuteOfDay = start - day * 1440
    let firstDay = day - 146_097 - 366
    while day >= firstDay {
      let (year, month, _) = GregorianCalendar.date(dayNumber: day)
      guard year >= 1 else { return nil }
      if !months.contains(month) {
        // Back to the last day of the month before.
        day = GregorianCalendar.dayNumber(year: year, month: month, day: 1) - 1
        minuteOfDay = 1439
        continue
      }
      if matchesDay(day) {
        var hour = minuteOfDay / 60
        var minute = minuteOfDay % 60
        while hour >= 0 {
          if hours.contains(hour), let found = minutes.last(atMost: minute) {
            return Date(timeIntervalSince1970: Double((day * 1440 + hour * 60 + found) * 60))
          }
          hour -= 1
          minute = 59
        }
      }
      day -= 1
      minuteOfDay = 1439
    }
    return nil
  }

  /// How many times the expression fires from `first` through `last`, both included, counted a
  /// day at a time (a day that matches fires hours × minutes times), so that a count over years
  /// of minutes costs its days, not its minutes.
  ///
  /// ```swift
  /// try CronExpression("@hourly").count(from: january1, through: january2)   // 25
  /// ```
  public func count(from first: Date, through last: Date) -> Int {
    let low = Self.minuteNumber(first) + (first.timeIntervalSince1970.truncatingRemainder(dividingBy: 60) == 0 ? 0 : 1)
    let high = Self.minuteNumber(last)
    guard low <= high else { return 0 }
    let firstDay = Self.floorDivide(low, 1440)
    let lastDay = Self.floorDivide(high, 1440)
    let perDay = hours.count * minutes.count
    var total = 0
    for day in firstDay...lastDay where matchesDay(day) {
      if day != firstDay && day != lastDay {
        total += perDay
        continue
      }
      // The first and last days may be partial: count their minutes one by one.
      let from = max(low - day * 1440, 0)
      let through = min(high - day * 1440, 1439)
      for minuteOfDay in stride(from: from, through: through, by: 1)
      where hours.contains(minuteOfDay / 60) && minutes.contains(minuteOfDay % 60) {
        total += 1
      }
    }
    return total
  }

  /// Whether a day (counted from 1970-01-01) passes the month and the two day fields.
  private func matchesDay(_ day: Int) -> Bool {
    let (_, month, dayOfMonth) = GregorianCalendar.date(dayNumber: day)
    guard months.contains(month) else { return false }
    let weekday = GregorianCalendar.isoWeekday(dayNumber: day) % 7
    let byMonth = daysOfMonth.contains(dayOfMonth)
    let byWeek = daysOfWeek.contains(weekday)
    // Cron's rule: an unrestricted field leaves the choice to the other; two restricted fields
    // each add days.
    return daysCombineWithOr ? byMonth || byWeek : byMonth && byWeek
  }

  /// Whole minutes since 1970-01-01 00:00 UTC, rounded down.
  static func minuteNumber(_ date: Date) -> Int {
    let seconds = date.timeIntervalSince1970
    let bounded = seconds.isFinite ? min(max(seconds, -1e13), 1e13) : 0
    return Int((bounded / 60).rounded(.down))
  }

  static func floorDivide(_ value: Int, _ divisor: Int) -> Int {
    value >= 0 ? value / divisor : (value - divisor + 1) / divisor
  }
}
