import PlumbCore

/// A command line that cannot be run as written. Each description is one line saying what is wrong
/// and what to type instead; ``PipelineCommand`` prints it and exits with code 2.
enum CommandLineError: Error, CustomStringConvertible, Equatable {
  /// No task was named.
  case noTask(usage: String, known: [String])
  /// The named task is not one of the pipeline's tasks.
  case unknownTask(String, known: [String], suggestion: String?)
  /// A second word where a flag or a value was expected.
  case unexpectedArgument(String, task: String)
  /// A flag before the task name that is not an engine option.
  case unknownOption(String, taskExample: String, helpCommand: String, suggestion: String?)
  /// A flag that names no parameter of the task, or of the family it names.
  case unknownParameter(ParameterError, suggestion: String?)
  /// A flag that needs a value was last, or followed by another flag.
  case missingValue(flag: String, expected: String)
  /// An engine option's value is not usable.
  case invalidValue(flag: String, value: String, expected: String)
  /// A flag that takes no value was given one (`--no-lock=yes`).
  case unexpectedValue(flag: String)
  /// Another process holds the lock for the same command line in the same folder.
  case alreadyRunning(program: String, lockPath: String, holder: String?)
  /// The lock file cannot be created or locked.
  case lockUnavailable(path: String, reason: String)

  /// The one-line message; control characters in what was typed are written out (`\r\n`).
  var description: String { escapingControlCharacters(message) }

  private var message: String {
    switch self {
    case .noTask(let usage, let known):
      return
        "no task given: write \(usage) with TASK one of \(known.joined(separator: ", "))"
    case .unknownTask(let name, let known, let suggestion):
      let hint = suggestion.map { "did you mean \($0)? " } ?? ""
      return "unknown task \(name): \(hint)the tasks are \(known.joined(separator: ", "))"
    case .unexpectedArgument(let argument, let task):
      return
        "unexpected argument '\(argument)' after task \(task): give one task, and parameter values as --NAME VALUE"
    case .unknownOption(let flag, let taskExample, let helpCommand, let suggestion):
      if let suggestion {
        return "unknown option \(flag): did you mean \(suggestion)? \(helpCommand) lists the options"
      }
      return "unknown option \(flag): a task's parameters go after its name (\(taskExample)); "
        + "\(helpCommand) lists the options"
    case .unknownParameter(let error, let suggestion):
      return error.description + (suggestion.map { "; did you mean \($0)?" } ?? "")
    case .missingValue(let flag, let expected):
      return "\(flag) needs a value (\(expected)): write \(flag) VALUE or \(flag)=VALUE"
    case .invalidValue(let flag, let value, let expected):
      return "cannot use '\(value)' for \(flag): expected \(expected)"
    case .unexpectedValue(let flag):
      return "\(flag) takes no value: write \(flag) alone"
    case .alreadyRunning(let program, let lockPath, let holder):
      let who = holder.map { " (process \($0))" } ?? ""
      return "the same \(program) command is already running in this folder\(who); "
        + "wait for it to finish, or pass --no-lock (lock file \(lockPath))"
    case .lockUnavailable(let path, let reason):
      return "cannot take the process lock \(path): \(reason); pass --no-lock to run without it"
    }
  }
}
