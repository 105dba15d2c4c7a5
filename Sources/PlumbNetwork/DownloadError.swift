import Foundation

/// Why `download(_:timeout:deadline:maximumBytes:)` got no data: one line naming the URL or server
/// and the problem.
///
/// ```swift
/// do {
///     let data = try download("http://127.0.0.1:8000/iris.data")
/// } catch let error as DownloadError {
///     print(error)  // HTTP 404 Not Found from http://127.0.0.1:8000/iris.data
/// }
/// ```
public enum DownloadError: Error, CustomStringConvertible, Equatable, Sendable {
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
  /// The whole answer did not arrive within the deadline of `seconds`; `server` is `host:port`.
  case deadlineExceeded(seconds: TimeInterval, server: String)
  /// The answer's body is longer than `limit` bytes; `server` is `host:port`.
  case tooLarge(limit: Int, server: String)
  /// What came back is not HTTP (an HTTP/0.9 answer, garbage); `server` is `host:port`.
  case invalidHTTP(server: String)
  /// The deadline is not a positive number of seconds.
  case invalidDeadline(seconds: TimeInterval)
  /// The size limit is not a positive number of bytes.
  case invalidLimit(bytes: Int)

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
    case .deadlineExceeded(let seconds, let server):
      return "stopped after \(Self.format(seconds)) s: the answer from \(server) was not finished"
    case .tooLarge(let limit, let server):
      return "the answer from \(server) is larger than the limit of \(Self.format(bytes: limit))"
    case .invalidHTTP(let server):
      return "the server at \(server) did not answer with valid HTTP"
    case .invalidDeadline(let seconds):
      return "a download deadline must be a positive number of seconds, not \(Self.format(seconds))"
    case .invalidLimit(let bytes):
      return "a download size limit must be a positive number of bytes, not \(bytes)"
    }
  }

  /// `100 MB` for 100,000,000 bytes, `1500 bytes` for 1,500: a decimal unit when one is exact, as
  /// the config file's `maximum_bytes` reads them.
  package static func format(bytes: Int) -> String {
    for (unit, size) in byteUnits where bytes >= size && bytes % size == 0 {
      return "\(bytes / size) \(unit)"
    }
    return bytes == 1 ? "1 byte" : "\(bytes) bytes"
  }

  /// The units a size may be written in, largest first.
  static let byteUnits = [("GB", 1_000_000_000), ("MB", 1_000_000), ("KB", 1_000)]

  /// `127.0.0.1:8000`: the host and port of `url` (80 or 443 when it names none), without the path,
  /// which may be a secret.
  static func server(of url: URL) -> String {
    "\(url.host ?? url.absoluteString):\(port(of: url))"
  }

  /// The port `url` names, or its scheme's usual one.
  static func port(of url: URL) -> Int {
    url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80)
  }

  /// `2` rather than `2.0`, `0.25` as is.
  package static func format(_ seconds: TimeInterval) -> String {
    if seconds.isFinite, seconds == seconds.rounded(), abs(seconds) < 1e15 { return String(Int(seconds)) }
    return String(seconds)
  }
}
