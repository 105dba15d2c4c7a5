internal import COpenSSL
import Foundation

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// A connection to a PostgreSQL server speaking its wire protocol (version 3) in plain Swift: trust,
/// SCRAM-SHA-256, MD5 and password authentication, simple and extended queries with text
/// parameters, `COPY … FROM STDIN`, transactions; over TCP, in plaintext or encrypted with TLS
/// (Debian's OpenSSL) as ``PostgresSettings/sslMode`` says. When the mode requires TLS, the
/// server is asked for it before anything else is sent, and one without it is refused.
///
/// Every wait on the server is bounded by ``PostgresSettings/timeout``; every error is a one-line
/// ``PostgresError``. A connection is used by one thread at a time.
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
  public let settings: PostgresSettings
  private var socket: Int32 = -1
  /// The TLS session on `socket` (OpenSSL's `SSL *`), or nil in plaintext.
  private var tls: OpaquePointer?
  private var input: [UInt8] = []
  private var inputStart = 0
  /// The transaction state of the last ReadyForQuery: `I` idle, `T` in a transaction, `E` failed.
  private(set) var transactionState: UInt8 = UInt8(ascii: "I")

  /// Connects and authenticates.
  ///
  /// - Throws: ``PostgresError``: a refused connection, a silent server, wrong credentials, a
  ///   missing database.
  public init(_ settings: PostgresSettings) throws {
    self.settings = settings
    switch settings.sslMode {
    case .disable: try open(.never)
    case .prefer: try open(.ifOffered)
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

  private enum Encryption { case never, ifOffered, always }

  /// Connects, encrypts as `encryption` says and logs in; on failure the socket is closed.
  private func open(_ encryption: Encryption) throws {
    try connect()
    do {
      if encryption != .never {
        if try requestTLS() {
          try startTLS()
        } else if encryption == .always {
          throw failure("server does not support SSL, but SSL was required")
        }
      }
      try startUp()
    } catch {
      dropConnection()
      throw error
    }
  }

  deinit { close() }

  /// Ends the session politely (Terminate, and TLS's close_notify) and closes the socket; later
  /// calls throw.
  public func close() {
    guard socket >= 0 else { return }
    var terminate = Message(UInt8(ascii: "X"))
    _ = try? send(terminate.finish())
    if let tls { SSL_shutdown(tls) }
    dropConnection()
  }

  // MARK: - Queries

  /// Runs `sql` (one or more statements, no parameters) and returns the rows of the last one that
  /// has rows, each value as text or `nil` for NULL.
  @discardableResult
  public func execute(_ sql: String) throws -> [[String?]] {
    var message = Message(UInt8(ascii: "Q"))
    message.append(string: sql)
    try send(message.finish())
    return try readResults()
  }

  /// Runs one statement with `$1`, `$2`, … bound to `parameters` (as text, `nil` for NULL) and
  /// returns its rows, each value as text or `nil` for NULL.
  ///
  /// ```swift
  /// try connection.query("SELECT 1 FROM table_updates WHERE update_id = $1 LIMIT 1", [id])
  /// ```
  @discardableResult
  public func query(_ sql: String, _ parameters: [String?] = []) throws -> [[String?]] {
    var bytes: [UInt8] = []
    var parse = Message(UInt8(ascii: "P"))
    parse.append(string: "")
    parse.append(string: sql)
    parse.append(int16: 0)
    bytes += parse.finish()
    var bind = Message(UInt8(ascii: "B"))
    bind.append(string: "")
    bind.append(string: "")
    bind.append(int16: 0)
    bind.append(int16: Int16(parameters.count))
    for parameter in parameters {
      if let parameter {
        let value = Array(parameter.utf8)
        bind.append(int32: Int32(value.count))
        bind.bytes += value
      } else {
        bind.append(int32: -1)
      }
    }
    bind.append(int16: 0)
    bytes += bind.finish()
    var execute = Message(UInt8(ascii: "E"))
    execute.append(string: "")
    execute.append(int32: 0)
    bytes += execute.finish()
    var sync = Message(UInt8(ascii: "S"))
    bytes += sync.finish()
    try send(bytes)
    return try readResults()
  }

  /// Copies `rows` into `columns` of `table` with `COPY … FROM STDIN` (text format), sending them
  /// in pieces of 64 KB as they come, and returns how many rows were copied. If `rows` throws,
  /// the copy is abandoned (CopyFail) and nothing of it stays.
  ///
  /// `table` and `columns` are written into the statement as given: quote them yourself if they
  /// need it.
  @discardableResult
  public func copy(into table: String, columns: [String], rows: some Sequence<[String?]>) throws -> Int {
    var message = Message(UInt8(ascii: "Q"))
    message.append(string: "COPY \(table) (\(columns.joined(separator: ", "))) FROM STDIN")
    try send(message.finish())
    // The server answers CopyInResponse, or an error (no such table) and ReadyForQuery.
    while true {
      let (type, body) = try readMessage()
      if type == UInt8(ascii: "G") { break }
      if type == UInt8(ascii: "E") {
        let error = serverError(body)
        try skipToReady()
        throw error
      }
      if type == UInt8(ascii: "Z") { throw failure("the server did not start the COPY") }
    }
    var count = 0
    var pending: [UInt8] = []
    pending.reserveCapacity(70_000)
    do {
      for row in rows {
        for (index, value) in row.enumerated() {
          if index > 0 { pending.append(UInt8(ascii: "\t")) }
          Self.appendCopyText(value, to: &pending)
        }
        pending.append(UInt8(ascii: "\n"))
        count += 1
        if pending.count >= 65_536 {
          try sendCopyData(pending)
          pending.removeAll(keepingCapacity: true)
        }
      }
      if !pending.isEmpty { try sendCopyData(pending) }
    } catch {
      var fail = Message(UInt8(ascii: "f"))
      fail.append(string: "the rows could not be produced")
      try? send(fail.finish())
      _ = try? readResults()
      throw error
    }
    var done = Message(UInt8(ascii: "c"))
    try send(done.finish())
    try readResults()
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
      if socket >= 0 { _ = try? execute("ROLLBACK") }
      throw error
    }
  }

  // MARK: - Start-up and authentication

  private func connect() throws {
    do {
      socket = try TCPConnection.openSocket(host: settings.host, port: settings.port, timeout: settings.timeout)
    } catch {
      switch error {
      case .hostNotFound(let reason): throw failure("host \(settings.host) not found: \(reason)")
      case .refused: throw failure("connection refused")
      case .timedOut: throw failure("no connection within \(timeoutText)")
      case .system(let reason): throw failure("cannot connect: \(reason)")
      case .interrupted: throw failure("cannot connect: interrupted")
      }
    }
  }

  /// Asks the server for TLS (SSLRequest) before anything else is sent: whether it agreed.
  private func requestTLS() throws -> Bool {
    var request = Message(nil)
    request.append(int32: 80_877_103)
    try send(request.finish())
    try fill(1)
    switch input[inputStart] {
    case UInt8(ascii: "S"):
      inputStart += 1
      // Bytes after the 'S' came in plaintext and could be a listener's (CVE-2021-23222).
      guard inputStart == input.count else {
        dropConnection()
        throw failure("the server sent unencrypted data after agreeing to TLS")
      }
      return true
    case UInt8(ascii: "N"):
      inputStart += 1
      return false
    case UInt8(ascii: "E"):
      throw serverError(try readMessage().1)
    default:
      dropConnection()
      throw failure("the server answered the request for TLS with neither yes nor no")
    }
  }

  /// The socket BIO of every TLS session: OpenSSL has a few hundred BIO types in all, so one
  /// for the process.
  nonisolated(unsafe) private static let socketMethod: OpaquePointer? = plumb_bio_method_new()

  /// Encrypts the connection once the server has agreed, checking the server's certificate as the
  /// mode says: `verify-ca` the chain, `verify-full` also the host; `require` and `prefer` only
  /// when a root certificate file is there, as libpq.
  private func startTLS() throws {
    let mode = settings.sslMode
    let rootCertificates =
      settings.sslRootCert
      ?? FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".postgresql/root.crt").path
    let verifies =
      mode == .verifyCA || mode == .verifyFull || rootCertificates == "system"
      || FileManager.default.fileExists(atPath: rootCertificates)
    guard let context = SSL_CTX_new(TLS_client_method()) else { throw failure("TLS: \(Self.openSSLErrors())") }
    defer { SSL_CTX_free(context) }  // the session keeps its own reference
    _ = plumb_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION)
    if verifies {
      if rootCertificates == "system" {
        SSL_CTX_set_default_verify_paths(context)
      } else if !FileManager.default.fileExists(atPath: rootCertificates) {
        throw failure(
          "root certificate file \"\(rootCertificates)\" does not exist: set [postgres] sslrootcert or "
            + "PGSSLROOTCERT, use sslrootcert=system for the system's authorities, or sslmode=require")
      } else if SSL_CTX_load_verify_locations(context, rootCertificates, nil) != 1 {
        throw failure("cannot read root certificate file \"\(rootCertificates)\": \(Self.openSSLErrors())")
      }
      SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
    }
    guard let session = SSL_new(context) else { throw failure("TLS: \(Self.openSSLErrors())") }
    guard let method = Self.socketMethod, let channel = plumb_bio_new(method, socket) else {
      SSL_free(session)
      throw failure("TLS: \(Self.openSSLErrors())")
    }
    SSL_set_bio(session, channel, channel)
    let address = Self.isIPAddress(settings.host)
    if !address { _ = plumb_SSL_set_tlsext_host_name(session, settings.host) }  // SNI, as libpq sends it
    if mode == .verifyFull {
      let named =
        address
        ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(session), settings.host) : SSL_set1_host(session, settings.host)
      guard named == 1 else {
        SSL_free(session)
        throw failure("TLS: cannot check the certificate against host \(settings.host): \(Self.openSSLErrors())")
      }
    }
    ERR_clear_error()
    let result = SSL_connect(session)
    guard result == 1 else {
      let verification = SSL_get_verify_result(session)
      var reason = problem(after: Int(result), in: session, timeout: "no TLS handshake within \(timeoutText)")
      if verification == Int(X509_V_ERR_HOSTNAME_MISMATCH) || verification == Int(X509_V_ERR_IP_ADDRESS_MISMATCH) {
        reason = "the server's certificate is not for host \(settings.host)"
      } else if verification != Int(X509_V_OK) {
        reason =
          "the server's certificate is not trusted: \(String(cString: X509_verify_cert_error_string(verification)))"
      }
      SSL_free(session)
      throw failure("TLS: \(reason ?? "the server closed the connection during the handshake")")
    }
    tls = session
  }

  private static func isIPAddress(_ host: String) -> Bool {
    var address = in6_addr()
    return inet_pton(AF_INET, host, &address) == 1 || inet_pton(AF_INET6, host, &address) == 1
  }

  /// OpenSSL's queued errors, oldest first, in one line.
  private static func openSSLErrors() -> String {
    var reasons: [String] = []
    while case let code = ERR_get_error(), code != 0 {
      reasons.append(ERR_reason_error_string(code).map { String(cString: $0) } ?? "error \(code)")
    }
    return reasons.isEmpty ? "unknown error" : reasons.joined(separator: "; ")
  }

  private func startUp() throws {
    var startup = Message(nil)
    startup.append(int32: 196_608)  // protocol 3.0
    for (name, value) in [("user", settings.user), ("database", settings.database), ("client_encoding", "UTF8")] {
      startup.append(string: name)
      startup.append(string: value)
    }
    startup.bytes.append(0)
    try send(startup.finish())
    var scram: SCRAM?
    while true {
      let (type, body) = try readMessage()
      switch type {
      case UInt8(ascii: "R"):
        var reader = Reader(body)
        let code = try reader.int32()
        switch code {
        case 0:
          continue
        case 3:
          var message = Message(UInt8(ascii: "p"))
          message.append(string: try password(for: "password"))
          try send(message.finish())
        case 5:
          let salt = try reader.bytes(4)
          let inner = MD5.hex(Array((try password(for: "MD5") + settings.user).utf8))
          var message = Message(UInt8(ascii: "p"))
          message.append(string: "md5" + MD5.hex(Array(inner.utf8) + salt))
          try send(message.finish())
        case 10:
          let mechanisms = String(decoding: reader.rest(), as: UTF8.self).split(separator: "\0")
          guard mechanisms.contains("SCRAM-SHA-256") else {
            throw failure("the server offers \(mechanisms.joined(separator: ", ")), not SCRAM-SHA-256")
          }
          let exchange = SCRAM(password: try password(for: "SCRAM-SHA-256"))
          scram = exchange
          let first = Array(exchange.clientFirstMessage.utf8)
          var message = Message(UInt8(ascii: "p"))
          message.append(string: "SCRAM-SHA-256")
          message.append(int32: Int32(first.count))
          message.bytes += first
          try send(message.finish())
        case 11:
          guard let exchange = scram else { throw failure("SCRAM continue without a start") }
          let final = try exchange.clientFinalMessage(serverFirst: String(decoding: reader.rest(), as: UTF8.self))
          var message = Message(UInt8(ascii: "p"))
          message.bytes += Array(final.utf8)
          try send(message.finish())
        case 12:
          guard let exchange = scram, exchange.verify(serverFinal: String(decoding: reader.rest(), as: UTF8.self))
          else { throw failure("the server's SCRAM signature is wrong: it does not know the password") }
        default:
          throw failure("the server asks for an authentication Plumb does not speak (code \(code))")
        }
      case UInt8(ascii: "E"):
        throw serverError(body)
      case UInt8(ascii: "Z"):
        transactionState = body.first ?? UInt8(ascii: "I")
        return
      default:
        continue  // ParameterStatus, BackendKeyData, notices
      }
    }
  }

  private func password(for method: String) throws -> String {
    guard let password = settings.password else {
      throw failure(
        "the server asks for a password (\(method)) for user \(settings.user): set [postgres] password or PGPASSWORD")
    }
    return password
  }

  // MARK: - Answers

  /// Reads answers up to ReadyForQuery; returns the rows of the last result with rows, or throws
  /// the first error the server reported.
  @discardableResult
  private func readResults() throws -> [[String?]] {
    var rows: [[String?]] = []
    var current: [[String?]] = []
    var error: PostgresError?
    while true {
      let (type, body) = try readMessage()
      switch type {
      case UInt8(ascii: "D"):
        var reader = Reader(body)
        let count = Int(try reader.int16())
        var row: [String?] = []
        row.reserveCapacity(count)
        for _ in 0..<count {
          let length = Int(try reader.int32())
          row.append(length < 0 ? nil : String(decoding: try reader.bytes(length), as: UTF8.self))
        }
        current.append(row)
      case UInt8(ascii: "T"):
        current = []
      case UInt8(ascii: "C"):
        if !current.isEmpty { rows = current }
        current = []
      case UInt8(ascii: "E"):
        if error == nil { error = serverError(body) }
      case UInt8(ascii: "G"):
        // A COPY FROM STDIN through execute(): there is nothing to send.
        var fail = Message(UInt8(ascii: "f"))
        fail.append(string: "use copy(into:columns:rows:) for COPY FROM STDIN")
        try send(fail.finish())
      case UInt8(ascii: "Z"):
        transactionState = body.first ?? UInt8(ascii: "I")
        if let error { throw error }
        return rows
      default:
        continue
      }
    }
  }

  private func skipToReady() throws {
    while true {
      let (type, body) = try readMessage()
      if type == UInt8(ascii: "Z") {
        transactionState = body.first ?? UInt8(ascii: "I")
        return
      }
    }
  }

  private func serverError(_ body: [UInt8]) -> PostgresError {
    var fields: [UInt8: String] = [:]
    var start = 0
    while start < body.count, body[start] != 0 {
      let field = body[start]
      var end = start + 1
      while end < body.count, body[end] != 0 { end += 1 }
      fields[field] = String(decoding: body[(start + 1)..<end], as: UTF8.self)
      start = end + 1
    }
    let severity = fields[UInt8(ascii: "V")] ?? fields[UInt8(ascii: "S")] ?? "ERROR"
    return PostgresError(
      server: settings.description, code: fields[UInt8(ascii: "C")],
      message: "\(severity) \(fields[UInt8(ascii: "M")] ?? "(no message)")")
  }

  private func failure(_ message: String) -> PostgresError {
    PostgresError(server: settings.description, message: message)
  }

  // MARK: - Bytes

  private func sendCopyData(_ data: [UInt8]) throws {
    var message = Message(UInt8(ascii: "d"))
    message.bytes += data
    try send(message.finish())
  }

  /// Sends `bytes`, through TLS when the connection has it.
  private func send(_ bytes: [UInt8]) throws {
    guard socket >= 0 else { throw failure("the connection is closed") }
    var sent = 0
    while sent < bytes.count {
      let count = bytes.withUnsafeBytes { buffer in
        let start = buffer.baseAddress! + sent
        let length = buffer.count - sent
        if let tls { return Int(SSL_write(tls, start, Int32(clamping: length))) }
        return Glibc.send(socket, start, length, Int32(MSG_NOSIGNAL))
      }
      if count <= 0 {
        if tls == nil && errno == EINTR { continue }
        let reason = problem(after: count, in: tls, timeout: "the server took nothing for \(timeoutText)")
        dropConnection()
        throw failure(reason ?? "the server closed the connection")
      }
      sent += count
    }
  }

  /// The next message: its type byte and its body.
  private func readMessage() throws -> (UInt8, [UInt8]) {
    try fill(5)
    let type = input[inputStart]
    let length =
      Int(input[inputStart + 1]) << 24 | Int(input[inputStart + 2]) << 16 | Int(input[inputStart + 3]) << 8
      | Int(input[inputStart + 4])
    guard length >= 4 else {
      dropConnection()
      throw failure("the server sent a malformed message")
    }
    try fill(1 + length)
    let body = Array(input[(inputStart + 5)..<(inputStart + 1 + length)])
    inputStart += 1 + length
    return (type, body)
  }

  /// Reads until `count` bytes wait after `inputStart`.
  private func fill(_ count: Int) throws {
    guard socket >= 0 else { throw failure("the connection is closed") }
    if inputStart > 0 && input.count - inputStart < count {
      input.removeFirst(inputStart)
      inputStart = 0
    }
    var buffer = [UInt8](repeating: 0, count: 65_536)
    while input.count - inputStart < count {
      let received = buffer.withUnsafeMutableBytes { buffer in
        if let tls { return Int(SSL_read(tls, buffer.baseAddress, Int32(buffer.count))) }
        return Glibc.recv(socket, buffer.baseAddress, buffer.count, 0)
      }
      if received > 0 {
        input += buffer[0..<received]
      } else if tls == nil && received < 0 && errno == EINTR {
        continue
      } else {
        let reason = problem(after: received, in: tls, timeout: "no answer within \(timeoutText)")
        dropConnection()
        throw failure(reason ?? "the server closed the connection")
      }
    }
  }

  /// Why a read or write that returned `result` (at most 0) failed, or nil when the server closed
  /// the connection; `session` is the TLS session, nil in plaintext. Called straight after the
  /// call, while `errno` and OpenSSL's error queue still hold its cause.
  private func problem(after result: Int, in session: OpaquePointer?, timeout: String) -> String? {
    let code = errno
    var plaintextProblem: String? {
      code == EAGAIN || code == EWOULDBLOCK ? timeout : String(cString: strerror(code))
    }
    guard let session else { return result == 0 ? nil : plaintextProblem }
    switch SSL_get_error(session, Int32(clamping: result)) {
    case SSL_ERROR_ZERO_RETURN: return nil
    // The socket's timeouts, reported by OpenSSL as a wish to try again.
    case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return timeout
    case SSL_ERROR_SYSCALL: return code == 0 ? nil : plaintextProblem
    default: return Self.openSSLErrors()
    }
  }

  /// `30 s`: the timeout as messages give it.
  private var timeoutText: String { "\(Int(settings.timeout.rounded(.up))) s" }

  /// Closes the socket without a goodbye: after a timeout or a broken message, the stream is no
  /// longer in step with the server.
  private func dropConnection() {
    guard socket >= 0 else { return }
    if let tls { SSL_free(tls) }  // and its BIO; the socket is closed here
    tls = nil
    Glibc.close(socket)
    socket = -1
  }

  /// `value` in COPY's text format: `\N` for NULL, and backslash, tab, newline and return escaped.
  private static func appendCopyText(_ value: String?, to bytes: inout [UInt8]) {
    guard let value else {
      bytes += [UInt8(ascii: "\\"), UInt8(ascii: "N")]
      return
    }
    for byte in value.utf8 {
      switch byte {
      case UInt8(ascii: "\\"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "\\")]
      case UInt8(ascii: "\t"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "t")]
      case UInt8(ascii: "\n"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "n")]
      case UInt8(ascii: "\r"): bytes += [UInt8(ascii: "\\"), UInt8(ascii: "r")]
      default: bytes.append(byte)
      }
    }
  }
}

