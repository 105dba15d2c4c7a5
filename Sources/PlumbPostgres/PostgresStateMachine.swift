/// The PostgreSQL frontend/backend protocol (version 3.0) as a value: bytes and requests in,
/// actions out, no I/O, so that every exchange (start-up, TLS answers, logins, queries, COPY,
/// errors at each stage) is tested without a server. ``PostgresConnection`` is the shell that
/// performs the actions on a socket. postgres-nio's `ConnectionStateMachine` is the model.
///
/// A request (``start(encryption:)``, ``query(_:)``, ``copyIn(_:)``…) returns the first action;
/// the shell performs it and asks ``nextAction()`` for the next, feeding what it reads to
/// ``received(_:)`` whenever the action is ``Action/read``, until a final action:
///
/// ```swift
/// var machine = PostgresStateMachine(settings: settings)
/// var action = machine.start(encryption: .never)  // .send([.startup(user: "plumb", database: "plumbtest")])
/// while true {
///   switch action {
///   case .send(let messages): try socket.write(PostgresFrontendMessage.encode(messages))
///   case .read: machine.received(try socket.read())
///   case .startTLS:
///     try socket.startTLS()
///     action = machine.tlsEstablished()
///     continue
///   default: return action  // loggedIn, finished, copyReady, failed or closeConnection
///   }
///   action = machine.nextAction()
/// }
/// ```
struct PostgresStateMachine {
  /// Whether to ask the server for TLS before the start-up message.
  enum Encryption: Equatable, Sendable {
    /// Plaintext.
    case never
    /// TLS when the server agrees, plaintext when it declines.
    case ifOffered
    /// TLS, or no connection.
    case always
  }

  /// What the shell does next.
  enum Action: Equatable {
    /// Read from the server and pass the bytes to ``received(_:)``; then ask ``nextAction()``.
    case read
    /// Send these messages; then ask ``nextAction()``.
    case send([PostgresFrontendMessage])
    /// Do the TLS handshake on the socket; then call ``tlsEstablished()``.
    case startTLS
    /// The server accepted the login and waits for a query.
    case loggedIn
    /// The query finished: the rows of its last result with rows, each value text or NULL.
    case finished([[String?]])
    /// The server waits for the rows of the COPY: send CopyData, then call ``copyDone()`` or
    /// ``copyFail(_:)``.
    case copyReady
    /// The request failed; the connection can take the next one.
    case failed(PostgresError)
    /// The connection is beyond use (the server refused the login, broke the protocol, or was
    /// lost): close the socket without a goodbye and report the error.
    case closeConnection(PostgresError)
  }

  /// Where the exchange stands.
  enum State: Equatable {
    /// Nothing sent yet.
    case initial
    /// SSLRequest sent; its one-byte answer awaited.
    case sslRequested(Encryption)
    /// The server agreed to TLS; the shell is doing the handshake.
    case negotiatingTLS
    /// The start-up message was sent; the authentication exchange goes on.
    case authenticating(PostgresAuthentication)
    /// The login was accepted; parameters and the key arrive until ReadyForQuery.
    case startingSession
    /// Waiting for a request.
    case ready
    /// A query was sent; its results arrive until ReadyForQuery.
    case querying(QueryProgress)
    /// A COPY was sent; CopyInResponse (or an error) is awaited.
    case startingCopy(error: PostgresError?)
    /// The shell is sending CopyData.
    case copying(error: PostgresError?)
    /// CopyDone or CopyFail was sent; the outcome arrives until ReadyForQuery.
    case endingCopy(error: PostgresError?)
    /// The session is over.
    case closed
  }

  /// The results of a query so far.
  struct QueryProgress: Equatable {
    /// The rows of the last finished result that had rows.
    var rows: [[String?]] = []
    /// The rows of the result arriving now.
    var current: [[String?]] = []
    /// The first error the server reported.
    var error: PostgresError?
  }

