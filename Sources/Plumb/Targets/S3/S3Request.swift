import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One signed request to an S3-compatible server and its answer, blocking the calling thread.
///
/// Bodies go up from a file (`uploadTask(fromFile:)` reads it in pieces), so an upload of any size
/// is never held in memory; answers are small (errors, listings) except a `GET` of an object.
///
/// ```swift
/// let answer = try S3Request(store: store, method: "HEAD", bucket: "models", key: "iris.json").send()
/// ```
struct S3Request {
  /// What goes up with the request.
  enum Body {
    case none
    case data(Data)
    /// A finished file, with its size and the hex SHA-256 the signature covers.
    case file(URL, size: Int, sha256: String)
  }

  /// The server's answer.
  struct Answer {
    var status: Int
    var body: Data
    /// S3's error code and message from an XML error body, if there is one.
    var error: (code: String, message: String)? {
      let text = String(decoding: body.prefix(64_000), as: UTF8.self)
      guard let code = Self.element("Code", in: text) else { return nil }
      return (code, Self.element("Message", in: text) ?? "")
    }

    private static func element(_ name: String, in text: String) -> String? {
      guard let start = text.range(of: "<\(name)>"),
        let end = text.range(of: "</\(name)>", range: start.upperBound..<text.endIndex)
      else { return nil }
      return String(text[start.upperBound..<end.lowerBound])
    }
  }

  let store: S3ObjectStore
  let method: String
  let bucket: String
  var key: String? = nil
  var query: [String: String] = [:]
  var body: Body = .none
  var headers: [String: String] = [:]

  /// `bucket/key` or `bucket`, for messages.
  var object: String { key.map { "\(bucket)/\($0)" } ?? bucket }

  /// Sends the request and returns the answer, whatever its status.
  ///
  /// - Throws: ``S3Error`` when no answer came: connection refused, silence past the timeout,
  ///   the deadline passed.
  func send() throws -> Answer {
    let path = "/" + bucket + (key.map { "/" + $0 } ?? "")
    var address = store.endpointAddress + S3Signer.encode(path, keepingSlashes: true)
    if !query.isEmpty { address += "?" + S3Signer.canonicalQuery(query) }
    guard let url = URL(string: address) else { throw failure("the URL \(address) is not valid") }
    var request = URLRequest(
      url: url, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData, timeoutInterval: store.timeout.rounded(.up))
    request.httpMethod = method
    let payloadHash: String
    switch body {
    case .none:
      payloadHash = S3Signer.emptyPayloadHash
    case .data(let data):
      payloadHash = SHA256.hex(SHA256.digest(data))
      request.httpBody = data
    case .file(_, let size, let sha256):
      payloadHash = sha256
      request.setValue(String(size), forHTTPHeaderField: "Content-Length")
    }
    let signed = store.signer.headers(
      method: method, host: store.hostHeader, path: path, query: query, extraHeaders: headers,
      payloadHash: payloadHash, date: Date())
    for (name, value) in signed { request.setValue(value, forHTTPHeaderField: name) }

    final class Outcome: @unchecked Sendable {
      var result: Result<Answer, any Error>?
    }
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    let handler: @Sendable (Data?, URLResponse?, (any Error)?) -> Void = { data, response, error in
      if let error {
        outcome.result = .failure(error)
      } else {
        let status = (response as? HTTPURLResponse)?.statusCode ?? 0
        outcome.result = .success(Answer(status: status, body: data ?? Data()))
      }
      done.signal()
    }
    let task: URLSessionTask
    if case .file(let file, _, _) = body {
      task = Self.session.uploadTask(with: request, fromFile: file, completionHandler: handler)
    } else {
      task = Self.session.dataTask(with: request, completionHandler: handler)
    }
    task.resume()
    guard done.wait(timeout: .now() + store.deadline) == .success else {
      task.cancel()
      throw failure("stopped after \(Self.seconds(store.deadline)) s: no whole answer by the deadline")
    }
    switch outcome.result! {
    case .success(let answer): return answer
    case .failure(let error): throw failure(describe(error))
    }
  }

  /// An error for this request with `problem` and no status.
  func failure(_ problem: String) -> S3Error {
    S3Error(method: method, object: object, endpoint: store.endpointAddress, status: nil, code: nil, problem: problem)
  }

  /// An error for this request's `answer`, with S3's code and message when the body has them.
  func failure(_ answer: Answer) -> S3Error {
    let error = answer.error
    let problem: String
    if let error {
      problem = error.message
    } else {
      problem =
        switch answer.status {
        case 403: "access denied (wrong key or secret, or no permission)"
        case 404: "not found"
        default: HTTPURLResponse.localizedString(forStatusCode: answer.status)
        }
    }
    return S3Error(
      method: method, object: object, endpoint: store.endpointAddress, status: answer.status, code: error?.code,
      problem: problem)
  }

  private func describe(_ error: any Error) -> String {
    guard let error = error as? URLError else { return "\(error)" }
    switch error.code {
    case .cannotConnectToHost: return "connection refused"
    case .timedOut: return "timed out after \(Self.seconds(store.timeout.rounded(.up))) s without an answer"
    case .cannotFindHost, .dnsLookupFailed: return "host not found"
    default: return error.localizedDescription
    }
  }

  private static func seconds(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(value)
  }

  /// One uncached session for every S3 request of the process: it keeps connections alive between
  /// the calls of a run (exists, then put) and each request carries its own timeout.
  private static let session: URLSession = {
    let configuration = URLSessionConfiguration.ephemeral
    configuration.urlCache = nil
    configuration.requestCachePolicy = .reloadIgnoringLocalAndRemoteCacheData
    configuration.httpShouldSetCookies = false
    return URLSession(configuration: configuration)
  }()
}
