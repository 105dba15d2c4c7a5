import Foundation
import PlumbWorkers

/// A connection to a PostgreSQL server speaking its wire protocol (version 3) in plain Swift: trust,
/// SCRAM-SHA-256, MD5 and password authentication, simple and extended queries with text
/// parameters, `COPY … FROM STDIN`, transactions; over TCP, in plaintext or encrypted with TLS
/// (Debian's OpenSSL) as ``PostgresSettings/sslMode`` says. When the mode requires TLS, the
/// server is asked for it before anything else is sent, and one without it is refused.
///
/// Every wait on the server is bounded by ``PostgresSettings/timeout``; every error is a one-line
/// ``PostgresError``. A connection is used by one thread at a time.
///
/// The protocol itself is `PostgresStateMachine`, tested without a server; this class is the
/// shell that performs its actions on a `PostgresTransport` (the socket, plain or TLS).
///
/// ```swift
/// let connection = try PostgresConnection(settings)
/// defer { connection.close() }
/// try connection.transaction {
///   try connection.query("INSERT INTO parts (id, name) VALUES ($1, $2)", ["1", "bolt"])
/// }
/// let rows = try connection.query("SELECT name FROM parts WHERE id = $1", ["1"])   // [["bolt"]]
/// ```
public final class PostgresConnection {
  /// Where this connection goes.
  ///
  /// ```swift
  /// print(connection.settings)   // 127.0.0.1:5432/warehouse
  /// ```
  public let settings: PostgresSettings
  private var machine: PostgresStateMachine
  private var transport: PostgresTransport?
  /// The rows of a COPY on their way, kept between copies for its memory.
  private var copyBuffer: PostgresCopyBuffer?
  /// Whether the last connection failed in its TLS handshake, which `prefer` answers in plaintext.
  private var handshakeFailed = false

  /// The transaction state of the last ReadyForQuery: `I` idle, `T` in a transaction, `E` failed.
  var transactionState: UInt8 { machine.transactionState }

  /// Connects and authenticates.
  ///
  /// ```swift
  /// let connection = try PostgresConnection(PostgresSettings(host: "127.0.0.1", database: "warehouse", user: "plumb"))
  /// ```
  ///
  /// - Throws: ``PostgresError``: a refused connection, a silent server, wrong credentials, a
  ///   missing database.
  public init(_ settings: PostgresSettings) throws {
    self.settings = settings
    machine = PostgresStateMachine(settings: settings)
    switch settings.sslMode {
    case .disable: try open(.never)
    case .prefer:
      do {
        try open(.ifOffered)
      } catch let failure as PostgresError where handshakeFailed {
        // libpq's prefer: a TLS handshake that fails, for whatever reason, is followed by a login in
        // plaintext on a new connection; when that fails too, both reasons are told.
        do { try open(.never) } catch let refusal as PostgresError {
          let without = (refusal.code.map { "\($0): " } ?? "") + refusal.message
          throw PostgresError(server: refusal.server, message: "\(failure.message); then without TLS: \(without)")
        }
      }
    case .require, .verifyCA, .verifyFull: try open(.always)
    case .allow:
      do {
        try open(.never)
      } catch let refusal as PostgresError where refusal.code != nil {
        // libpq's allow: a server that refuses the plaintext login is asked again over TLS.
        do { try open(.always) } catch { throw refusal }
      }
    }
  }

  /// Connects, encrypts as `encryption` says and logs in; on failure the socket is closed.
  private func open(_ encryption: PostgresStateMachine.Encryption) throws {
    handshakeFailed = false
    machine = PostgresStateMachine(settings: settings)
    transport = try PostgresTransport(settings)
    guard case .loggedIn = try perform(machine.start(encryption: encryption)) else {
      transport?.drop()
      throw outOfStep()
    }
  }

  deinit { close() }

  /// Ends the session politely (Terminate, and TLS's close_notify) and closes the socket; later
  /// calls throw.
  ///
  /// ```swift
  /// defer { connection.close() }
  /// ```
  public func close() {
    guard let transport else { return }
    let goodbye = machine.close()
    if transport.isOpen && !goodbye.isEmpty { try? transport.send(PostgresFrontendMessage.encode(goodbye)) }
    transport.close()
    self.transport = nil
  }

  // MARK: - Queries

  /// Runs `sql` (one or more statements, no parameters) and returns the rows of the last one that
  /// has rows, each value as text or `nil` for NULL.
  ///
  /// ```swift
  /// try connection.execute("CREATE TABLE parts (id INT, name TEXT)")
  /// ```
  @discardableResult
  public func execute(_ sql: String) throws -> [[String?]] {
    try rows(perform(machine.query(sql)))
  }

  /// Runs one statement with `$1`, `$2`, … bound to `parameters` (as text, `nil` for NULL) and
  /// returns its rows, each value as text or `nil` for NULL.
  ///
  /// ```swift
  /// try connection.query("SELECT 1 FROM table_updates WHERE update_id = $1 LIMIT 1", [id])
  /// ```
  @discardableResult
  public func query(_ sql: String, _ parameters: [String?] = []) throws -> [[String?]] {
    try rows(perform(machine.query(sql, parameters: parameters)))
  }

