import Foundation
import PlumbCore
import PlumbSchedules

/// What `NAME schedule TASK --cron @daily --start 2024-01-01 [--end DAY] [--no-catchup] [--forever]
/// [--param-name NAME] [--intervals-per-pass N]` asks for, read before the rest of the line, which names the task, its
/// parameters and engine options as for a plain run.
struct ScheduleInvocation {
  var schedule: Schedule?
  var start: Date?
  var end: Date?
  var catchup = true
  var forever = false
  var paramName: String?
  /// `--intervals-per-pass`; `nil` leaves it to the config file's `[schedule] intervals_per_pass`.
  var intervalsPerPass: Int?

  /// The word that starts a scheduled run: `NAME schedule TASK ...`.
  static let command = "schedule"

  /// What `--start` and `--end` accept.
  static let timeForm = "a day such as 2024-01-01, an hour such as 2024-01-01T06, or a time such as 2024-01-01T06:30Z"

  /// The flags this reads, for `--help`.
  static let help: [(flag: String, text: String)] = [
    ("--cron EXPRESSION", "when intervals end: a preset (@daily, @hourly, @once, ...) or five cron fields"),
    ("--every PERIOD", "or a fixed period counted from the start, such as '3 days' or '12 hours'"),
    ("--start TIME", "the first interval's logical date (a day, 2024-01-01T06, or 2024-01-01T06:30Z)"),
    ("--end TIME", "the last logical date to run, included (default: none)"),
    ("--no-catchup", "run only the latest ended interval, not every one since the start"),
    ("--forever", "after the backfill, run each new interval when it ends, until stopped (Ctrl-C)"),
    ("--param-name NAME", "the task's parameter that receives each interval (default: its only date parameter)"),
    (
      "--intervals-per-pass N",
      "run a long backfill at most N intervals at a time, pass after pass (default: [schedule] "
        + "intervals_per_pass, else \(ScheduledRuns.defaultIntervalsPerPass))"
    ),
  ]

  /// Reads the schedule's flags out of `arguments`, returning them and the words left.
  static func extract(from arguments: [String]) throws -> (ScheduleInvocation, [String]) {
    var invocation = ScheduleInvocation()
    var rest: [String] = []
    var words = arguments[...]
    while let word = words.popFirst() {
      let (flag, inline) = split(word)
      func value() throws -> String {
        if let inline { return inline }
        guard let next = words.first, !next.hasPrefix("--") else {
          throw CommandLineError.missingValue(flag: flag, expected: expected(flag))
        }
        words.removeFirst()
        return next
      }
      switch flag {
      case "--cron", "--schedule": invocation.schedule = try Schedule(try value())
      case "--every":
        let text = try value()
        invocation.schedule = try Schedule(text.lowercased().hasPrefix("every") ? text : "every " + text)
      case "--start": invocation.start = try time(try value(), flag: flag)
      case "--end": invocation.end = try time(try value(), flag: flag)
      case "--catchup", "--catch-up": invocation.catchup = true
      case "--no-catchup", "--no-catch-up": invocation.catchup = false
      case "--forever": invocation.forever = true
      case "--param-name": invocation.paramName = try value()
      case "--intervals-per-pass":
        let text = try value()
        guard let count = Int(text), count >= 1 else {
          throw CommandLineError.invalidValue(flag: flag, value: text, expected: expected(flag))
        }
        invocation.intervalsPerPass = count
      default: rest.append(word)
      }
    }
    guard invocation.schedule != nil else {
      throw CommandLineError.missingValue(flag: "--cron", expected: expected("--cron"))
    }
    guard let start = invocation.start else {
      throw CommandLineError.missingValue(flag: "--start", expected: timeForm)
    }
    if let end = invocation.end, end < start {
      throw ScheduleError.startAfterStop(start: DataInterval.text(start), stop: DataInterval.text(end))
    }
    return (invocation, rest)
  }

  private static func split(_ word: String) -> (String, String?) {
    guard word.hasPrefix("--"), let equals = word.firstIndex(of: "=") else { return (word, nil) }
    return (String(word[..<equals]), String(word[word.index(after: equals)...]))
  }

  private static func expected(_ flag: String) -> String {
    switch flag {
    case "--cron", "--schedule": return "a preset such as @daily or five cron fields such as '0 6 * * MON-FRI'"
    case "--every": return "a period such as '3 days'"
    case "--param-name": return "the name of a date parameter"
    case "--intervals-per-pass": return "a whole number of intervals, at least 1, such as 50"
    default: return timeForm
    }
  }

  /// Reads `2024-01-01`, `2024-01-01T06` or `2024-01-01T06:30Z`, in UTC.
  static func time(_ text: String, flag: String) throws -> Date {
    if let day = Day(parameterText: text) { return day.date }
    if let hour = DateHour(parameterText: text) { return hour.date }
    if let instant = DataInterval.instant(text) { return instant }
    throw CommandLineError.invalidValue(flag: flag, value: text, expected: timeForm)
  }
}
