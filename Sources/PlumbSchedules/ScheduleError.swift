import PlumbCore

/// A schedule, a range or a scheduled run that cannot work as written. Each description is one
/// line saying what is wrong and how to write it instead; the command line prints it and exits
/// with code 2.
///
/// ```swift
/// do { _ = try CronExpression("0 25 * * *") } catch { print(error) }
/// // bad cron expression '0 25 * * *': the hour field '25' is out of range 0-23
/// ```
public enum ScheduleError: Error, CustomStringConvertible, Equatable, Sendable {
  /// A cron expression that does not parse; `field` names the part at fault (`hour`, `day of week`).
  case badCron(expression: String, field: String?, problem: String)
  /// A preset such as `@fortnightly` that Plumb does not know.
  case unknownPreset(String)
  /// A fixed period that does not read, such as `every 0 days` or `every 3 fortnights`.
  case badPeriod(String)
  /// A start after the stop (or end).
  case startAfterStop(start: String, stop: String)
  /// The task a range or schedule runs has no parameter that can hold a date.
  case noDateParameter(family: String, expected: String)
  /// The task has several date parameters and none was named.
  case ambiguousDateParameter(family: String, candidates: [String])
  /// The parameter named by `param_name` does not exist or cannot hold a date.
  case unusableDateParameter(family: String, name: String, expected: String)
  /// A range's `--start` or `--stop` given empty (or None) on the command line.
  case emptyBound(range: String, flag: String, expected: String)
  /// A range's `of` names no task the pipeline knows.
  case unknownTask(String, known: [String])
  /// A range's `of_params` naming a parameter the `of` task lacks, or a value it does not take.
  case badOfParams(family: String, text: String, problem: String)

  /// The one-line message.
  public var description: String {
    escapingControlCharacters(message)
  }

  private var message: String {
    switch self {
    case .badCron(let expression, let field, let problem):
      let place = field.map { "the \($0) field " } ?? ""
      return "bad cron expression '\(expression)': \(place)\(problem)"
    case .unknownPreset(let preset):
      return "unknown schedule preset \(preset): use one of \(Schedule.presetNames.joined(separator: ", ")), "
        + "a cron expression such as '0 6 * * MON-FRI', or a period such as 'every 3 days'"
    case .badPeriod(let text):
      return "cannot read the period '\(text)': write every N minutes, hours, days or weeks, such as 'every 3 days'"
    case .startAfterStop(let start, let stop):
      return "the start \(start) is after the stop \(stop): give a start that comes first"
    case .noDateParameter(let family, let expected):
      return "\(family) has no date parameter: it needs a parameter of type \(expected) to receive each date"
    case .ambiguousDateParameter(let family, let candidates):
      return "\(family) has several date parameters (\(candidates.joined(separator: ", "))): "
        + "name the one to fill with --param-name"
    case .unusableDateParameter(let family, let name, let expected):
      return "\(family) has no parameter '\(name)' of type \(expected): --param-name must name one"
    case .emptyBound(let range, let flag, let expected):
      return "\(range) \(flag) is empty (or None): give \(expected), or leave \(flag) out for its default"
    case .unknownTask(let name, let known):
      return "unknown task \(name) for --of: the tasks are \(known.joined(separator: ", "))"
    case .badOfParams(let family, let text, let problem):
      return "cannot use --of-params '\(text)' for \(family): \(problem)"
    }
  }
}
