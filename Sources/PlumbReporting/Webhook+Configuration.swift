import Foundation
import PlumbCore

extension Configuration {
  /// The hook that `[webhook] url`, `on` (`failure` or `all`), `summary` (`failure`, `always` or
  /// `never`), `format` (`json` or `slack`) and `timeout` (seconds) describe;
  /// `nil` when no `[webhook] url` is set.
  ///
  /// - Throws: ``ConfigurationError`` naming the file and line of a malformed value, or of an
  ///   `on` or `timeout` without a `url`.
  package func webhook() throws -> Webhook? {
    let section = "webhook"
    guard let urlEntry = entry(section: section, key: "url") else {
      if let orphan = ["on", "summary", "format", "timeout"].lazy.compactMap({
        self.entry(section: section, key: $0)
      }).first {
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
    let summary = try choice(Webhook.RunAlerts.self, key: "summary", in: section) ?? .failure
    let format = try choice(Webhook.Format.self, key: "format", in: section) ?? .json
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
    guard let url = URL(string: address),
      let hook = try? Webhook(url: url, on: events, summary: summary, format: format, timeout: timeout)
    else {
      throw Self.problem(
        in: urlEntry, "[webhook] \(urlEntry.key) must be an http:// or https:// URL with a host, not '\(address)'")
    }
    return hook
  }

  /// The value of `[section] key` as one of `Choice`'s cases; `nil` when absent.
  private func choice<Choice: RawRepresentable & CaseIterable>(_: Choice.Type, key: String, in section: String) throws
    -> Choice? where Choice.RawValue == String
  {
    guard let found = entry(section: section, key: key) else { return nil }
    guard let chosen = Choice(rawValue: found.value.lowercased()) else {
      let forms = Choice.allCases.map(\.rawValue).joined(separator: " or ")
      throw Self.problem(in: found, "[\(section)] \(found.key) must be \(forms), not '\(found.value)'")
    }
    return chosen
  }

  private static func problem(in entry: Entry, _ text: String) -> ConfigurationError {
    ConfigurationError(source: entry.source, line: entry.line, problem: text)
  }
}
