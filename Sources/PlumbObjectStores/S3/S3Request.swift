import Foundation
import PlumbCore
import PlumbNetwork
import Synchronization

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One signed request to an S3-compatible server and its answer, blocking the calling thread.
///
/// Bodies go up from memory: a large object goes up in parts (``S3ObjectStore``), so a body is at
/// most one part. `uploadTask(fromFile:)` is not used: on Linux an upload from a file that the
/// server cuts off crashed the process (a `try!` in FoundationNetworking's EasyHandle). The server
/// is spoken to over a socket of Plumb's own (``PlainHTTPTransfer``, with TLS for `https://`),
/// which a deadline stops at once, and a body that streams reaches its ``sink`` as it arrives.
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
    /// How many tries it took.
    var attempts = 1
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
  /// Where a 2xx answer's body goes as it arrives over a socket, instead of into the answer.
  var sink: BodySink? = nil

  /// The receiver of a body that streams, called on the caller's own thread during `send()`;
  /// closed when the read ends, after which no piece reaches it.
  final class BodySink {
    // The caller's own closure, called only on the caller's thread inside `send()` (the socket
    // transfer runs there); `close()` ends that for good before the closure goes out of scope.
    private let receive: (Data) throws -> Void
    private var closed = false
    /// What `receive` threw; the transfer stops at it.
    private(set) var failure: (any Error)?
    /// Whether a piece was handed over: the request can no longer be tried again.
    private(set) var received = false

    init(_ receive: @escaping (Data) throws -> Void) {
      self.receive = receive
    }

    /// Hands `piece` over; throws to stop the transfer when the sink is closed or `receive` threw.
    func take(_ piece: Data) throws {
      guard !closed, failure == nil else { throw CancellationError() }
      received = true
      do {
        try receive(piece)
      } catch {
        failure = error
        throw error
      }
    }

    func close() {
      closed = true
    }
  }

  /// `bucket/key` or `bucket`, for messages.
  var object: String { key.map { "\(bucket)/\($0)" } ?? bucket }

  /// S3's codes for "too many requests, slow down", which botocore retries (with 500, 502, 503 and
  /// 504, whatever their code).
  static let throttlingCodes: Set<String> = [
    "SlowDown", "Throttling", "ThrottlingException", "ThrottledException", "RequestThrottledException",
    "TooManyRequestsException", "RequestLimitExceeded", "BandwidthLimitExceeded", "RequestThrottled",
    "RequestTimeout", "RequestTimeoutException", "PriorRequestNotComplete",
  ]

  /// Sends the request, trying again as botocore does (``S3ObjectStore/maximumAttempts``), and
  /// returns the last answer, whatever its status.
  ///
  /// - Throws: ``S3Error`` when no answer came on the last try: connection refused, silence past
  ///   the timeout, the deadline passed; the message says how many tries were made.
  func send() throws -> Answer {
    let attempts = max(1, store.maximumAttempts)
    var attempt = 1
    while true {
      do {
        var answer = try sendOnce()
        answer.attempts = attempt
        let retryable =
          [500, 502, 503, 504].contains(answer.status)
          || answer.error.map { Self.throttlingCodes.contains($0.code) } == true
        guard retryable, attempt < attempts else { return answer }
      } catch let noAnswer as NoAnswer {
        if let failure = sink?.failure { throw failure }
        guard noAnswer.retryable, attempt < attempts, sink?.received != true else {
          throw failure(noAnswer.problem + (attempt > 1 ? " (tried \(attempt) times)" : ""))
        }
      }
      // botocore's standard mode: a random wait of up to base × 2^(retry − 1), at most 20 s.
      Thread.sleep(forTimeInterval: Double.random(in: 0...1) * min(20, store.retryBase * pow(2, Double(attempt - 1))))
      attempt += 1
    }
  }

  /// Sends the request once.
  private func sendOnce() throws -> Answer {
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

    let deadlinePassed = NoAnswer(
      problem: "stopped after \(Self.seconds(store.deadline)) s: no whole answer by the deadline", retryable: true)
    let answer: Answer?
    do {
      answer = try sendOverSocket(request)
    } catch is CancellationError {
      throw deadlinePassed
    } catch {
      throw NoAnswer(problem: describe(error), retryable: Self.isRetryable(error))
    }
    guard let answer else { throw deadlinePassed }
    return answer
  }

  /// Whether another try may get an answer: not from a host that does not exist, nor from a server
  /// whose certificate was refused (botocore would try again; the same certificate comes back).
  private static func isRetryable(_ error: any Error) -> Bool {
    switch error as? DownloadError {
    case .hostNotFound: false
    case .failed(_, let reason): !reason.hasPrefix(PlainHTTPTransfer.tlsPrefix)
    default: true
    }
  }

  /// Why a try got no answer, and whether another try may get one.
  private struct NoAnswer: Error {
    let problem: String
    let retryable: Bool
  }

  /// Sends `request` over a socket of its own, on the calling thread, so that a ``sink`` is only
  /// ever called while the caller waits; the deadline interrupts the connection. `nil` when the
  /// deadline passed.
  private func sendOverSocket(_ request: URLRequest) throws -> Answer? {
    let connection = Mutex<TCPConnection?>(nil)
    let timedOut = Mutex(false)
    let deadline = DispatchWorkItem {
      timedOut.withLock { $0 = true }
      connection.withLock { $0?.interrupt() }
    }
    DispatchQueue.global().asyncAfter(deadline: .now() + store.deadline, execute: deadline)
    defer { deadline.cancel() }
    var answer = Answer(status: 0, body: Data())
    do {
      try PlainHTTPTransfer(request: request, timeout: store.timeout, authorities: store.authorities).run(
        connected: { made in
          connection.withLock { $0 = made }
          if timedOut.withLock({ $0 }) { made.interrupt() }
        },
        head: { head in
          answer.status = head.status
          answer.headers = head.fields
          return true
        },
        receive: { piece in
          if let sink, (200..<300).contains(answer.status) {
            try sink.take(piece)
          } else {
            answer.body.append(piece)
          }
        })
    } catch {
      if timedOut.withLock({ $0 }) { return nil }
      throw error
    }
    return answer
  }

  /// An error for this request with `problem` and no status: the server gave no answer.
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
      problem: problem + (answer.attempts > 1 ? " (tried \(answer.attempts) times)" : ""))
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
    return "\(error)"
  }

  private static func seconds(_ value: Double) -> String {
    value == value.rounded() ? String(Int(value)) : String(value)
  }
}