  /// Copies `rows` into `columns` of `table` with `COPY … FROM STDIN` (text format), sending them
  /// in pieces of 256 KB as they come, and returns how many rows were copied. A row the server
  /// refuses (a broken constraint, a malformed value) stops the sending at the next piece, and its
  /// error is thrown; the connection stays usable. If sending fails, the connection is over, and
  /// the server keeps nothing of the copy or of its transaction.
  ///
  /// `table` and `columns` are written into the statement as given: quote them yourself if they
  /// need it.
  ///
  /// ```swift
  /// try connection.copy(into: "parts", columns: ["id", "name"], rows: [["1", "bolt"], ["2", nil]])
  /// ```
  // Inlinable so that the loop is specialized for the caller's sequence: iterating a generic
  // sequence through its witnesses took half of a million-row copy's time.
  @inlinable
  @discardableResult
  public func copy(into table: String, columns: [String], rows: some Sequence<[String?]>) throws -> Int {
    let buffer = try beginCopy(into: table, columns: columns)
    var count = 0
    for row in rows {
      buffer.append(row)
      count += 1
      if buffer.isFull { try sendCopyData(buffer) }
    }
    try endCopy(buffer)
    return count
  }

  /// Runs `body` in a transaction: `BEGIN`, then `COMMIT` if it returns, `ROLLBACK` if it throws
  /// (and the error is thrown on).
  ///
  /// ```swift
  /// try connection.transaction { try connection.execute("DELETE FROM parts") }
  /// ```
  @discardableResult
  public func transaction<Result>(_ body: () throws -> Result) throws -> Result {
    try execute("BEGIN")
    do {
      let result = try body()
      try execute("COMMIT")
      return result
    } catch {
      if !machine.isClosed { _ = try? execute("ROLLBACK") }
      throw error
    }
  }

  // MARK: - COPY

  /// Sends the COPY statement and waits until the server takes rows.
  @usableFromInline
  func beginCopy(into table: String, columns: [String]) throws -> PostgresCopyBuffer {
    let sql = "COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN"
    guard case .copyReady = try perform(machine.copyIn(sql)) else { throw outOfStep() }
    let buffer = copyBuffer ?? PostgresCopyBuffer()
    copyBuffer = buffer
    buffer.removeAll()
    return buffer
  }

  /// Sends the rows gathered in `buffer` and empties it; throws the server's error as soon as one
  /// has come, rather than after the last row.
  @usableFromInline
  func sendCopyData(_ buffer: PostgresCopyBuffer) throws {
    guard machine.acceptsCopyData, let transport else { throw outOfStep() }
    do {
      try transport.send(buffer.finishedMessage())
    } catch {
      machine.connectionLost()
      throw error
    }
    buffer.removeAll()
    // The server answers during a COPY only to refuse it (ErrorResponse, then ReadyForQuery; the
    // rows still on their way are dropped), so a look without waiting costs a poll per 256 KB.
    guard let bytes = try io({ try $0.receiveIfReady() }) else { return }
    machine.received(bytes)
    guard case .copyReady = try perform(machine.nextAction()) else { throw outOfStep() }
    // The error came without its ReadyForQuery yet: CopyDone (which the server drops) ends the
    // COPY and throws the error once ReadyForQuery is in.
    if machine.copyFailed { _ = try perform(machine.copyDone()) }
  }

  /// Sends what is left and CopyDone, and waits for the server's verdict.
  @usableFromInline
  func endCopy(_ buffer: PostgresCopyBuffer) throws {
    if !buffer.isEmpty { try sendCopyData(buffer) }
    guard case .finished = try perform(machine.copyDone()) else { throw outOfStep() }
  }

  // MARK: - The shell

  /// Performs `action` and those that follow until the machine comes to a result: the result, or
  /// the error thrown.
  private func perform(_ first: PostgresStateMachine.Action) throws -> PostgresStateMachine.Action {
    var action = first
    while true {
      switch action {
      case .send(let messages):
        try io { try $0.send(PostgresFrontendMessage.encode(messages)) }
        action = machine.nextAction()
      case .read:
        let bytes = try io { try $0.receive() }
        machine.received(bytes)
        action = machine.nextAction()
      case .startTLS:
        do {
          try io { try $0.startTLS() }
        } catch {
          handshakeFailed = true
          throw error
        }
        action = machine.tlsEstablished()
      case .loggedIn, .finished, .copyReady:
        return action
      case .failed(let error):
        throw error
      case .closeConnection(let error):
        transport?.drop()
        throw error
      }
    }
  }

  /// Runs `body` on the transport; when it fails the connection is over.
  private func io<T>(_ body: (PostgresTransport) throws -> T) throws -> T {
    guard let transport, transport.isOpen else {
      machine.connectionLost()
      throw PostgresError(server: settings.description, message: "the connection is closed")
    }
    do {
      return try body(transport)
    } catch {
      transport.drop()
      machine.connectionLost()
      throw error
    }
  }

  private func rows(_ action: PostgresStateMachine.Action) throws -> [[String?]] {
    guard case .finished(let rows) = action else { throw outOfStep() }
    return rows
  }

  /// An answer the request cannot have: a bug in the machine rather than the server's doing.
  private func outOfStep() -> PostgresError {
    PostgresError(server: settings.description, message: "the protocol went out of step")
  }
}
