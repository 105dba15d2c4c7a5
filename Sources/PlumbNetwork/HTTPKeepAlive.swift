import Foundation
import Synchronization

/// HTTP/1.1 `POST`s to one server over connections kept open from one exchange to the next, with
/// several requests written at once (pipelined) when the caller has several: how the luigid client
/// talks to luigid.
///
/// luigid serves one request at a time on one Python thread, and a connection of its own for each
/// request costs it an accept and a close besides; between two requests sent one after the other,
/// it also waits idle while the worker reads the answer and writes the next request. A kept
/// connection saves the first; pipelining the second: the server reads a connection's requests one
/// after the other and answers them in that order, so a batch is served exactly as the same requests
/// sent one at a time, in the same order, would be, without the wait between them.
///
/// Each exchange has ``HTTPExchange``'s limits: an idle timeout on the socket, a deadline for the
/// whole batch (which shuts the socket down), a size limit for each answer. A connection goes back
/// to the idle ones only once every answer of its batch was read to its end and none said
/// `Connection: close`; any failure closes it.
package final class HTTPKeepAlive: Sendable {
  /// One `POST`: `body` of type `contentType` to `path` (such as `/api/get_work`).
  package struct Request: Sendable {
    package var path: String
    package var body: Data
    package var contentType: String

    package init(path: String, body: Data, contentType: String) {
      self.path = path
      self.body = body
      self.contentType = contentType
    }
  }

  private let url: URL
  /// The URL's host, without the brackets of an IPv6 address; empty when the URL has none.
  private let host: String
  private let port: Int
  private let limits: HTTPExchange.Limits
  private let idle = Mutex<[TCPConnection]>([])
  private let opened = Atomic<Int>(0)

  /// At most this many requests are written before their answers are read: the answers wait in the
  /// sockets' buffers meanwhile, and a server that cannot write an answer stops reading requests.
  package static let batchLimit = 32

  /// Exchanges with the server of `url` (`http://` or `https://`, its host and port; the requests
  /// name their paths), within `limits`. A URL of another kind fails each exchange.
  package init(_ url: URL, limits: HTTPExchange.Limits) {
    self.url = url
    host = url.host ?? ""
    port = DownloadError.port(of: url)
    self.limits = limits
  }

  /// How many connections these exchanges have opened so far: one per caller that exchanges at the
  /// same time as another, when the server keeps them open.
  package var connectionsOpened: Int { opened.load(ordering: .relaxed) }

  /// Sends `requests`, pipelined (``batchLimit`` at a time), and returns the body of each answer, in
  /// order; blocks the calling thread.
  ///
  /// A kept connection the server has closed meanwhile (restarted, or idle too long) fails before
  /// any answer comes: the requests then go once more over a new connection, so they must be ones
  /// that may be repeated (as every luigid call is: its client repeats them after a failure).
  ///
  /// - Throws: ``DownloadError`` for an answer outside 2xx, a refused connection, a timeout, a
  ///   deadline or limit passed.
  package func send(_ requests: [Request]) throws -> [Data] {
    try send(requests, stop: Stop())
  }

  private func send(_ requests: [Request], stop: Stop) throws -> [Data] {
    guard !host.isEmpty else { throw DownloadError.invalidURL(url.absoluteString) }
    guard ["http", "https"].contains(url.scheme?.lowercased()) else {
      throw DownloadError.unsupportedScheme(url: url.absoluteString)
    }
    var answers: [Data] = []
    var start = 0
    while start < requests.count {
      let batch = Array(requests[start..<min(requests.count, start + Self.batchLimit)])
      answers += try sendBatch(batch, stop: stop)
      start += batch.count
    }
    return answers
  }

  /// ``send(_:)`` on a thread of its own, suspending rather than blocking the calling task;
  /// cancelling the task interrupts the exchange.
  package func send(_ requests: [Request]) async throws -> [Data] {
    let stop = Stop()
    return try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        let thread = Thread { [self] in continuation.resume(with: Result { try send(requests, stop: stop) }) }
        thread.name = "plumb-http"
        thread.start()
      }
    } onCancel: {
      stop.interrupt(with: CancellationError())
    }
  }

  /// ``send(_:)`` waiting for the answers on the calling thread, which it blocks meanwhile (up to
  /// the deadline): for a task on a thread of its own (a ``TaskExecutor`` of one thread), never on
  /// Swift's shared threads. The answer then resumes the task where it is, without the hop from
  /// another thread, which costs luigid a pause between a run's calls. Cancelling the task
  /// interrupts the exchange.
  package func sendWaitingHere(_ requests: [Request]) async throws -> [Data] {
    let stop = Stop()
    return try await withTaskCancellationHandler {
      try send(requests, stop: stop)
    } onCancel: {
      stop.interrupt(with: CancellationError())
    }
  }

  /// Interrupts an exchange from another thread (a cancelled task, a passed deadline): the one under
  /// way, or the next to start, ends with the error given.
  private final class Stop: Sendable {
    private struct State {
      var reason: (any Error)?
      var connection: TCPConnection?
    }
    private let state = Mutex(State())

    /// Ends the exchange with `reason`, unless it already has one.
    func interrupt(with reason: any Error) {
      let connection = state.withLock { state -> TCPConnection? in
        guard state.reason == nil else { return nil }
        state.reason = reason
        return state.connection
      }
      connection?.interrupt()
    }

    /// Why the exchange was interrupted, if it was.
    var reason: (any Error)? { state.withLock { $0.reason } }

    /// Watches `connection` from now on, or interrupts it at once when the exchange was already stopped.
    func watch(_ connection: TCPConnection?) {
      let stopped = state.withLock { state -> Bool in
        state.connection = connection
        return state.reason != nil
      }
      if stopped { connection?.interrupt() }
    }
  }

  private func sendBatch(_ batch: [Request], stop: Stop) throws -> [Data] {
    let deadline = limits.deadline
    let timer = DispatchWorkItem { [server] in
      stop.interrupt(with: DownloadError.deadlineExceeded(seconds: deadline, server: server))
    }
    DispatchQueue.global().asyncAfter(deadline: .now() + deadline, execute: timer)
    defer { timer.cancel() }
    do {
      let (connection, reused) = try takeConnection(stop: stop)
      do {
        return try exchange(batch, over: connection, stop: stop)
      } catch Retry.staleConnection where reused {
        return try exchange(batch, over: try openConnection(stop: stop), stop: stop)
      }
    } catch let failure as TCPConnection.Failure {
      throw stop.reason ?? describe(failure)
    } catch Retry.staleConnection {
      throw stop.reason ?? DownloadError.failed(url: url.absoluteString, reason: Self.closedWithoutAnswer)
    } catch {
      throw stop.reason ?? error
    }
  }

  private enum Retry: Error {
    /// The server closed the connection before answering the first request.
    case staleConnection
  }

  private static let closedWithoutAnswer = "the server closed the connection without answering"

  private func takeConnection(stop: Stop) throws -> (TCPConnection, reused: Bool) {
    if let connection = idle.withLock({ $0.popLast() }) { return (connection, true) }
    return (try openConnection(stop: stop), false)
  }

  private func openConnection(stop: Stop) throws -> TCPConnection {
    if let reason = stop.reason { throw reason }
    let connection = try TCPConnection.connect(host: host, port: port, timeout: limits.timeout)
    opened.add(1, ordering: .relaxed)
    stop.watch(connection)
    if url.scheme?.lowercased() == "https" {
      let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
      try connection.startTLS(TLSOptions(host: name, authorities: .system))
    }
    return connection
  }

  /// Writes `batch` in one go over `connection` and reads the answers; puts the connection back
  /// among the idle ones when it may carry more, closes it otherwise.
  private func exchange(_ batch: [Request], over connection: TCPConnection, stop: Stop) throws -> [Data] {
    stop.watch(connection)
    var keeps = false
    defer {
      stop.watch(nil)
      if keeps { idle.withLock { $0.append(connection) } } else { connection.close() }
    }
    var bytes = Data()
    for request in batch { bytes.append(head(of: request)) }
    let sent = Result { () throws(TCPConnection.Failure) in try connection.send(bytes) }
    // EPIPE, ECONNRESET: the server had closed a kept connection.
    if case .failure(.system) = sent { throw Retry.staleConnection }
    try sent.get()
    let incoming = Incoming(connection: connection)
    var answers: [Data] = []
    var closes = false
    for _ in batch {
      let answer: PlainHTTPTransfer.Head
      do {
        answer = try PlainHTTPTransfer.readHead(incoming, url: url.absoluteString, server: server)
      } catch  where answers.isEmpty && !incoming.hasReceived && stop.reason == nil && !Self.isTimeout(error) {
        throw Retry.staleConnection
      }
      guard (200..<300).contains(answer.status) else {
        throw DownloadError.httpStatus(code: answer.status, url: url.absoluteString)
      }
      guard let text = answer.fields["content-length"], let length = Int(text.trimmingCharacters(in: .whitespaces)),
        length >= 0
      else { throw DownloadError.invalidHTTP(server: server) }
      guard length <= limits.maximumBytes else {
        throw DownloadError.tooLarge(limit: limits.maximumBytes, server: server)
      }
      var body = Data(capacity: length)
      while body.count < length {
        guard let piece = try incoming.some(upTo: length - body.count) else {
          throw DownloadError.failed(
            url: url.absoluteString, reason: "the server closed the connection before the end of its answer")
        }
        body.append(piece)
      }
      answers.append(body)
      closes = closes || answer.fields["connection"]?.lowercased().contains("close") == true
    }
    keeps = !closes && !incoming.hasUnread
    return answers
  }

  /// Whether `error` says the server stayed silent, which another connection would not mend.
  private static func isTimeout(_ error: any Error) -> Bool {
    if let failure = error as? TCPConnection.Failure { return failure == .timedOut || failure == .interrupted }
    return false
  }

  /// The bytes of `request`, headers and body.
  private func head(of request: Request) -> Data {
    let hostField =
      (host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host) + (url.port.map { ":\($0)" } ?? "")
    var bytes = Data(
      ("POST \(request.path) HTTP/1.1\r\nHost: \(hostField)\r\nContent-Type: \(request.contentType)\r\n"
        + "Content-Length: \(request.body.count)\r\n\r\n").utf8)
    bytes.append(request.body)
    return bytes
  }

  /// `127.0.0.1:8082`, as errors name the server.
  private var server: String { DownloadError.server(of: url) }

  private func describe(_ failure: TCPConnection.Failure) -> any Error {
    switch failure {
    case .hostNotFound: return DownloadError.hostNotFound(host: host)
    case .refused: return DownloadError.connectionRefused(host: host, port: port)
    case .timedOut: return DownloadError.timedOut(seconds: limits.timeout.rounded(.up), url: url.absoluteString)
    case .interrupted: return CancellationError()
    case .system(let reason): return DownloadError.failed(url: url.absoluteString, reason: reason)
    case .tls(let reason):
      return DownloadError.failed(url: url.absoluteString, reason: PlainHTTPTransfer.tlsPrefix + reason)
    }
  }
}
