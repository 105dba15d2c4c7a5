import Foundation
import PlumbCore
import Synchronization

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One HTTP request and its answer: what `download(_:timeout:deadline:maximumBytes:)` and ``Webhook``
/// share, so both use the same limits and the same one-line errors (the luigid client's kept
/// connections, ``HTTPKeepAlive``, take the same ``Limits`` and give the same errors).
///
/// The request goes over a socket of Plumb's own (``PlainHTTPTransfer``; TLS through OpenSSL for
/// `https://`, the certificate checked against the system's authorities, or `SSL_CERT_FILE`), on a
/// thread of its own, and the answer's body is handed over piece by piece as it arrives: a server
/// that streams forever fills neither memory nor disk beyond ``Limits/maximumBytes``, and one that
/// sends a byte a second is stopped at ``Limits/deadline``, which an idle timeout would never do.
/// The deadline shuts the socket down, so an exchange never outlives its end.
///
/// URLSession is not used: on Linux it cannot stop a transfer in time (it goes on reading an answer
/// whose status was all the exchange needed, and `cancel()` waits for the one serial queue all
/// sessions share, which an endless answer keeps busy, so a webhook's end-of-run message never
/// left), and its upload from a file crashed the process when the server cut it off.
///
/// The exchange is written once, as ``start(receiving:finish:)``, whose `finish` is called once with the
/// outcome. The async `send` awaits that outcome; the synchronous forms block their thread until it
/// arrives (``BlockingOutcome``).
package final class HTTPExchange: @unchecked Sendable {
  /// How long an exchange may take and how much it may receive.
  package struct Limits: Sendable {
    /// Seconds the server may stay silent (while connecting or between bytes); whole seconds, a
    /// fraction rounds up (the socket's timeout).
    var timeout: TimeInterval
    /// Seconds the whole exchange may take, from the request to the answer's last byte.
    var deadline: TimeInterval
    /// Bytes the answer's body may have.
    var maximumBytes: Int

    package init(timeout: TimeInterval, deadline: TimeInterval, maximumBytes: Int) {
      self.timeout = timeout
      self.deadline = deadline
      self.maximumBytes = maximumBytes
    }
  }

  private let request: URLRequest
  private let limits: Limits
  /// Whether the body matters: a webhook only needs the status, so an answer whose status is in
  /// is complete for it, however long its body would be.
  private let wantsBody: Bool
  // Set by `start` before the request is sent, then called only on the exchange's thread: one
  // piece after the other.
  private var receive: (Data) throws -> Void = { _ in }

  private struct State {
    /// Stops the transfer under way: interrupts the socket.
    var stopTransfer: (@Sendable () -> Void)?
    /// Why the exchange was ended early; it wins over the interrupted socket's error.
    var outcome: Result<Void, any Error>?
    var received = 0
    var finish: (@Sendable (Result<Void, any Error>) -> Void)?
    /// Whether `finish` was called.
    var finished = false
  }

  private let state = Mutex(State())
  /// Held while a piece is checked and handed to `receive`.
  private let receiving = NSLock()

  /// An exchange with `url` (a `GET`, or a `POST` of `body` when there is one), not yet started.
  package init(to url: URL, body: Data? = nil, contentType: String? = nil, limits: Limits, wantsBody: Bool = true) {
    var request = URLRequest(
      url: url, cachePolicy: .reloadIgnoringLocalAndRemoteCacheData, timeoutInterval: limits.timeout.rounded(.up))
    if let body {
      request.httpMethod = "POST"
      request.httpBody = body
    }
    if let contentType { request.setValue(contentType, forHTTPHeaderField: "Content-Type") }
    self.request = request
    self.limits = limits
    self.wantsBody = wantsBody
  }

  /// Sends the request, hands each piece of a 2xx answer's body to `receive` on the exchange's
  /// thread (an error it throws ends the exchange with that error), and calls `finish` once, with
  /// success when the whole answer is in, or with the error to throw.
  ///
  /// ```swift
  /// HTTPExchange(to: url, limits: limits).start(receiving: { print($0.count) }) { print($0) }
  /// ```
  func start(
    receiving receive: @escaping (Data) throws -> Void, finish: @escaping @Sendable (Result<Void, any Error>) -> Void
  ) {
    self.receive = receive
    let cancelledEarly = state.withLock { state in
      state.finish = finish
      return state.outcome != nil
    }
    // Sends nothing: `complete` hands over the outcome `cancel()` gave.
    if cancelledEarly { return complete(with: nil) }
    let deadline = limits.deadline
    DispatchQueue.global().asyncAfter(deadline: .now() + deadline) { [weak self] in
      guard let self else { return }
      self.stop(with: .failure(DownloadError.deadlineExceeded(seconds: deadline, server: self.server)))
    }
    let thread = Thread { [self] in transfer(request) }
    thread.name = "plumb-http"
    thread.start()
  }

  /// Runs the exchange over a socket of its own, on the calling thread, following redirects of a
  /// `GET`, to `http://` or `https://`.
  private func transfer(_ first: URLRequest) {
    var request = first
    var redirects = 0
    while true {
      var location: URL?
      do {
        try PlainHTTPTransfer(request: request, timeout: limits.timeout).run(
          connected: { connection in
            let stopped = state.withLock { state in
              state.stopTransfer = { connection.interrupt() }
              return state.outcome != nil
            }
            if stopped { connection.interrupt() }
          },
          head: { head in
            if [301, 302, 303, 307, 308].contains(head.status), redirects < 10, request.httpMethod ?? "GET" == "GET",
              let target = head.fields["location"].flatMap({ URL(string: $0, relativeTo: request.url) })?.absoluteURL,
              ["http", "https"].contains(target.scheme?.lowercased())
            {
              location = target
              return false
            }
            return accept(status: head.status)
          },
          receive: { piece in
            guard accept(piece) else { throw CancellationError() }
          })
      } catch {
        return complete(with: error)
      }
      guard let target = location else { return complete(with: nil) }
      redirects += 1
      request.url = target
    }
  }

  /// Ends the exchange as cancelled, also before ``start(receiving:finish:)``, which then sends nothing.
  func cancel() {
    stop(with: .failure(CancellationError()))
  }

  /// Ends the exchange with `outcome` unless it already has one, and hands it over at once, then
  /// stops the transfer.
  private func stop(with outcome: Result<Void, any Error>) {
    let (stopping, stopTransfer) = state.withLock { state -> (Bool, (@Sendable () -> Void)?) in
      guard state.outcome == nil, !state.finished else { return (false, nil) }
      state.outcome = outcome
      return (true, state.stopTransfer)
    }
    guard stopping else { return }
    // A piece being handed to `receive` now is let finish; later ones are dropped. So nothing is
    // written into a caller's file once the caller has been told the exchange ended.
    receiving.withLock {}
    takeFinish()?(outcome)
    stopTransfer?()
  }

  /// The `finish` of ``start(receiving:finish:)``, to be called once; `nil` once it was taken.
  private func takeFinish() -> (@Sendable (Result<Void, any Error>) -> Void)? {
    state.withLock { state in
      defer {
        state.finished = true
        state.finish = nil
      }
      return state.finish
    }
  }

  /// `127.0.0.1:8000`: how messages name the server, without the URL's path (for a webhook, often
  /// a secret token).
  private var server: String { DownloadError.server(of: request.url!) }

  // MARK: - What the transfer reports

  /// Takes the answer's status: `false` when the exchange has ended with it (a status outside 2xx,
  /// or any 2xx status when the body does not matter).
  private func accept(status: Int) -> Bool {
    if !(200..<300).contains(status) {
      stop(with: .failure(DownloadError.httpStatus(code: status, url: request.url!.absoluteString)))
      return false
    } else if !wantsBody {
      stop(with: .success(()))
      return false
    }
    return true
  }

  /// Hands a piece of the body to `receive`, within the size limit; `false` once the exchange has
  /// ended (before this piece, or because of it).
  private func accept(_ data: Data) -> Bool {
    let taken = receiving.withLock { () -> Result<Bool, any Error> in
      // A piece read while the exchange was being ended is dropped.
      let withinLimit = state.withLock { state -> Bool? in
        guard state.outcome == nil else { return nil }
        state.received += data.count
        return state.received <= limits.maximumBytes
      }
      switch withinLimit {
      case nil:
        return .success(false)
      case false?:
        return .failure(DownloadError.tooLarge(limit: limits.maximumBytes, server: server))
      case true?:
        return Result { try receive(data) }.map { true }
      }
    }
    switch taken {
    case .success(let goesOn):
      return goesOn
    case .failure(let error):
      stop(with: .failure(error))
      return false
    }
  }

  /// Ends the exchange once the transfer is over, with `error` (already in Plumb's words) unless it
  /// ended early with an outcome of its own.
  private func complete(with error: (any Error)?) {
    let outcome = state.withLock { $0.outcome }
    takeFinish()?(outcome ?? error.map { .failure($0) } ?? .success(()))
  }
}

