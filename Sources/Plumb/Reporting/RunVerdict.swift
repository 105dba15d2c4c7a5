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

/// How many tasks a run's summary puts under each heading; encoded with Luigi's names for them
/// (`already_done`, `upstream_failure`, ...), as in ``RunVerdict`` alerts.
///
/// ```swift
/// let counts = verdict.counts
/// print("\(counts.completed) of \(counts.scheduled) ran, \(counts.failed) failed")
/// ```
public struct SummaryCounts: Codable, Equatable, Sendable {
  /// `Scheduled N tasks`.
  public let scheduled: Int
  /// `complete ones were encountered`.
  public let alreadyDone: Int
  /// `ran successfully`, retried ones included.
  public let completed: Int
  /// Of ``completed``, those that failed first and succeeded in a retry.
  public let succeededInRetry: Int
  /// `failed`.
  public let failed: Int
  /// `failed scheduling`.
  public let schedulingError: Int
  /// `were left pending`, all of them.
  public let stillPending: Int
  /// `had failed dependencies` (Airflow's `upstream_failed`).
  public let upstreamFailure: Int
  /// `were missing external dependencies`.
  public let missingExternal: Int

  enum CodingKeys: String, CodingKey {
    case scheduled, alreadyDone = "already_done", completed, succeededInRetry = "succeeded_in_retry", failed
    case schedulingError = "scheduling_error", stillPending = "still_pending", upstreamFailure = "upstream_failure"
    case missingExternal = "missing_external"
  }

  init(_ partition: TaskPartition) {
    scheduled = partition.total
    alreadyDone = partition.alreadyDone.count
    completed = partition.completed.count
    succeededInRetry = partition.completed.intersection(partition.everFailed).count
    failed = partition.failed.count
    schedulingError = partition.schedulingError.count
    stillPending = partition.members(of: .stillPending).count
    upstreamFailure = partition.upstreamFailure.count
    missingExternal = partition.missingExternal.count
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