  /// Where the connection goes and who logs in.
  let settings: PostgresSettings
  private(set) var state: State = .initial
  /// The transaction state of the last ReadyForQuery: `I` idle, `T` in a transaction, `E` failed.
  private(set) var transactionState = UInt8(ascii: "I")
  /// SCRAM's client nonce; random unless a test fixes it.
  private let clientNonce: String?
  /// Bytes read and not yet decoded.
  private var input: [UInt8] = []
  private var inputStart = 0

  /// A machine for a session with the server of `settings`; `clientNonce` fixes SCRAM's nonce
  /// for tests (a random one otherwise).
  init(settings: PostgresSettings, clientNonce: String? = nil) {
    self.settings = settings
    self.clientNonce = clientNonce
  }

  /// Whether the session is over (closed, refused or lost).
  var isClosed: Bool { state == .closed }

  // MARK: - Requests

  /// Starts the session: SSLRequest first, unless `encryption` is `.never`.
  mutating func start(encryption: Encryption) -> Action {
    guard state == .initial else { return outOfStep("start") }
    if encryption == .never { return sendStartup() }
    state = .sslRequested(encryption)
    return .send([.sslRequest])
  }

  /// The shell finished the TLS handshake the machine asked for.
  mutating func tlsEstablished() -> Action {
    guard state == .negotiatingTLS else { return outOfStep("TLS") }
    return sendStartup()
  }

  /// Runs `sql` as a simple query (one or more statements, no parameters).
  mutating func query(_ sql: String) -> Action {
    if let refusal = refuseRequest() { return refusal }
    state = .querying(QueryProgress())
    return .send([.query(sql)])
  }

  /// Runs one statement with `$1`, `$2`, … bound to `parameters` (text; `nil` is NULL).
  mutating func query(_ sql: String, parameters: [String?]) -> Action {
    if let refusal = refuseRequest() { return refusal }
    state = .querying(QueryProgress())
    return .send([.parse(sql), .bind(parameters), .execute, .sync])
  }

  /// Starts `sql`, a `COPY … FROM STDIN`: ``Action/copyReady`` follows when the server waits for
  /// rows.
  mutating func copyIn(_ sql: String) -> Action {
    if let refusal = refuseRequest() { return refusal }
    state = .startingCopy(error: nil)
    return .send([.query(sql)])
  }

  /// Whether the shell may send CopyData now.
  var acceptsCopyData: Bool {
    if case .copying = state { return true }
    return false
  }

  /// Whether the server refused the COPY while rows were being sent: the shell should stop
  /// sending and end it with ``copyDone()``, which brings the error.
  var copyFailed: Bool {
    if case .copying(.some) = state { return true }
    return false
  }

  /// The rows are all sent.
  mutating func copyDone() -> Action {
    guard case .copying(let error) = state else { return outOfStep("CopyDone") }
    state = .endingCopy(error: error)
    return .send([.copyDone])
  }

  /// Abandons the COPY (the rows could not be produced): the server rolls it back.
  mutating func copyFail(_ reason: String) -> Action {
    guard case .copying(let error) = state else { return outOfStep("CopyFail") }
    state = .endingCopy(error: error)
    return .send([.copyFail(reason)])
  }

  /// Ends the session politely: Terminate, then the shell closes the socket. Nothing to send
  /// when it is over already.
  mutating func close() -> [PostgresFrontendMessage] {
    let open = state != .closed && state != .initial
    state = .closed
    return open ? [.terminate] : []
  }

  /// The shell lost the connection (a timeout, a reset, a failed TLS handshake).
  mutating func connectionLost() { state = .closed }

  // MARK: - Answers

  /// Takes bytes read from the server.
  mutating func received(_ bytes: some Collection<UInt8>) {
    // Decoded bytes go once they are half of what is kept: a long answer always ends in part of a
    // message, and would otherwise be kept whole.
    if inputStart > 0 && inputStart >= input.count / 2 {
      input.removeFirst(inputStart)
      inputStart = 0
    }
    input.append(contentsOf: bytes)
  }

