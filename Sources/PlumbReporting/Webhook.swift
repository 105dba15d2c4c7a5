import Foundation
import PlumbNetwork

/// Posts a JSON message to a webhook URL when a task fails (the "Slack alert"), and one when a
/// run ends, with the summary's verdict line and counts.
///
/// In the ``Format/json`` format (the default) a message is Slack-compatible, `{"text": "..."}`,
/// and also carries structured fields for other receivers (see ``WebhookMessage`` and
/// ``RunEndMessage``); in the ``Format/slack`` format it is `{"text": "..."}` alone. Add the hook's
/// ``observer`` to ``RunOptions/observers`` and its ``runObserver`` to ``RunOptions/runObservers``:
///
/// ```swift
/// var options = RunOptions()
/// let hook = try Webhook(url: URL(string: "https://hooks.slack.com/services/T000/B000/XXXX")!, format: .slack)
/// options.observers.append(hook.observer)
/// options.runObservers.append(hook.runObserver)
/// let result = try build([TopSongs(tld: "rs")], options: options)
/// ```
///
/// A pipeline run from the command line gets the same from its config file:
///
/// ```ini
/// [webhook]
/// url = https://hooks.slack.com/services/T000/B000/XXXX
/// on = failure      ; or all: also a message for every task that succeeds
/// summary = failure ; or always, or never: the end-of-run message
/// format = json     ; or slack: {"text": "..."} alone
/// timeout = 10      ; seconds for posting one message
/// ```
///
/// A message that cannot be delivered (the connection is refused, the answer is not in within
/// `timeout` seconds, it is outside 2xx or not HTTP) never stops or fails the run: the run logs one
/// warning line, naming the server and the URL's path but for its last segment (often a secret
/// token: `https://hooks.slack.com/services/T000/B000/…`), and goes on.
/// Messages are posted one at a time, in order, away from the workers (see ``RunOptions/observers``),
/// so a slow server holds up no task; the end of the run waits for the messages still to be posted,
/// each for at most `timeout` seconds.
public struct Webhook: Sendable {
  /// Which task events send a message.
  ///
  /// ```swift
  /// let everything = try Webhook(url: url, on: .all)
  /// ```
  public enum Events: String, Sendable, CaseIterable {
    /// A message for each task that fails.
    case failure
    /// A message for each task that fails and for each task that succeeds.
    case all
  }

  /// Which runs send an end-of-run message with the summary's verdict and counts.
  ///
  /// ```swift
  /// let hook = try Webhook(url: url, summary: .always)
  /// ```
  public enum RunAlerts: String, Sendable, CaseIterable {
    /// Runs that do not succeed (the default).
    case failure
    /// Every run.
    case always
    /// None.
    case never
  }

  /// The shape of the JSON posted.
  ///
  /// ```swift
  /// let slack = try Webhook(url: url, format: .slack)
  /// ```
  public enum Format: String, Sendable, CaseIterable {
    /// Slack's incoming-webhook format, `{"text": "..."}` alone.
    case slack
    /// Slack's `text` with every fact as a field of its own (``WebhookMessage``, ``RunEndMessage``).
    case json
  }

  /// Where the messages are posted.
  public let url: URL
  /// Which runs send an end-of-run message.
  ///
  /// ```swift
  /// if hook.summary == .never { print("no end-of-run alerts") }
  /// ```
  public let summary: RunAlerts
  /// The shape of the JSON posted.
  ///
  /// ```swift
  /// if hook.format == .slack { print("Slack's {\"text\": ...} only") }
  /// ```
  public let format: Format
  /// Which task events send a message.
  public let events: Events
  /// How many seconds posting one message may take, from connecting to the answer's status; the
  /// message is given up then, even if the server is still sending.
  public let timeout: TimeInterval

