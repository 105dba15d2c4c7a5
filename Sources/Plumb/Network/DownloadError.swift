import Foundation

/// Why `download(_:timeout:)` got no data: one line naming the URL or server and the problem.
///
/// ```swift
/// do {
///     let data = try download("http://127.0.0.1:8000/iris.data")
/// } catch let error as DownloadError {
///     print(error)  // HTTP 404 Not Found from http://127.0.0.1:8000/iris.data
/// }
/// ```
public enum DownloadError: Error, CustomStringConvertible, Equatable {
  /// The text is not a URL.
  case invalidURL(String)
  /// The URL's scheme is not `http` or `https` (URLSession on Linux cannot fetch `file://`).
  case unsupportedScheme(url: String)
  /// The server answered with a status outside 200–299.
  case httpStatus(code: Int, url: String)
  /// Nothing listens on the server's port.
  case connectionRefused(host: String, port: Int)
  /// The timeout is not a positive number of seconds.
  case invalidTimeout(seconds: TimeInterval)
  /// The server sent nothing for `seconds`.
  case timedOut(seconds: TimeInterval, url: String)
  /// The host name does not resolve.
  case hostNotFound(host: String)
  /// Any other failure, with the system's reason.
  case failed(url: String, reason: String)

  /// The message, in one line.
  public var description: String {
    switch self {
    case .invalidURL(let text):
      return "not a URL: '\(text)'"
    case .unsupportedScheme(let url):
      return
        "cannot download \(url): only http:// and https:// URLs can be downloaded (read local files with LocalTarget)"
    case .httpStatus(let code, let url):
      return "\(HTTPStatus.line(for: code)) from \(url)"
    case .connectionRefused(let host, let port):
      return "connection refused by \(host):\(port)"
    case .invalidTimeout(let seconds):
      return "a download timeout must be a positive number of seconds, not \(Self.format(seconds))"
    case .timedOut(let seconds, let url):
      return "timed out after \(Self.format(seconds)) s waiting for \(url)"
    case .hostNotFound(let host):
      return "cannot find host \(host)"
    case .failed(let url, let reason):
      return "could not download \(url): \(reason)"
    }
  }

  /// `2` rather than `2.0`, `0.25` as is.
  static func format(_ seconds: TimeInterval) -> String {
    if seconds.isFinite, seconds == seconds.rounded(), abs(seconds) < 1e15 { return String(Int(seconds)) }
    return String(seconds)
  }
}
