/// How a run ended, as its summary's last lines say it: the verdict line and the counts behind
/// it, for ``RunOptions/runObservers`` (the end-of-run alert of a ``Webhook``).
///
/// ```swift
/// options.runObservers.append { verdict in
///     if !verdict.success { page("\(verdict.line): \(verdict.counts.failed) failed") }
/// }
/// ```
public struct RunVerdict: Sendable {
  /// The summary's verdict line: `This progress looks :( because there were failed tasks`.
  public let line: String
  /// Whether the run succeeded (its exit code is 0).
  public let success: Bool
  /// The run's exit code (``RunResult/exitCode``).
  public let exitCode: Int32
  /// How many tasks are in each of the summary's categories.
  public let counts: SummaryCounts
  /// Why the run was stopped early, if it was (``RunResult/stopReason``).
  public let stopReason: String?

  init(partition: TaskPartition, exitCode: Int32, stopReason: String?) {
    line = ProgressVerdict(partition).line
    success = exitCode == 0
    self.exitCode = exitCode
    counts = SummaryCounts(partition)
    self.stopReason = stopReason
  }
}

/// A function told how each run ended (``RunOptions/runObservers``). Its errors are logged as
/// warnings and never change the run's outcome.
///
/// ```swift
/// let report: RunObserver = { verdict in print("\(verdict.counts.failed) failed: \(verdict.line)") }
/// options.runObservers.append(report)
/// ```
public typealias RunObserver = @Sendable (RunVerdict) throws -> Void
