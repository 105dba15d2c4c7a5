import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One HTTP request and its answer: what `download(_:timeout:)` and ``Webhook`` share, so both use
/// the same uncached session and the same one-line errors.
///
/// The exchange is written once, as a URLSession data task whose completion handler hands over the
/// outcome (`prepare(to:body:contentType:timeout:finish:)`). The async `send` awaits that outcome;
/// the synchronous `send` is a bridge that blocks its thread until the same outcome arrives.
enum HTTPExchange {
  /// Sends one request to `url` (a `GET`, or a `POST` of `body` when there is one) and returns
  /// the body of a 2xx answer, suspending rather than blocking while it waits.
  ///
  /// Cancelling the calling task cancels the request; a task cancelled before the call sends nothing.
  ///
  /// `timeout` must be positive; it counts whole seconds, a fraction rounds up, because URLSession
  /// on Linux truncates its timeout and would give up at once on 0.5.
  ///
  /// ```swift
  /// let data = try await HTTPExchange.send(to: url, timeout: 10)
  /// ```
  ///
  /// - Throws: ``DownloadError`` for an answer outside 2xx, a refused connection, a timeout;
  ///   `CancellationError` when the task is cancelled.
  static func send(
    to url: URL, body: Data? = nil, contentType: String? = nil, timeout: TimeInterval
  ) async throws -> Data {
    let cancellation = Cancellation()
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        let task = prepare(to: url, body: body, contentType: contentType, timeout: timeout) {
          continuation.resume(with: $0)
        }
        cancellation.watch(task)
        task.resume()
      }
    } onCancel: {
      cancellation.cancel()
    }
  }

  /// The same exchange for synchronous callers (a synchronous task's `download`, the ``Webhook``
  /// observer): it blocks the calling thread until the answer is in. Plumb runs synchronous tasks
  /// on threads of their own, so the wait holds up no other task; async code awaits the async
  /// `send` instead.
  ///
  /// It waits for URLSession's completion handler, not for a Swift task running the async `send`:
  /// such a task needs a free thread of the cooperative pool (one per core), so two waits on pool
  /// threads of a 2-core machine would deadlock.
  ///
  /// ```swift
  /// let data = try HTTPExchange.send(to: url, body: json, contentType: "application/json", timeout: 10)
  /// ```
  ///
  /// - Throws: ``DownloadError``, as the async `send` does.
  static func send(
    to url: URL, body: Data? = nil, contentType: String? = nil, timeout: TimeInterval
  ) throws -> Data {
    let answer = BlockingOutcome<Data>()
    prepare(to: url, body: body, contentType: contentType, timeout: timeout) { answer.finish($0) }.resume()
    return try answer.wait()
  }

  /// The request as a data task, not yet resumed, whose completion calls `finish` once with the body
  /// of a 2xx answer or the error to throw. The task's session is its own, uncached, and is
  /// invalidated when the task completes.
  private static func prepare(
    to url: URL, body: Data?, contentType: String?, timeout: TimeInterval,
    finish: @escaping @Sendable (Result<Data, any Error>) -> Void
  ) -> URLSessionDataTask {
    let timeout = timeout.rounded(.up)
    let configuration = URLSessionConfiguration.ephemeral
    configuration.urlCache = nil
    configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
    configuration.timeoutIntervalForRequest = timeout
    let session = URLSession(configuration: configuration)

    var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData, timeoutInterval: timeout)
    if let body {
      request.httpMethod = "POST"
      request.httpBody = body
    }
    if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
    return session.dataTask(with: request) { data, response, error in
      session.finishTasksAndInvalidate()
      if let error {
        finish(.failure(describe(error, url: url, timeout: timeout)))
      } else if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
        finish(.failure(DownloadError.httpStatus(code: http.statusCode, url: url.absoluteString)))
      } else {
        finish(.success(data ?? Data()))
      }
    }
  }

  private static func describe(_ error: any Error, url: URL, timeout: TimeInterval) -> any Error {
    let address = url.absoluteString
    let host = url.host ?? address
    guard let error = error as? URLError else {
      return DownloadError.failed(url: address, reason: error.localizedDescription)
    }
    switch error.code {
    case .cancelled:
      return CancellationError()
    case .timedOut:
      return DownloadError.timedOut(seconds: timeout, url: address)
    case .cannotConnectToHost:
      return DownloadError.connectionRefused(
        host: host, port: url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80))
    case .cannotFindHost, .dnsLookupFailed:
      return DownloadError.hostNotFound(host: host)
    case .unsupportedURL:
      return DownloadError.unsupportedScheme(url: address)
    default:
      return DownloadError.failed(url: address, reason: error.localizedDescription)
    }
  }
}

/// The data task of an async `send`, for the task's cancellation handler, which runs either while
/// the request is under way or, for a task cancelled before the call, before the request exists.
private final class Cancellation: @unchecked Sendable {
  // `task` and `cancelled` are read and written only while holding `lock`.
  private let lock = NSLock()
  private var task: URLSessionDataTask?
  private var cancelled = false

  /// Cancels `task` now if the cancellation came before it: URLSession then completes it as
  /// cancelled without sending anything.
  func watch(_ task: URLSessionDataTask) {
    lock.withLock {
      self.task = task
      if cancelled { task.cancel() }
    }
  }

  func cancel() {
    lock.withLock {
      cancelled = true
      task?.cancel()
    }
  }
}
