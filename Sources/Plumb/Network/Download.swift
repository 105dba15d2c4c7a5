import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

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
  // URLSession on Linux truncates its timeout to whole seconds, so 0.5 would time out at once.
  let timeout = timeout.rounded(.up)
  let configuration = URLSessionConfiguration.ephemeral
  configuration.urlCache = nil
  configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
  configuration.timeoutIntervalForRequest = timeout
  let session = URLSession(configuration: configuration)
  defer { session.finishTasksAndInvalidate() }

  let request = URLRequest(url: url, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData, timeoutInterval: timeout)
  let outcome = DownloadOutcome(url: url, timeout: timeout)
  session.dataTask(with: request) { data, response, error in
    outcome.finish(data: data, response: response, error: error)
  }.resume()
  return try outcome.wait()
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

/// Hands what URLSession's completion handler receives, as data or a ``DownloadError``, to the
/// thread waiting for it.
private final class DownloadOutcome: @unchecked Sendable {
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
