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
///
/// The calls go over connections kept open (``HTTPKeepAlive``), and calls that follow each other
/// without waiting for an answer in between (``call(_:log:)``) are written at once: luigid serves
/// them in order, as it would the same calls one by one, without waiting for this worker between them.
final class LuigidClient: Sendable {
  let scheduler: CentralScheduler
  private let connections: HTTPKeepAlive
  /// The path of luigid's API (`/api`, under the URL's own path): worked out once, because
  /// Foundation takes longer to join paths than a call's whole form takes to write.
  private let apiPath: String

  /// luigid's answers are small (a task's record at most); a larger one is not luigid's.
  private static let maximumBytes = 16 << 20

  init(_ scheduler: CentralScheduler) {
    self.scheduler = scheduler
    let timeout = max(scheduler.timeout, 0.1)
    connections = HTTPKeepAlive(
      scheduler.url, limits: HTTPExchange.Limits(timeout: timeout, deadline: timeout, maximumBytes: Self.maximumBytes))
    let endpoint = scheduler.url.appendingPathComponent("api")
    apiPath = URLComponents(url: endpoint, resolvingAgainstBaseURL: false)?.percentEncodedPath ?? "/api"
  }

  /// How many connections the client has opened: one for each caller exchanging at the same time
  /// as another, while luigid keeps them open.
  var connectionsOpened: Int { connections.connectionsOpened }

  /// Calls `method` once; returns the `response` of the answer.
  ///
  /// - Throws: ``DownloadError`` when luigid does not answer in time or answers outside 2xx,
  ///   ``CentralSchedulerError/invalidAnswer(url:method:)`` for an answer that is not luigid's.
  func callOnce(_ method: String, _ arguments: [String: JSONValue]) async throws -> JSONValue {
    try await callOnce([Call(method, arguments)])[0]
  }

  /// One call of a batch: the method and its arguments.
  struct Call: Sendable {
    var method: String
    var arguments: [String: JSONValue]

    init(_ method: String, _ arguments: [String: JSONValue]) {
      self.method = method
      self.arguments = arguments
    }
  }

  /// Makes `calls` once, in order, written at once; returns the `response` of each answer.
  /// `waitingHere` waits for the answers on the calling task's thread (``HTTPKeepAlive/sendWaitingHere(_:)``),
  /// for a task on a thread of its own.
  ///
  /// - Throws: as ``callOnce(_:_:)``, for the first call that failed.
  func callOnce(_ calls: [Call], waitingHere: Bool = false) async throws -> [JSONValue] {
    let requests = calls.map(request)
    let answers =
      waitingHere ? try await connections.sendWaitingHere(requests) : try await connections.send(requests)
    return try zip(answers, calls).map { try response(of: $0, method: $1.method) }
  }

  /// ``callOnce(_:_:)`` blocking the calling thread: for the pinging thread, which is not one of
  /// Swift's cooperative threads.
  func callBlocking(_ method: String, _ arguments: [String: JSONValue]) throws -> JSONValue {
    let call = Call(method, arguments)
    return try response(of: connections.send([request(call)])[0], method: method)
  }

  /// Calls `method`, trying again after a failure up to ``CentralScheduler/retryAttempts`` tries in
  /// all, each failure logged as a warning.
  ///
  /// - Throws: the last failure's error once every try failed; `CancellationError` when the calling
  ///   task is cancelled, also while waiting to try again.
  func call(_ method: String, _ arguments: [String: JSONValue], log: RunLog) async throws -> JSONValue {
    try await call([Call(method, arguments)], log: log)[0]
  }

  /// Makes `calls` in order, written at once, trying them all again after a failure as
  /// ``call(_:_:log:)`` does: each luigid call may be repeated (a task added, a status reported, work
  /// asked for: luigid hands a task it handed this worker already to it again). `waitingHere` as
  /// for ``callOnce(_:waitingHere:)``.
  func call(_ calls: [Call], log: RunLog, waitingHere: Bool = false) async throws -> [JSONValue] {
    let attempts = max(1, scheduler.retryAttempts)
    var attempt = 1
    while true {
      do {
        return try await callOnce(calls, waitingHere: waitingHere)
      } catch let error as CentralSchedulerError {
        throw error
      } catch is CancellationError {
        throw CancellationError()
      } catch {
        guard attempt < attempts else { throw error }
        log.warning(
          "the central scheduler at \(scheduler.address) did not answer \(calls.map(\.method).joined(separator: ", ")) "
            + "(\(error.oneLineDescription)); "
            + "trying again in \(DownloadError.format(scheduler.retryWait)) s (attempt \(attempt + 1) of \(attempts))")
        try await Task.sleep(nanoseconds: UInt64(max(0, scheduler.retryWait) * 1e9))
        attempt += 1
      }
    }
  }

  private static let formType = "application/x-www-form-urlencoded"

  private func request(_ call: Call) -> HTTPKeepAlive.Request {
    // Methods are Python names (`add_task`), which a path holds as they are.
    HTTPKeepAlive.Request(
      path: apiPath + "/" + call.method, body: Self.form(call.arguments), contentType: Self.formType)
  }

  /// `data=<JSON>`, percent-encoded as an HTML form would send it: every byte but letters, digits
  /// and `-._~` as `%XX`. Byte by byte into one buffer rather than with Foundation's
  /// `addingPercentEncoding`: the same bytes in a fraction of the time, time luigid would otherwise
  /// spend waiting for this worker.
  static func form(_ arguments: [String: JSONValue]) -> Data {
    var json: [UInt8] = []
    json.reserveCapacity(1024)
    JSONValue.object(arguments).write(to: &json)
    var bytes = Array("data=".utf8)
    bytes.reserveCapacity(bytes.count + json.count * 3)
    for byte in json {
      switch byte {
      case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "A")...UInt8(ascii: "Z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "."), UInt8(ascii: "_"),
        UInt8(ascii: "~"):
        bytes.append(byte)
      default:
        // One byte at a time: an array literal here would be allocated for each byte encoded.
        bytes.append(UInt8(ascii: "%"))
        bytes.append(hexDigits[Int(byte >> 4)])
        bytes.append(hexDigits[Int(byte & 15)])
      }
    }
    return Data(bytes)
  }

  private static let hexDigits = Array("0123456789ABCDEF".utf8)

  private func response(of data: Data, method: String) throws -> JSONValue {
    guard let answer = try? JSONValue(parsing: data), let response = answer["response"] else {
      throw CentralSchedulerError.invalidAnswer(url: scheduler.address, method: method)
    }
    return response
  }
}
