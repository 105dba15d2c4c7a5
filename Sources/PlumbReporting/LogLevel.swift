/// How much a run logs.
public enum LogLevel: Int, Comparable, Sendable {
  /// Only errors.
  case error = 0
  /// Errors and warnings (missing data, tasks without outputs).
  case warning = 1
  /// Also each task's start and end.
  case info = 2

  /// Quieter levels first: error, warning, info.
  public static func < (lhs: LogLevel, rhs: LogLevel) -> Bool { lhs.rawValue < rhs.rawValue }

  /// The names a log level is given by (`--log-level`, `[core] log_level`), for error messages.
  package static let namesForm = "error, warning or info"

  /// A log level by name, ignoring case; Luigi's `debug` and `critical` map to the nearest Plumb has.
  package init?(name: String) {
    switch name.lowercased() {
    case "error", "critical": self = .error
    case "warning", "warn": self = .warning
    case "info", "debug": self = .info
    default: return nil
    }
  }
}