  /// A hook posting to `url` (`http://` or `https://`) for the `events` chosen.
  ///
  /// ```swift
  /// let hook = try Webhook(url: URL(string: "http://127.0.0.1:8000/alerts")!, on: .failure, timeout: 5)
  /// ```
  ///
  /// - Throws: ``WebhookError`` for a URL that is not `http://` or `https://` with a host, or a
  ///   timeout that is not a positive number of seconds.
  public init(
    url: URL, on events: Events = .failure, summary: RunAlerts = .failure, format: Format = .json,
    timeout: TimeInterval = 10
  ) throws {
    guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https",
      let host = url.host, !host.isEmpty
    else { throw WebhookError.unsupportedURL(url.absoluteString) }
    guard timeout > 0, timeout.isFinite else { throw WebhookError.invalidTimeout(seconds: timeout) }
    self.url = url
    self.events = events
    self.summary = summary
    self.format = format
    self.timeout = timeout
  }

  /// The observer to add to ``RunOptions/observers``: it posts a message for each event the hook
  /// is for, and throws a ``WebhookError`` (which the run logs as a warning) when one is not delivered.
  ///
  /// ```swift
  /// options.observers.append(try Webhook(url: url).observer)
  /// ```
  public var observer: TaskObserver {
    { event in try post(event) }
  }

  /// The observer to add to ``RunOptions/runObservers``: it posts the end-of-run message for the
  /// runs ``summary`` chooses, and throws a ``WebhookError`` (which the run logs as a warning) when
  /// it is not delivered.
  ///
  /// ```swift
  /// options.runObservers.append(try Webhook(url: url, summary: .always).runObserver)
  /// ```
  public var runObserver: RunObserver {
    { end in try post(end) }
  }

  /// Posts the end-of-run message for `end`, if ``summary`` asks for one.
  func post(_ end: RunEnd) throws {
    guard let message = message(for: end) else { return }
    try deliver(format == .slack ? try Self.slack(message.text) : try Self.encoded(message))
  }

  /// The end-of-run message for `end`, or `nil` when ``summary`` asks for none.
  func message(for end: RunEnd) -> RunEndMessage? {
    switch summary {
    case .never: return nil
    case .failure where end.success: return nil
    case .failure, .always: return RunEndMessage(end, host: ProcessInfo.processInfo.hostName, time: Date())
    }
  }

  /// Posts the message for `event`, if the hook is for that kind of event.
  func post(_ event: TaskEvent) throws {
    guard let message = message(for: event) else { return }
    try deliver(format == .slack ? try Self.slack(message.text) : try message.json())
  }

  /// `{"text": "..."}`, Slack's incoming-webhook body.
  private static func slack(_ text: String) throws -> Data {
    try encoded(["text": text])
  }

  /// JSON with sorted keys, so the same message is always the same bytes.
  static func encoded(_ value: some Encodable) throws -> Data {
    let encoder = JSONEncoder()
    encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
    return try encoder.encode(value)
  }

  /// Posts `body`. The message counts as delivered once a 2xx status is in: the answer's body is
  /// not read, so a server that streams an endless answer holds the hook up no more than one that
  /// answers nothing.
  private func deliver(_ body: Data) throws {
    let limits = HTTPExchange.Limits(timeout: timeout, deadline: timeout, maximumBytes: 0)
    do {
      try HTTPExchange(
        to: url, body: body, contentType: "application/json", limits: limits, wantsBody: false
      ).wait()
    } catch let error as DownloadError {
      throw WebhookError.notDelivered(server: server, reason: WebhookError.reason(for: error))
    }
  }

  /// `https://hooks.slack.com/services/T000/B000/…`: the URL with its last path segment (where
  /// Slack, Discord and most others put the secret token) and its query left out, so that a warning
  /// still tells two hooks on one server apart.
  var server: String {
    let segments = url.path.split(separator: "/", omittingEmptySubsequences: true)
    let path = segments.isEmpty ? "" : "/" + (segments.dropLast().map(String.init) + ["…"]).joined(separator: "/")
    return "\(url.scheme ?? "http")://\(url.host ?? "")" + (url.port.map { ":\($0)" } ?? "") + path
  }

  /// The message `event` sends, or `nil` when the hook is not for it.
  func message(for event: TaskEvent) -> WebhookMessage? {
    let host = ProcessInfo.processInfo.hostName
    let time = Date()
    switch (event, events) {
    case (.failed(let task, let error), _):
      return WebhookMessage(task: task, error: error.oneLineDescription, host: host, time: time)
    case (.succeeded(let task), .all):
      return WebhookMessage(task: task, error: nil, host: host, time: time)
    default:
      return nil
    }
  }
}
