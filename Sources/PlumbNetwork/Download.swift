import Foundation
import PlumbCore

/// Fetches the body of an `http://` or `https://` URL, or throws a one-line ``DownloadError``.
///
/// Only a 2xx answer counts: a 404 or a 500 is an error, not a body. Redirects are followed, and
/// nothing is cached, so a second call asks the server again.
///
/// Three limits keep a broken or hostile server from holding the task up or filling memory:
/// - `timeout`: how many seconds the server may stay silent (while connecting or between bytes);
///   it counts whole seconds, a fraction rounds up.
/// - `deadline`: how many seconds the whole download may take; a server that sends a byte a second
///   is never silent, but is stopped here.
/// - `maximumBytes`: how long the body may be; the download stops as soon as more arrives.
///
/// `deadline` and `maximumBytes` left out are read from the `[download]` section of the run's config
/// file (`deadline = 600`, `maximum_bytes = 100MB`), else they are 600 seconds and 100 MB. Keep large
/// bodies out of memory with `download(_:to:timeout:deadline:maximumBytes:)`, which
/// writes them to a target.
///
/// This form blocks the calling thread until the answer is in. It is meant for a synchronous
/// `run()`, which Plumb runs on a thread of its own. In an async `run()`, `try await download(...)`
/// picks the async form instead, which suspends the task rather than blocking a thread.
///
/// ```swift
/// func run() throws {
///     try output().write(try download(url, timeout: 10, deadline: 60, maximumBytes: 5_000_000))
/// }
/// ```
///
/// - Throws: ``DownloadError``, for example `HTTP 404 Not Found from http://…`,
///   `connection refused by 127.0.0.1:8000`, `timed out after 10 s waiting for http://…`,
///   `stopped after 600 s: the answer from 127.0.0.1:8000 was not finished` or
///   `the answer from 127.0.0.1:8000 is larger than the limit of 100 MB`; ``ConfigurationError``
///   for a bad `[download]` setting.
@available(*, noasync, message: "blocks the calling thread; in async code, call try await download(...)")
public func download(
  _ url: URL, timeout: TimeInterval = 30, deadline: TimeInterval? = nil, maximumBytes: Int? = nil
) throws -> Data {
  let limits = try DownloadLimits.resolve(
    url, timeout: timeout, deadline: deadline, maximumBytes: maximumBytes, inMemory: true)
  return try HTTPExchange.send(to: url, limits: limits)
}

/// Fetches the body of the URL written in `address`, as
/// `download(_:timeout:deadline:maximumBytes:)` does; handy for a URL that comes from
/// a parameter or the config file. Blocks the calling thread.
///
/// ```swift
/// let data = try download("http://127.0.0.1:8000/iris.data", timeout: 5)
/// ```
@available(*, noasync, message: "blocks the calling thread; in async code, call try await download(...)")
public func download(
  _ address: String, timeout: TimeInterval = 30, deadline: TimeInterval? = nil, maximumBytes: Int? = nil
) throws -> Data {
  try download(try downloadableURL(address), timeout: timeout, deadline: deadline, maximumBytes: maximumBytes)
}

/// Fetches the body of an `http://` or `https://` URL without blocking a thread, or throws a
/// one-line ``DownloadError``: the async form, for an async `run()`.
///
/// It checks, fetches, limits and fails as the synchronous form does (2xx only, no cache, `timeout`
/// in whole seconds of silence, `deadline` for the whole download, at most `maximumBytes`), but
/// suspends the task while it waits. Cancelling the task cancels the download, which then throws
/// `CancellationError`.
///
/// ```swift
/// let data = try await download(URL(string: "http://127.0.0.1:8000/iris.data")!, timeout: 10, deadline: 60)
/// ```
///
/// - Throws: ``DownloadError``, for example `HTTP 404 Not Found from http://…`, or
///   `CancellationError` when the task is cancelled.
public func download(
  _ url: URL, timeout: TimeInterval = 30, deadline: TimeInterval? = nil, maximumBytes: Int? = nil
) async throws -> Data {
  let limits = try DownloadLimits.resolve(
    url, timeout: timeout, deadline: deadline, maximumBytes: maximumBytes, inMemory: true)
  return try await HTTPExchange.send(to: url, limits: limits)
}

/// Fetches the body of the URL written in `address` without blocking a thread, as the async
/// `download(_:timeout:deadline:maximumBytes:)` does.
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
public func download(
  _ address: String, timeout: TimeInterval = 30, deadline: TimeInterval? = nil, maximumBytes: Int? = nil
) async throws -> Data {
  try await download(try downloadableURL(address), timeout: timeout, deadline: deadline, maximumBytes: maximumBytes)
}

// MARK: - Into a target

