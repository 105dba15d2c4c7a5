import Foundation
import PlumbCore

/// What a ``Webhook`` posts: Slack's `text`, and the same facts as fields for other receivers.
///
/// ```json
/// {
///   "error": "HTTP 404 Not Found from http://127.0.0.1:8000/iris.data",
///   "event": "failure",
///   "family": "DownloadData",
///   "host": "build-1",
///   "parameters": {"day": "2024-05-01"},
///   "task": "DownloadData(day=2024-05-01)",
///   "task_id": "DownloadData_2024_05_01_6f1b8c0a9d",
///   "text": "Plumb: DownloadData(day=2024-05-01) failed on build-1: HTTP 404 Not Found from http://127.0.0.1:8000/iris.data",
///   "time": "2024-05-01T06:00:12Z"
/// }
/// ```
///
/// A receiver reads it as any JSON:
///
/// ```swift
/// let message = try JSONDecoder().decode(WebhookMessage.self, from: body)
/// if message.event == "failure" { page(message.task, message.error ?? "") }
/// ```
public struct WebhookMessage: Codable, Equatable, Sendable {
  /// One line for people, shown by Slack and chat tools that read `text`.
  public let text: String
  /// `failure` or `success`.
  public let event: String
  /// The task's text form: `TopSongs(tld=rs)`.
  public let task: String
  /// Luigi's id of the task (``TaskInfo/id``), the same in Luigi's scheduler and visualiser.
  public let taskID: String
  /// The task's family: `TopSongs`.
  public let family: String
  /// The task's significant parameters, name to value text.
  public let parameters: [String: String]
  /// Why the task failed, in one line; absent for a success.
  public let error: String?
  /// The machine the run was on.
  public let host: String
  /// When the event happened, in ISO 8601 and UTC: `2024-05-01T06:00:12Z`.
  public let time: String

  enum CodingKeys: String, CodingKey {
    case text, event, task, taskID = "task_id", family, parameters, error, host, time
  }

  /// The message about `task`: a failure when there is an `error`, else a success.
  init(task: TaskInfo, error: String?, host: String, time: Date) {
    let what = error.map { "failed on \(host): \($0)" } ?? "succeeded on \(host)"
    text = Self.slackEscaped("Plumb: \(task) \(what)")
    event = error == nil ? "success" : "failure"
    self.task = task.description
    taskID = task.id
    family = task.family
    parameters = Dictionary(task.parameters.map { ($0.name, $0.value) }, uniquingKeysWith: { _, last in last })
    self.error = error
    self.host = host
    self.time = ISO8601DateFormatter().string(from: time)
  }

  /// The JSON body posted, with sorted keys so the same message is always the same bytes.
  func json() throws -> Data {
    try Webhook.encoded(self)
  }

  /// Slack reads `<`, `>` and `&` in `text` as markup, so an error such as `<html>` must be escaped
  /// to be shown as written.
  static func slackEscaped(_ text: String) -> String {
    text.replacingOccurrences(of: "&", with: "&amp;").replacingOccurrences(of: "<", with: "&lt;")
      .replacingOccurrences(of: ">", with: "&gt;")
  }
}
