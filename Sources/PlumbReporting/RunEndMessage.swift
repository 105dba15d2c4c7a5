import Foundation

/// What a ``Webhook`` posts when a run ends: the summary's verdict line and its counts.
///
/// ```json
/// {
///   "counts": {"already_done": 1, "completed": 2, "failed": 1, "missing_external": 0, "scheduled": 5,
///              "scheduling_error": 0, "still_pending": 1, "succeeded_in_retry": 1, "upstream_failure": 1},
///   "event": "run_failed",
///   "exit_code": 30,
///   "host": "build-1",
///   "text": "Plumb run on build-1: This progress looks :( because there were failed tasks (5 scheduled: ...)",
///   "time": "2024-05-01T06:00:12Z",
///   "verdict": "This progress looks :( because there were failed tasks"
/// }
/// ```
///
/// With ``Webhook/Format/slack`` only `text` is sent.
///
/// ```swift
/// let message = try JSONDecoder().decode(RunEndMessage.self, from: body)
/// if message.event == "run_failed" { page(message.text) }
/// ```
public struct RunEndMessage: Codable, Equatable, Sendable {
  /// One line for people: the verdict and the counts that are not zero, which add up to the
  /// number scheduled: `(5 scheduled: 2 ran successfully (1 of them in a retry), 1 already done,
  /// 1 failed, 1 left pending (1 with failed dependencies))`.
  public let text: String
  /// `run_failed` or `run_succeeded`.
  public let event: String
  /// The summary's verdict line, as printed.
  public let verdict: String
  /// The run's exit code.
  public let exitCode: Int32
  /// How many tasks are under each of the summary's headings.
  public let counts: TaskCounts
  /// The machine the run was on.
  public let host: String
  /// When the run ended, in ISO 8601 and UTC.
  public let time: String

  enum CodingKeys: String, CodingKey {
    case text, event, verdict, exitCode = "exit_code", counts, host, time
  }

  init(_ end: RunEnd, host: String, time: Date) {
    let counts = end.counts
    // The headings that add up to `scheduled`; a retried success and the reasons a task is pending
    // are counted again inside them, so they are said in parentheses, as Luigi's "among these".
    let retried = counts.succeededInRetry > 0 ? " (\(counts.succeededInRetry) of them in a retry)" : ""
    let pendingReasons = [
      (counts.upstreamFailure, "with failed dependencies"), (counts.missingExternal, "missing external data"),
    ].filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
    let pending = pendingReasons.isEmpty ? "" : " (" + pendingReasons.joined(separator: ", ") + ")"
    let parts: [(Int, String)] = [
      (counts.completed, "ran successfully" + retried), (counts.alreadyDone, "already done"),
      (counts.failed, "failed"), (counts.schedulingError, "failed scheduling"),
      (counts.stillPending, "left pending" + pending),
    ]
    let details = parts.filter { $0.0 > 0 }.map { "\($0.0) \($0.1)" }
    let list = details.isEmpty ? "" : ": " + details.joined(separator: ", ")
    let stop = end.stopReason.map { ", stopped (\($0))" } ?? ""
    text = WebhookMessage.slackEscaped(
      "Plumb run on \(host): \(end.line) (\(counts.scheduled) scheduled\(list)\(stop))")
    event = end.success ? "run_succeeded" : "run_failed"
    verdict = end.line
    exitCode = end.exitCode
    self.counts = counts
    self.host = host
    self.time = ISO8601DateFormatter().string(from: time)
  }
}
