import Foundation

/// How a pipeline run goes: workers, retries, where files go, where parameters come from,
/// who is told about events.
///
/// ```swift
/// var options = RunOptions()
/// options.workers = 4
/// options.retries = 2
/// options.observers.append { event in print(event) }
/// let result = try build([TopSongs(tld: "rs")], options: options)
/// ```
public struct RunOptions {
  /// How many tasks may run at once, each on its own thread.
  public var workers = 1
  /// How many times a failed task is tried again before it counts as failed.
  public var retries = 0
  /// Seconds to wait before each retry.
  public var retryDelay: TimeInterval = 0
  /// The folder relative target paths and the config file are found in; `nil` for the current folder.
  public var workingDirectory: String?
  /// Parameter values and settings; `nil` reads `plumb.cfg`/`luigi.cfg` from the working folder
  /// (see ``Configuration/load(in:environment:)``).
  public var configuration: Configuration?
  /// Values for every instance of a family, as `--Family-param value` gives them: family, then name.
  public var familyValues: [String: [String: String]] = [:]
  /// Called for every ``TaskEvent``; an observer that throws is logged and ignored.
  public var observers: [TaskObserver] = []
  /// How much the run logs to standard error.
  public var logLevel: LogLevel = .info
  /// Where log lines go; standard error by default. It is called from worker threads, one line
  /// at a time.
  public var logSink: @Sendable (String) -> Void = { line in
    FileHandle.standardError.write(Data((line + "\n").utf8))
  }
  /// Whether each task runs holding a lock shared with other runs in the same working folder (other
  /// processes too), so two runs never run the same task at once; the second waits, then skips the
  /// task if the first completed it.
  public var locksTasks = true
  /// Exit codes for each kind of trouble.
  public var exitCodes = ExitCodes()
  /// At most this many family lines per summary category; `0` for no limit.
  public var summaryLength = 5
  /// Whether the summary ends with why each failed task failed (one line each), after Luigi's
  /// layout; `false` gives Luigi's layout alone. `[execution_summary] show_errors` in the config.
  public var summaryShowsErrors = true

  /// Options with Plumb's defaults: one worker, no retries, the current folder, `plumb.cfg`.
  public init() {}
}

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
}