/// Downloads the body of an `http://` or `https://` URL straight into `target`, which appears whole
/// or not at all: the body goes, piece by piece as it arrives, into the target's temporary file, so
/// it never has to fit in memory, and a download that fails (an error status, the deadline, a body
/// over the limit) leaves no file.
///
/// The limits are those of `download(_:timeout:deadline:maximumBytes:)`, except that
/// `maximumBytes` left out (and not set in the config file's `[download]` section) is 10 GB, as the
/// body goes to disk. This form blocks the calling thread, for a synchronous `run()`:
///
/// ```swift
/// struct FetchIris: PipelineTask {
///     func output() -> LocalTarget { LocalTarget("iris.data") }
///     func run() throws {
///         try download(URL(string: "http://127.0.0.1:8000/iris.data")!, to: output(), deadline: 600)
///     }
/// }
/// ```
///
/// - Throws: ``DownloadError`` as the in-memory form does, ``TargetError`` when the file cannot be
///   written.
@available(*, noasync, message: "blocks the calling thread; in async code, call try await download(...)")
public func download(
  _ url: URL, to target: some WritableTarget, timeout: TimeInterval = 30, deadline: TimeInterval? = nil,
  maximumBytes: Int? = nil
) throws {
  let limits = try DownloadLimits.resolve(
    url, timeout: timeout, deadline: deadline, maximumBytes: maximumBytes, inMemory: false)
  try target.write { file in
    try HTTPExchange(to: url, limits: limits).wait { file.write($0) }
  }
}

/// Downloads the body of the URL written in `address` straight into `target`, as
/// `download(_:to:timeout:deadline:maximumBytes:)` does. Blocks the calling thread.
///
/// ```swift
/// try download("http://127.0.0.1:8000/iris.data", to: output(), maximumBytes: 50_000_000)
/// ```
@available(*, noasync, message: "blocks the calling thread; in async code, call try await download(...)")
public func download(
  _ address: String, to target: some WritableTarget, timeout: TimeInterval = 30, deadline: TimeInterval? = nil,
  maximumBytes: Int? = nil
) throws {
  try download(
    try downloadableURL(address), to: target, timeout: timeout, deadline: deadline, maximumBytes: maximumBytes)
}

/// Downloads the body of an `http://` or `https://` URL straight into `target` without blocking a
/// thread of Swift's concurrency: the async form, for an async `run()`.
///
/// It writes, limits and fails as the synchronous form does (the target appears whole or not at
/// all); the writing blocks a thread of its own while the task is suspended. Cancelling the task
/// cancels the download, which then throws `CancellationError` and leaves no file.
///
/// ```swift
/// func run() async throws {
///     try await download(URL(string: "http://127.0.0.1:8000/iris.data")!, to: output(), deadline: 600)
/// }
/// ```
///
/// - Throws: ``DownloadError``, ``TargetError``, or `CancellationError` when the task is cancelled.
public func download(
  _ url: URL, to target: some WritableTarget & Sendable, timeout: TimeInterval = 30, deadline: TimeInterval? = nil,
  maximumBytes: Int? = nil
) async throws {
  let limits = try DownloadLimits.resolve(
    url, timeout: timeout, deadline: deadline, maximumBytes: maximumBytes, inMemory: false)
  let exchange = HTTPExchange(to: url, limits: limits)
  try await withTaskCancellationHandler {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<Void, any Error>) in
      // A target is written by a synchronous body, which waits for the whole answer: on a thread of
      // its own, so that no thread of Swift's concurrency is held while the body streams in.
      Thread {
        continuation.resume(with: Result { try target.write { file in try exchange.wait { file.write($0) } } })
      }.start()
    }
  } onCancel: {
    exchange.cancel()
  }
}

/// Downloads the body of the URL written in `address` straight into `target` without blocking a
/// thread of Swift's concurrency, as the async
/// `download(_:to:timeout:deadline:maximumBytes:)` does.
///
/// ```swift
/// func run() async throws {
///     try await download("http://127.0.0.1:8000/iris.data", to: output())
/// }
/// ```
public func download(
  _ address: String, to target: some WritableTarget & Sendable, timeout: TimeInterval = 30,
  deadline: TimeInterval? = nil, maximumBytes: Int? = nil
) async throws {
  try await download(
    try downloadableURL(address), to: target, timeout: timeout, deadline: deadline, maximumBytes: maximumBytes)
}

/// The URL in `address`, trimmed of spaces, or ``DownloadError/invalidURL(_:)``.
private func downloadableURL(_ address: String) throws -> URL {
  let trimmed = address.trimmingCharacters(in: .whitespaces)
  guard let url = URL(string: trimmed), url.scheme != nil else {
    throw DownloadError.invalidURL(address)
  }
  return url
}
