import Foundation
import PlumbNetwork
import PlumbReporting
import PlumbWorkers

/// Calls luigid's JSON API: `POST /api/<method>` with the form field `data=<JSON arguments>`, as
/// Luigi's own `RemoteScheduler` does, answered by `{"response": ...}`.
///
/// Every call has ``CentralScheduler/timeout`` as its deadline and a size limit (``HTTPExchange``),
/// so a luigid that hangs or streams forever cannot stall a run; ``call(_:_:log:)`` tries again
/// as Luigi's client does (``CentralScheduler/retryAttempts`` times, ``CentralScheduler/retryWait``
/// apart).
final class LuigidClient: Sendable {
  let scheduler: CentralScheduler
  /// Each call is a connection of its own (``HTTPExchange``), over `https://` a TLS handshake too.
  private let limits: HTTPExchange.Limits

  /// luigid's answers are small (a task's record at most); a larger one is not luigid's.
  private static let maximumBytes = 16 << 20

  init(_ scheduler: CentralScheduler) {
    self.scheduler = scheduler
    let timeout = max(scheduler.timeout, 0.1)
    limits = HTTPExchange.Limits(timeout: timeout, deadline: timeout, maximumBytes: Self.maximumBytes)
  }

  /// Calls `method` once; returns the `response` of the answer.
  ///
  /// - Throws: ``DownloadError`` when luigid does not answer in time or answers outside 2xx,
  ///   ``CentralSchedulerError/invalidAnswer(url:method:)`` for an answer that is not luigid's.
  func callOnce(_ method: String, _ arguments: [String: JSONValue]) async throws -> JSONValue {
    let data = try await HTTPExchange.send(
      to: endpoint(method), body: Self.form(arguments), contentType: Self.formType, limits: limits)
    return try response(of: data, method: method)
  }

  /// ``callOnce(_:_:)`` blocking the calling thread: for the pinging thread, which is not one of
  /// Swift's cooperative threads.
  func callBlocking(_ method: String, _ arguments: [String: JSONValue]) throws -> JSONValue {
    let data = try HTTPExchange.send(
      to: endpoint(method), body: Self.form(arguments), contentType: Self.formType, limits: limits)
    return try response(of: data, method: method)
  }

  /// Calls `method`, trying again after a failure up to ``CentralScheduler/retryAttempts`` tries in
  /// all, each failure logged as a warning.
  ///
  /// - Throws: the last failure's error once every try failed; `CancellationError` when the calling
  ///   task is cancelled, also while waiting to try again.
  func call(_ method: String, _ arguments: [String: JSONValue], log: RunLog) async throws -> JSONValue {
    let attempts = max(1, scheduler.retryAttempts)
    var attempt = 1
    while true {
      do {
        return try await callOnce(method, arguments)
      } catch let error as CentralSchedulerError {
        throw error
      } catch is CancellationError {
        throw CancellationError()
      } catch {
        guard attempt < attempts else { throw error }
        log.warning(
          "the central scheduler at \(scheduler.address) did not answer \(method) (\(error.oneLineDescription)); "
            + "trying again in \(DownloadError.format(scheduler.retryWait)) s (attempt \(attempt + 1) of \(attempts))")
        try await Task.sleep(nanoseconds: UInt64(max(0, scheduler.retryWait) * 1e9))
        attempt += 1
      }
    }
  }

  private static let formType = "application/x-www-form-urlencoded"

  private func endpoint(_ method: String) -> URL {
    scheduler.url.appendingPathComponent("api").appendingPathComponent(method)
  }

  /// `data=<JSON>`, percent-encoded as an HTML form would send it.
  static func form(_ arguments: [String: JSONValue]) -> Data {
    var allowed = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789")
    allowed.insert(charactersIn: "-._~")
    let json = JSONValue.object(arguments).text
    return Data(("data=" + (json.addingPercentEncoding(withAllowedCharacters: allowed) ?? "")).utf8)
  }

  private func response(of data: Data, method: String) throws -> JSONValue {
    guard let answer = try? JSONValue(parsing: data), let response = answer["response"] else {
      throw CentralSchedulerError.invalidAnswer(url: scheduler.address, method: method)
    }
    return response
  }
}
