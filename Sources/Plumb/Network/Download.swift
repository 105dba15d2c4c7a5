import Foundation

/// Fetches the body of an `http://` or `https://` URL, or throws a one-line ``DownloadError``.
///
/// Only a 2xx answer counts: a 404 or a 500 is an error, not a body. Redirects are followed, and
/// nothing is cached, so a second call asks the server again. `timeout` is how many seconds the
/// server may stay silent (while connecting or between bytes) before the download gives up; it
/// counts whole seconds, a fraction rounds up.
///
/// This form blocks the calling thread until the answer is in. It is meant for a synchronous
/// `run()`, which Plumb runs on a thread of its own. In an async `run()`, `try await download(...)`
/// picks the async form instead, which suspends the task rather than blocking a thread.
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
  try checkDownloadable(url, timeout: timeout)
  return try HTTPExchange.send(to: url, timeout: timeout)
}

/// Fetches the body of the URL written in `address`, as `download(_:timeout:)` does;
/// handy for a URL that comes from a parameter or the config file. Blocks the calling thread,
/// as the synchronous `download(_:timeout:)` does.
///
/// ```swift
/// let data = try download("http://127.0.0.1:8000/iris.data", timeout: 5)
/// ```
public func download(_ address: String, timeout: TimeInterval = 30) throws -> Data {
  try download(try downloadableURL(address), timeout: timeout)
}

/// Fetches the body of an `http://` or `https://` URL without blocking a thread, or throws a
/// one-line ``DownloadError``: the async form, for an async `run()`.
///
/// It checks, fetches and fails as the synchronous `download(_:timeout:)` does (2xx only, no cache,
/// `timeout` in whole seconds of silence), but suspends the task while it waits. Cancelling the
/// task cancels the download, which then throws `CancellationError`.
///
/// ```swift
/// let data = try await download(URL(string: "http://127.0.0.1:8000/iris.data")!, timeout: 10)
/// ```
///
/// - Throws: ``DownloadError``, for example `HTTP 404 Not Found from http://…`, or
///   `CancellationError` when the task is cancelled.
public func download(_ url: URL, timeout: TimeInterval = 30) async throws -> Data {
  try checkDownloadable(url, timeout: timeout)
  return try await HTTPExchange.send(to: url, timeout: timeout)
}

/// Fetches the body of the URL written in `address` without blocking a thread, as the async
/// `download(_:timeout:)` does.
///
/// In an async task, `try await download(...)` picks this form (a synchronous `run()` gets the
/// blocking one), and the target's atomic write keeps a failed download from leaving a file:
///
/// ```swift
/// struct FetchIris: PipelineTask {
///     func output() -> LocalTarget { LocalTarget("iris.data") }
///     func run() async throws {
///         try output().write(try await download("http://127.0.0.1:8000/iris.data", timeout: 10))
///     }
/// }
/// ```
///
/// - Throws: ``DownloadError``, for example `not a URL: '…'`, or `CancellationError` when the
///   task is cancelled.
public func download(_ address: String, timeout: TimeInterval = 30) async throws -> Data {
  try await download(try downloadableURL(address), timeout: timeout)
}

/// The URL in `address`, trimmed of spaces, or ``DownloadError/invalidURL(_:)``.
private func downloadableURL(_ address: String) throws -> URL {
  let trimmed = address.trimmingCharacters(in: .whitespaces)
  guard let url = URL(string: trimmed), url.scheme != nil else {
    throw DownloadError.invalidURL(address)
  }
  return url
}

/// What both forms check before asking anything: an HTTP(S) URL and a usable timeout.
private func checkDownloadable(_ url: URL, timeout: TimeInterval) throws {
  guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
    throw DownloadError.unsupportedScheme(url: url.absoluteString)
  }
  guard timeout > 0, timeout.isFinite else { throw DownloadError.invalidTimeout(seconds: timeout) }
}
