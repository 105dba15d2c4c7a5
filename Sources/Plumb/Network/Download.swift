import Foundation

/// Fetches the body of an `http://` or `https://` URL, or throws a one-line ``DownloadError``.
///
/// Only a 2xx answer counts: a 404 or a 500 is an error, not a body. Redirects are followed, and
/// nothing is cached, so a second call asks the server again. `timeout` is how many seconds the
/// server may stay silent (while connecting or between bytes) before the download gives up; it
/// counts whole seconds, a fraction rounds up.
///
/// Write the data to a target to keep it; the target's atomic write means a failed download
/// leaves no file behind:
///
/// ```swift
/// func run() throws {
///     try output().write(try download(url, timeout: 10))
/// }
/// ```
///
/// - Throws: ``DownloadError``, for example `HTTP 404 Not Found from http://…`,
///   `connection refused by 127.0.0.1:8000` or `timed out after 10 s waiting for http://…`.
public func download(_ url: URL, timeout: TimeInterval = 30) throws -> Data {
  guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
    throw DownloadError.unsupportedScheme(url: url.absoluteString)
  }
  guard timeout > 0, timeout.isFinite else { throw DownloadError.invalidTimeout(seconds: timeout) }
  return try HTTPExchange.send(to: url, timeout: timeout)
}

/// Fetches the body of the URL written in `address`, as `download(_:timeout:)` does;
/// handy for a URL that comes from a parameter or the config file.
///
/// ```swift
/// let data = try download("http://127.0.0.1:8000/iris.data", timeout: 5)
/// ```
public func download(_ address: String, timeout: TimeInterval = 30) throws -> Data {
  let trimmed = address.trimmingCharacters(in: .whitespaces)
  guard let url = URL(string: trimmed), url.scheme != nil else {
    throw DownloadError.invalidURL(address)
  }
  return try download(url, timeout: timeout)
}