  /// The next action: what the bytes received so far lead to, or ``Action/read`` when they are
  /// not enough.
  mutating func nextAction() -> Action {
    while true {
      if case .sslRequested(let encryption) = state {
        guard let answer = input.dropFirst(inputStart).first else { return .read }
        if answer != UInt8(ascii: "E") {
          inputStart += 1
          return sslAnswered(answer, encryption: encryption)
        }
        // An ErrorResponse (a server that cannot fork, or too old for SSLRequest): a whole message.
      }
      switch state {
      case .copying where inputStart == input.count: return .copyReady
      case .closed: return .failed(failure("the connection is closed"))
      // Nothing was asked of the server, so nothing is awaited.
      case .initial, .negotiatingTLS, .ready: return outOfStep("an answer")
      default: break
      }
      guard input.count - inputStart >= 5 else { return .read }
      let length =
        Int(input[inputStart + 1]) << 24 | Int(input[inputStart + 2]) << 16 | Int(input[inputStart + 3]) << 8
        | Int(input[inputStart + 4])
      // A PostgreSQL message is at most 1 GB; more is some other protocol (an HTTP server's "HTTP/").
      guard length >= 4, length <= 0x4000_0000 else {
        return closeConnection(failure("the server sent a malformed message"))
      }
      guard input.count - inputStart >= 1 + length else { return .read }
      let type = input[inputStart]
      let body = input[(inputStart + 5)..<(inputStart + 1 + length)]
      inputStart += 1 + length
      let message: PostgresBackendMessage
      do {
        message = try PostgresBackendMessage(type: type, body: body)
      } catch {
        return closeConnection(failure("the server sent a malformed message"))
      }
      if let action = receive(message) { return action }
    }
  }

  /// What `message` leads to, or nil when it needs no action (a row, a notice) and the next
  /// message is read.
  mutating func receive(_ message: PostgresBackendMessage) -> Action? {
    switch (state, message) {
    case (_, .notice), (_, .notification), (.startingSession, .backendKeyData):
      return nil
    case (.sslRequested, .error(let notice)), (.authenticating, .error(let notice)),
      (.startingSession, .error(let notice)):
      return closeConnection(serverError(notice))
    case (.authenticating(var authentication), .authentication(let request)):
      let action = authentication.receive(request)
      state = .authenticating(authentication)
      switch action {
      case .send(let message): return .send([message])
      case .wait: return nil
      case .authenticated:
        state = .startingSession
        return nil
      case .fail(let reason): return closeConnection(failure(reason))
      case .unexpected: return closeConnection(unexpected(message))
      }
    case (.startingSession, .parameterStatus):
      return nil
    case (.startingSession, .readyForQuery(let transaction)):
      transactionState = transaction
      state = .ready
      return .loggedIn
    case (.querying, _):
      return answer(message)
    case (.startingCopy(let error), _), (.copying(let error), _), (.endingCopy(let error), _):
      return copyAnswer(message, error: error)
    default:
      return closeConnection(unexpected(message))
    }
  }

  // MARK: - Start-up and authentication

  private mutating func sendStartup() -> Action {
    state = .authenticating(
      PostgresAuthentication(user: settings.user, password: settings.password, clientNonce: clientNonce))
    return .send([.startup(user: settings.user, database: settings.database)])
  }

  private mutating func sslAnswered(_ answer: UInt8, encryption: Encryption) -> Action {
    switch answer {
    case UInt8(ascii: "S"):
      // Bytes after the 'S' came in plaintext and could be a listener's (CVE-2021-23222).
      guard inputStart == input.count else {
        return closeConnection(failure("the server sent unencrypted data after agreeing to TLS"))
      }
      state = .negotiatingTLS
      return .startTLS
    case UInt8(ascii: "N"):
      guard encryption != .always else {
        return closeConnection(failure("server does not support SSL, but SSL was required"))
      }
      return sendStartup()
    default:
      return closeConnection(failure("the server answered the request for TLS with neither yes nor no"))
    }
  }

