import Foundation

extension Configuration {
  /// The hook that `[webhook] url`, `on` (`failure` or `all`) and `timeout` (seconds) describe;
  /// `nil` when no `[webhook] url` is set.
  ///
  /// - Throws: ``ConfigurationError`` naming the file and line of a malformed value, or of an
  ///   `on` or `timeout` without a `url`.
  func webhook() throws -> Webhook? {
    let section = "webhook"
    guard let urlEntry = entry(section: section, key: "url") else {
      if let orphan = entry(section: section, key: "on") ?? entry(section: section, key: "timeout") {
        throw Self.problem(in: orphan, "[webhook] \(orphan.key) is set but [webhook] url is not")
      }
      return nil
    }
    var events = Webhook.Events.failure
    if let onEntry = entry(section: section, key: "on") {
      guard let chosen = Webhook.Events(rawValue: onEntry.value.lowercased()) else {
        let forms = Webhook.Events.allCases.map(\.rawValue).joined(separator: " or ")
        throw Self.problem(in: onEntry, "[webhook] \(onEntry.key) must be \(forms), not '\(onEntry.value)'")
      }
      events = chosen
    }
    var timeout: TimeInterval = 10
    if let timeoutEntry = entry(section: section, key: "timeout") {
      guard let seconds = TimeInterval(timeoutEntry.value), seconds > 0, seconds.isFinite else {
        throw Self.problem(
          in: timeoutEntry,
          "[webhook] \(timeoutEntry.key) must be a positive number of seconds such as 5, not '\(timeoutEntry.value)'")
      }
      timeout = seconds
    }
    let address = urlEntry.value
    guard let url = URL(string: address), let hook = try? Webhook(url: url, on: events, timeout: timeout) else {
      throw Self.problem(
        in: urlEntry, "[webhook] \(urlEntry.key) must be an http:// or https:// URL with a host, not '\(address)'")
    }
    return hook
  }

  private static func problem(in entry: Entry, _ text: String) -> ConfigurationError {
    ConfigurationError(source: entry.source, line: entry.line, problem: text)
  }
}
