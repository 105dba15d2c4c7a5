import Foundation
import PlumbNetwork

/// Why a ``Webhook`` cannot be made, or why its message was not delivered: one line.
///
/// ```swift
/// do {
///     _ = try Webhook(url: URL(string: "ftp://example.com/alerts")!)
/// } catch let error as WebhookError {
///     print(error)  // a webhook URL must be http:// or https:// with a host, not 'ftp://example.com/alerts'
/// }
/// ```
public enum WebhookError: Error, CustomStringConvertible, Equatable, Sendable {
  /// The URL is not `http://` or `https://` with a host.
  case unsupportedURL(String)
  /// The timeout is not a positive number of seconds.
  case invalidTimeout(seconds: TimeInterval)
  /// The message was posted but not accepted, or could not be posted: why, in a few words.
  /// `server` is the URL without its query and with `…` for its last path segment, because that
  /// is where a webhook URL keeps its secret token (as Slack's do), which must not end up in logs.
  case notDelivered(server: String, reason: String)

  /// The message, in one line.
  public var description: String {
    switch self {
    case .unsupportedURL(let url):
      return "a webhook URL must be http:// or https:// with a host, not '\(url)'"
    case .invalidTimeout(let seconds):
      return "a webhook timeout must be a positive number of seconds, not \(DownloadError.format(seconds))"
    case .notDelivered(let server, let reason):
      return "could not post to the webhook at \(server): \(reason)"
    }
  }

  /// The download error's message without the URL, which holds the secret part of a webhook's
  /// address: every case is spelled out, so that a new one cannot slip the URL into the log.
  static func reason(for error: DownloadError) -> String {
    switch error {
    case .httpStatus(let code, _):
      return HTTPStatus.line(for: code)
    case .timedOut(let seconds, _), .deadlineExceeded(let seconds, _):
      return "no answer within \(DownloadError.format(seconds)) s"
    case .failed(_, let reason):
      return reason
    case .invalidHTTP:
      return "the server did not answer with valid HTTP"
    case .tooLarge(let limit, _):
      return "the answer is larger than \(DownloadError.format(bytes: limit))"
    case .connectionRefused, .hostNotFound, .invalidTimeout, .invalidDeadline, .invalidLimit:
      return error.description
    case .invalidURL, .unsupportedScheme:
      return "not an http:// or https:// URL"
    }
  }
}
