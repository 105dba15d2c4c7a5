import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One HTTP request and its answer, waited for on the calling thread: what `download(_:timeout:)`
/// and ``Webhook`` share, so both use the same uncached session and the same one-line errors.
enum HTTPExchange {
  /// Sends one request to `url` (a `GET`, or a `POST` of `body` when there is one) and returns
  /// the body of a 2xx answer.
  ///
  /// `timeout` must be positive; it counts whole seconds, a fraction rounds up, because URLSession
  /// on Linux truncates its timeout and would give up at once on 0.5.
  ///
  /// - Throws: ``DownloadError`` for an answer outside 2xx, a refused connection, a timeout.
  static func send(
    to url: URL, body: Data? = nil, contentType: String? = nil, timeout: TimeInterval
  ) throws -> Data {
    let timeout = timeout.rounded(.up)
    let configuration = URLSessionConfiguration.ephemeral
    configuration.urlCache = nil
    configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
    configuration.timeoutIntervalForRequest = timeout
    let session = URLSession(configuration: configuration)
    defer { session.finishTasksAndInvalidate() }

    var request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData, timeoutInterval: timeout)
    if let body {
      request.httpMethod = "POST"
      request.httpBody = body
    }
    if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
    let outcome = Outcome(url: url, timeout: timeout)
    session.dataTask(with: request) { data, response, error in
      outcome.finish(data: data, response: response, error: error)
    }.resume()
    return try outcome.wait()
  }
}

/// Hands what URLSession's completion handler receives, as data or a ``DownloadError``, to the
/// thread waiting for it.
private final class Outcome: @unchecked Sendable {
  private let url: URL
  private let timeout: TimeInterval
  private let finished = DispatchSemaphore(value: 0)
  // Written once before `finished` is signalled, read after it is awaited.
  private var result: Result<Data, DownloadError>?

  init(url: URL, timeout: TimeInterval) {
    self.url = url
    self.timeout = timeout
  }

  func finish(data: Data?, response: URLResponse?, error: (any Error)?) {
    if let error {
      result = .failure(Self.describe(error, url: url, timeout: timeout))
    } else if let http = response as? HTTPURLResponse, !(200..<300).contains(http.statusCode) {
      result = .failure(.httpStatus(code: http.statusCode, url: url.absoluteString))
    } else {
      result = .success(data ?? Data())
    }
    finished.signal()
  }

  func wait() throws -> Data {
    finished.wait()
    return try (result ?? .failure(.failed(url: url.absoluteString, reason: "no answer"))).get()
  }

  private static func describe(_ error: any Error, url: URL, timeout: TimeInterval) -> DownloadError {
    let address = url.absoluteString
    let host = url.host ?? address
    guard let error = error as? URLError else {
      return .failed(url: address, reason: error.localizedDescription)
    }
    switch error.code {
    case .timedOut:
      return .timedOut(seconds: timeout, url: address)
    case .cannotConnectToHost:
      return .connectionRefused(host: host, port: url.port ?? (url.scheme?.lowercased() == "https" ? 443 : 80))
    case .cannotFindHost, .dnsLookupFailed:
      return .hostNotFound(host: host)
    case .unsupportedURL:
      return .unsupportedScheme(url: address)
    default:
      return .failed(url: address, reason: error.localizedDescription)
    }
  }
}
