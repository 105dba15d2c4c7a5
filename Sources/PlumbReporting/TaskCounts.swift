/// How many tasks a run's summary puts under each heading; encoded with Luigi's names for them
/// (`already_done`, `upstream_failure`, ...), as in ``RunEnd`` alerts.
///
/// ```swift
/// let counts = end.counts
/// print("\(counts.completed) of \(counts.scheduled) ran, \(counts.failed) failed")
/// ```
public struct TaskCounts: Codable, Equatable, Sendable {
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

  init(_ sets: TaskSets) {
    scheduled = sets.total
    alreadyDone = sets.alreadyDone.count
    completed = sets.completed.count
    succeededInRetry = sets.completed.intersection(sets.everFailed).count
    failed = sets.failed.count
    schedulingError = sets.schedulingError.count
    stillPending = sets.members(of: .stillPending).count
    upstreamFailure = sets.upstreamFailure.count
    missingExternal = sets.missingExternal.count
  }
}
