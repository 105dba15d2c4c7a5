import PlumbCore

/// The process exit code for each kind of trouble; the largest that applies wins. Plumb's defaults
/// are Luigi's recommended values, so a failed pipeline never exits 0.
///
/// Settable in the config file's `[retcode]` section (`task_failed = 30`).
public struct ExitCodes: Equatable, Sendable {
  /// Another process is running the same command.
  public var alreadyRunning: Int32 = 10
  /// External data was missing.
  public var missingData: Int32 = 20
  /// Some tasks were not run.
  public var notRun: Int32 = 25
  /// A task failed.
  public var taskFailed: Int32 = 30
  /// A task's `complete()` or `requires()` failed.
  public var schedulingError: Int32 = 35
  /// An error outside any task.
  public var unhandledException: Int32 = 40
  /// The central scheduler (luigid) named by `--scheduler-host`, `--scheduler-url` or `[core]
  /// default-scheduler-*` did not answer: at the start (nothing ran), or during the run, which then
  /// stopped after its running tasks. Plumb's own; Luigi has no code for it.
  ///
  /// ```swift
  /// if result.exitCode == ExitCodes().schedulerUnreachable { print("is luigid running? make luigid") }
  /// ```
  public var schedulerUnreachable: Int32 = 45

  /// Luigi's recommended codes.
  public init() {}

  /// Reads `[retcode]` keys (`already_running`, `missing_data`, `not_run`, `task_failed`,
  /// `scheduling_error`, `unhandled_exception`, `scheduler_unreachable`) over the defaults.
  public init(configuration: Configuration) throws {
    func read(_ key: String, _ value: inout Int32) throws {
      if let number = try configuration.integer(section: "retcode", key: key) { value = Int32(clamping: number) }
    }
    try read("already_running", &alreadyRunning)
    try read("missing_data", &missingData)
    try read("not_run", &notRun)
    try read("task_failed", &taskFailed)
    try read("scheduling_error", &schedulingError)
    try read("unhandled_exception", &unhandledException)
    try read("scheduler_unreachable", &schedulerUnreachable)
  }
}
