/// How a run ended, as its summary's last lines say it: the verdict line and the counts behind
/// it, for ``RunOptions/runObservers`` (the end-of-run alert of a ``Webhook``).
///
/// ```swift
/// options.runObservers.append { end in
///     if !end.success { page("\(end.line): \(end.counts.failed) failed") }
/// }
/// ```
public struct RunEnd: Sendable {
  /// The summary's verdict line: `This progress looks :( because there were failed tasks`.
  public let line: String
  /// Whether the run succeeded (its exit code is 0).
  public let success: Bool
  /// The run's exit code (``RunResult/exitCode``).
  public let exitCode: Int32
  /// How many tasks are in each of the summary's categories.
  public let counts: TaskCounts
  /// Why the run was stopped early, if it was (``RunResult/stopReason``).
  public let stopReason: String?

  package init(sets: TaskSets, exitCode: Int32, stopReason: String?) {
    line = ProgressLine(sets).line
    success = exitCode == 0
    self.exitCode = exitCode
    counts = TaskCounts(sets)
    self.stopReason = stopReason
  }
}

/// A function told how each run ended (``RunOptions/runObservers``). Its errors are logged as
/// warnings and never change the run's outcome.
///
/// ```swift
/// let report: RunObserver = { end in print("\(end.counts.failed) failed: \(end.line)") }
/// options.runObservers.append(report)
/// ```
public typealias RunObserver = @Sendable (RunEnd) throws -> Void