/// A frontend message being built: a type byte (none for the start-up message), a length, a body.
private struct Message {
  let type: UInt8?
  var bytes: [UInt8] = []

  init(_ type: UInt8?) { self.type = type }

  mutating func append(int32 value: Int32) {
    let bits = UInt32(bitPattern: value)
    bytes += [
      UInt8(bits >> 24), UInt8(truncatingIfNeeded: bits >> 16), UInt8(truncatingIfNeeded: bits >> 8),
      UInt8(truncatingIfNeeded: bits),
    ]
  }

  mutating func append(int16 value: Int16) {
    let bits = UInt16(bitPattern: value)
    bytes += [UInt8(bits >> 8), UInt8(truncatingIfNeeded: bits)]
  }

  /// A C string: UTF-8 and a NUL.
  mutating func append(string: String) {
    bytes += Array(string.utf8)
    bytes.append(0)
  }

  /// The message with its type and length.
  mutating func finish() -> [UInt8] {
    let length = UInt32(bytes.count + 4)
    let header = [
      UInt8(length >> 24), UInt8(truncatingIfNeeded: length >> 16), UInt8(truncatingIfNeeded: length >> 8),
      UInt8(truncatingIfNeeded: length),
    ]
    return (type.map { [$0] } ?? []) + header + bytes
  }
}

/// Reads the fields of a backend message's body.
private struct Reader {
  let bytes: [UInt8]
  var offset = 0

  init(_ bytes: [UInt8]) { self.bytes = bytes }

  struct Short: Error {}

  mutating func int32() throws -> Int32 {
    let raw = try self.bytes(4)
    return Int32(bitPattern: UInt32(raw[0]) << 24 | UInt32(raw[1]) << 16 | UInt32(raw[2]) << 8 | UInt32(raw[3]))
  }

  mutating func int16() throws -> Int16 {
    let raw = try self.bytes(2)
    return Int16(bitPattern: UInt16(raw[0]) << 8 | UInt16(raw[1]))
  }

  mutating func bytes(_ count: Int) throws -> [UInt8] {
    guard count >= 0, offset + count <= bytes.count else { throw Short() }
    defer { offset += count }
    return Array(bytes[offset..<(offset + count)])
  }

  mutating func rest() -> [UInt8] {
    defer { offset = bytes.count }
    return Array(bytes[offset...])
  }
}
