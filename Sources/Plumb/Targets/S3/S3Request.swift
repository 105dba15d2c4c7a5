import Foundation
import Synchronization

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One signed request to an S3-compatible server and its answer, blocking the calling thread.
///
/// Bodies go up from memory: a large object goes up in parts (``S3ObjectStore``), so a body is at
/// most one part. `uploadTask(fromFile:)` is not used: on Linux an upload from a file that the
/// server cuts off crashed the process (a `try!` in FoundationNetworking's EasyHandle). An
/// `http://` endpoint is spoken to over a socket of Plumb's own (``PlainHTTPTransfer``), which a
/// deadline stops at once; `https://` goes through URLSession.
///
/// ```swift
/// let answer = try S3Request(store: store, method: "HEAD", bucket: "models", key: "iris.json").send()
/// ```
struct S3Request {
  /// What goes up with the request.
  enum Body {
    case none
    case data(Data)
  }

  /// The server's answer.
  struct Answer: Sendable {
    var status: Int
    /// The headers, by lowercased name.
    var headers: [String: String] = [:]
    var body: Data
    /// S3's error code and message from an XML error body, if there is one.
    var error: (code: String, message: String)? {
      let text = String(decoding: body.prefix(64_000), as: UTF8.self)
      guard let code = Self.element("Code", in: text) else { return nil }
      return (code, Self.element("Message", in: text) ?? "")
    }

    /// The text of the first `<name>` element of `text`, an XML answer of S3's.
    static func element(_ name: String, in text: String) -> String? {
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
    }
    let signed = store.signer.headers(
      method: method, host: store.hostHeader, path: path, query: query, extraHeaders: headers,
      payloadHash: payloadHash, date: Date())
    for (name, value) in signed { request.setValue(value, forHTTPHeaderField: name) }

    let outcome = BlockingOutcome<Answer>()
    let stop =
      url.scheme?.lowercased() == "http"
      ? sendOverSocket(request, to: outcome) : sendOverURLSession(request, to: outcome)
    let answer: Answer
    do {
      guard let finished = try outcome.wait(until: .now() + store.deadline) else {
        stop()
        throw failure("stopped after \(Self.seconds(store.deadline)) s: no whole answer by the deadline")
      }
      answer = finished
    } catch let error as S3Error {
      throw error
    } catch {
      throw failure(describe(error))
    }
    return answer
  }

  /// Sends `request` over a socket of its own, on a thread of its own; the answer goes to `outcome`.
  /// Returns what stops the transfer.
  private func sendOverSocket(_ request: URLRequest, to outcome: BlockingOutcome<Answer>) -> @Sendable () -> Void {
    let connection = Mutex<TCPConnection?>(nil)
    let stopped = Mutex(false)
    let timeout = store.timeout
    Thread {
      var answer = Answer(status: 0, body: Data())
      do {
        try PlainHTTPTransfer(request: request, timeout: timeout).run(
          connected: { made in
            connection.withLock { $0 = made }
            if stopped.withLock({ $0 }) { made.interrupt() }
          },
          head: { head in
            answer.status = head.status
            answer.headers = head.fields
            return true
          },
          receive: { answer.body.append($0) })
        outcome.finish(.success(answer))
      } catch {
        outcome.finish(.failure(error))
      }
    }.start()
    return {
      stopped.withLock { $0 = true }
      connection.withLock { $0?.interrupt() }
    }
  }

  /// Sends `request` as a data task of the process's S3 session; the answer goes to `outcome`.
  /// Returns what stops the transfer.
  private func sendOverURLSession(_ request: URLRequest, to outcome: BlockingOutcome<Answer>) -> @Sendable () -> Void {
    let task = Self.session.dataTask(with: request) { data, response, error in
      if let error {
        outcome.finish(.failure(error))
      } else {
        let http = response as? HTTPURLResponse
        var headers: [String: String] = [:]
        for (name, value) in http?.allHeaderFields ?? [:] {
          headers["\(name)".lowercased()] = "\(value)"
        }
        outcome.finish(.success(Answer(status: http?.statusCode ?? 0, headers: headers, body: data ?? Data())))
      }
    }
    task.resume()
    return { task.cancel() }
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
    if let error = error as? DownloadError {
      switch error {
      case .connectionRefused: return "connection refused"
      case .timedOut: return "timed out after \(Self.seconds(store.timeout.rounded(.up))) s without an answer"
      case .hostNotFound: return "host not found"
      case .failed(_, let reason): return reason
      default: return "\(error)"
      }
    }
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