  // MARK: - Queries and COPY

  private mutating func answer(_ message: PostgresBackendMessage) -> Action? {
    guard case .querying(var progress) = state else { return nil }
    switch message {
    case .dataRow(let row):
      progress.current.append(row)
    case .rowDescription:
      progress.current = []
    case .commandComplete:
      if !progress.current.isEmpty { progress.rows = progress.current }
      progress.current = []
    case .error(let notice):
      if progress.error == nil { progress.error = serverError(notice) }
    case .readyForQuery(let transaction):
      transactionState = transaction
      state = .ready
      if let error = progress.error { return .failed(error) }
      return .finished(progress.rows)
    case .copyInResponse:
      // A COPY FROM STDIN through a query: it has no rows to take, so it is refused at once.
      state = .querying(progress)
      return .send([.copyFail("use copy(into:columns:rows:) for COPY FROM STDIN")])
    case .emptyQueryResponse, .parseComplete, .bindComplete, .closeComplete, .noData, .parameterDescription,
      .portalSuspended, .parameterStatus, .copyOutResponse, .copyData, .copyDone:
      break
    default:
      return closeConnection(unexpected(message))
    }
    state = .querying(progress)
    return nil
  }

  private mutating func copyAnswer(_ message: PostgresBackendMessage, error: PostgresError?) -> Action? {
    switch (state, message) {
    case (.startingCopy, .copyInResponse):
      state = .copying(error: error)
      return .copyReady
    case (.startingCopy, .error(let notice)):
      state = .startingCopy(error: error ?? serverError(notice))
    case (.copying, .error(let notice)):
      // The server gave up on the rows; it drops the rest, and CopyDone brings its ReadyForQuery.
      state = .copying(error: error ?? serverError(notice))
    case (.endingCopy, .error(let notice)):
      state = .endingCopy(error: error ?? serverError(notice))
    case (.copying, .readyForQuery(let transaction)), (.startingCopy, .readyForQuery(let transaction)),
      (.endingCopy, .readyForQuery(let transaction)):
      var started = true
      if case .startingCopy = state { started = false }
      transactionState = transaction
      state = .ready
      if let error { return .failed(error) }
      return started ? .finished([]) : .failed(failure("the server did not start the COPY"))
    case (.startingCopy, .commandComplete), (.endingCopy, .commandComplete), (_, .parameterStatus):
      break
    default:
      return closeConnection(unexpected(message))
    }
    return nil
  }

  // MARK: - Errors

  /// A request while another is under way or the session is over.
  private mutating func refuseRequest() -> Action? {
    switch state {
    case .ready: return nil
    case .closed: return .failed(failure("the connection is closed"))
    default: return outOfStep("a query")
    }
  }

  private mutating func outOfStep(_ request: String) -> Action {
    closeConnection(failure("\(request) was asked for \(stage)"))
  }

  private mutating func closeConnection(_ error: PostgresError) -> Action {
    state = .closed
    return .closeConnection(error)
  }

  private func unexpected(_ message: PostgresBackendMessage) -> PostgresError {
    failure("the server sent an unexpected message (\(message.name)) \(stage)")
  }

  /// Where the exchange stands, for messages: "during start-up", "after a query"…
  private var stage: String {
    switch state {
    case .initial: return "before the start"
    case .sslRequested, .negotiatingTLS: return "while asking for TLS"
    case .authenticating: return "during authentication"
    case .startingSession: return "during start-up"
    case .ready: return "while no query ran"
    case .querying: return "during a query"
    case .startingCopy, .copying, .endingCopy: return "during a COPY"
    case .closed: return "after the end"
    }
  }

  private func serverError(_ notice: PostgresServerNotice) -> PostgresError {
    PostgresError(server: settings.description, code: notice.code, message: "\(notice.severity) \(notice.message)")
  }

  private func failure(_ message: String) -> PostgresError {
    PostgresError(server: settings.description, message: message)
  }
}
