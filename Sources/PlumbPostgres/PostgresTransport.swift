import Foundation
import PlumbNetwork

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The socket under a ``PostgresConnection``: a ``TCPConnection``, encrypted (``TLSSession``, which
/// HTTPS shares) when the protocol asks for it, with every wait bounded by the settings' timeout and
/// every failure a one-line ``PostgresError``. It knows nothing of PostgreSQL's messages;
/// ``PostgresStateMachine`` does.
///
/// ```swift
/// let transport = try PostgresTransport(settings)
/// try transport.send(bytes)
/// let answer = try transport.receive()
/// ```
final class PostgresTransport {
  private let settings: PostgresSettings
  /// nil once closed.
  private var connection: TCPConnection?
  private var buffer = [UInt8](repeating: 0, count: 65_536)

  /// Connects to the server of `settings`.
  ///
  /// - Throws: ``PostgresError``: the host is unknown, the connection is refused or times out.
  init(_ settings: PostgresSettings) throws {
    self.settings = settings
    do {
      connection = try TCPConnection.connect(host: settings.host, port: settings.port, timeout: settings.timeout)
    } catch {
      switch error {
      case .hostNotFound(let reason): throw failure("host \(settings.host) not found: \(reason)")
      case .refused: throw failure("connection refused")
      case .timedOut: throw failure("no connection within \(timeoutText)")
      case .system(let reason), .tls(let reason): throw failure("cannot connect: \(reason)")
      case .interrupted: throw failure("cannot connect: interrupted")
      }
    }
  }

  deinit { drop() }

  /// Whether the socket is still open.
  var isOpen: Bool { connection != nil }

  /// Sends `bytes`, through TLS when the connection has it; on failure the socket is closed.
  func send(_ bytes: UnsafeRawBufferPointer) throws {
    guard let connection else { throw failure("the connection is closed") }
    do {
      try connection.send(bytes)
    } catch {
      drop()
      throw failure(error, timeout: "the server took nothing for \(timeoutText)")
    }
  }

  /// Sends `bytes`.
  func send(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try send($0) }
  }

  /// The next bytes from the server, as many as have come (at least one); on failure the socket
  /// is closed.
  func receive() throws -> ArraySlice<UInt8> {
    try receive(waiting: true)!
  }

  /// The bytes the server has sent already, nil when none have come: how a COPY notices the
  /// server's error between batches without waiting for it.
  func receiveIfReady() throws -> ArraySlice<UInt8>? {
    try receive(waiting: false)
  }

  private func receive(waiting: Bool) throws -> ArraySlice<UInt8>? {
    guard let connection else { throw failure("the connection is closed") }
    // Array's withUnsafeMutableBytes throws untyped errors: the failure comes out as a value.
    let outcome = buffer.withUnsafeMutableBytes { buffer -> Result<Int?, TCPConnection.Failure> in
      do throws(TCPConnection.Failure) {
        return .success(waiting ? try connection.receive(into: buffer) : try connection.receiveIfReady(into: buffer))
      } catch {
        return .failure(error)
      }
    }
    let received: Int?
    switch outcome {
    case .success(let count): received = count
    case .failure(let error):
      drop()
      throw failure(error, timeout: "no answer within \(timeoutText)")
    }
    guard let received else { return nil }
    guard received > 0 else {
      drop()
      throw failure("the server closed the connection")
    }
    return buffer[0..<received]
  }

  /// Ends TLS politely (close_notify) and closes the socket.
  func close() {
    connection?.shutdownAndClose()
    connection = nil
  }

  /// Closes the socket without a goodbye: after a timeout or a broken message, the stream is no
  /// longer in step with the server.
  func drop() {
    connection?.close()
    connection = nil
  }

  // MARK: - TLS

  /// Encrypts the connection once the server has agreed, checking the server's certificate as the
  /// mode says: `verify-ca` the chain, `verify-full` also the host; `require` and `prefer` only
  /// when a root certificate file is there, as libpq. The client certificate (``PostgresSettings/sslCert``)
  /// and the revocation list (``PostgresSettings/sslCRL``) are libpq's too.
  func startTLS() throws {
    guard let connection else { throw failure("the connection is closed") }
    let options = try tlsOptions()
    do {
      try connection.startTLS(options)
    } catch {
      throw failure(error, timeout: "no TLS handshake within \(timeoutText)", prefix: "TLS: ")
    }
  }

  /// What the settings ask of TLS, with libpq's default files under `~/.postgresql`.
  private func tlsOptions() throws -> TLSOptions {
    let home = FileManager.default.homeDirectoryForCurrentUser.appendingPathComponent(".postgresql")
    let exists = { (path: String) in FileManager.default.fileExists(atPath: path) }
    let sslMode = settings.sslMode
    let rootCertificates = settings.sslRootCert ?? home.appendingPathComponent("root.crt").path
    var options = TLSOptions(host: settings.host, authorities: .unchecked, checksHost: sslMode == .verifyFull)
    if sslMode == .verifyCA || sslMode == .verifyFull || rootCertificates == "system" || exists(rootCertificates) {
      if rootCertificates == "system" {
        options.authorities = .system
      } else if exists(rootCertificates) {
        options.authorities = .file(rootCertificates)
      } else {
        throw failure(
          "root certificate file \"\(rootCertificates)\" does not exist: set [postgres] sslrootcert or "
            + "PGSSLROOTCERT, use sslrootcert=system for the system's authorities, or sslmode=require")
      }
      // As libpq: a revocation list that is not there is no error (the default one rarely is).
      let list = settings.sslCRL ?? home.appendingPathComponent("root.crl").path
      if exists(list) { options.revocationList = list }
    }
    // As libpq: no certificate file, no client certificate (the server may then refuse the login).
    let certificate = settings.sslCert ?? home.appendingPathComponent("postgresql.crt").path
    guard exists(certificate) else { return options }
    let key = settings.sslKey ?? home.appendingPathComponent("postgresql.key").path
    var status = stat()
    guard stat(key, &status) == 0 else {
      throw failure("certificate present, but not private key file \"\(key)\"")
    }
    // libpq's rule: a key of the current user's that others may read is refused, and one of
    // root's that others may read or the group may write.
    let mode = status.st_mode & 0o777
    if (status.st_uid == geteuid() && mode & 0o077 != 0) || (status.st_uid == 0 && mode & 0o037 != 0) {
      throw failure(
        "private key file \"\(key)\" has group or world access; file must have permissions u=rw (0600) "
          + "or less if owned by the current user, or permissions u=rw,g=r (0640) or less if owned by root")
    }
    options.clientCertificate = certificate
    options.clientKey = key
    return options
  }

  // MARK: - Errors

  private func failure(_ error: TCPConnection.Failure, timeout: String, prefix: String = "") -> PostgresError {
    switch error {
    case .timedOut: return failure(prefix + timeout)
    case .system(let reason), .tls(let reason), .hostNotFound(let reason): return failure(prefix + reason)
    case .refused: return failure(prefix + "connection refused")
    case .interrupted: return failure(prefix + "interrupted")
    }
  }

  /// `30 s`: the timeout as messages give it.
  private var timeoutText: String { "\(Int(settings.timeout.rounded(.up))) s" }

  private func failure(_ message: String) -> PostgresError {
    PostgresError(server: settings.description, message: message)
  }
}