extension HTTPExchange {
  /// Sends one request to `url` (a `POST` of `body` when there is one) and returns the body of a 2xx
  /// answer, suspending rather than blocking while it waits.
  ///
  /// Cancelling the calling task cancels the request; a task cancelled before the call sends nothing.
  ///
  /// ```swift
  /// let data = try await HTTPExchange.send(to: url, limits: limits)
  /// ```
  ///
  /// - Throws: ``DownloadError`` for an answer outside 2xx, a refused connection, a timeout, a
  ///   deadline or limit passed; `CancellationError` when the task is cancelled.
  package static func send(
    to url: URL, body payload: Data? = nil, contentType: String? = nil, limits: Limits
  ) async throws -> Data {
    let body = Body()
    let exchange = HTTPExchange(to: url, body: payload, contentType: contentType, limits: limits)
    try await withTaskCancellationHandler {
      try await withCheckedThrowingContinuation { continuation in
        exchange.start(receiving: body.append) { continuation.resume(with: $0) }
      }
    } onCancel: {
      exchange.cancel()
    }
    return body.data
  }

  /// The exchange for synchronous callers (a synchronous task's `download`, the ``Webhook``
  /// observer): it blocks the calling thread until the answer is in, handing each piece of the body
  /// to `receive` (on another thread, while this one waits).
  ///
  /// It waits for the exchange's own thread, not for a Swift task running the async `send`: such a
  /// task needs a free thread of the cooperative pool (one per core), so two waits on pool threads
  /// of a 2-core machine would deadlock.
  ///
  /// ```swift
  /// try HTTPExchange(to: url, body: json, contentType: "application/json", limits: limits, wantsBody: false).wait()
  /// ```
  ///
  /// - Throws: ``DownloadError``, as the async `send` does, or what `receive` throws.
  package func wait(receiving receive: @escaping (Data) throws -> Void = { _ in }) throws {
    let outcome = BlockingOutcome<Void>()
    start(receiving: receive) { outcome.finish($0) }
    try outcome.wait()
  }

  /// The body of a 2xx answer from `url` (to a `POST` of `body` when there is one), blocking the
  /// calling thread; see ``wait(receiving:)``.
  package static func send(
    to url: URL, body payload: Data? = nil, contentType: String? = nil, limits: Limits
  ) throws -> Data {
    let body = Body()
    try HTTPExchange(to: url, body: payload, contentType: contentType, limits: limits).wait(receiving: body.append)
    return body.data
  }
}

/// The pieces of a body collected in memory, appended on the exchange's thread and read once
/// the exchange has finished (which the outcome's hand-over orders after the last append).
private final class Body: @unchecked Sendable {
  private(set) var data = Data()

  func append(_ piece: Data) { data.append(piece) }
}
