internal import COpenSSL
import Foundation
import PlumbNetwork

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The socket under a ``PostgresConnection``: TCP, then TLS (Debian's OpenSSL) when the protocol
/// asks for it, with every wait bounded by the settings' timeout and every failure a one-line
/// ``PostgresError``. It knows nothing of PostgreSQL's messages; ``PostgresStateMachine`` does.
///
/// ```swift
/// let transport = try PostgresTransport(settings)
/// try transport.send(bytes)
/// let answer = try transport.receive()
/// ```
final class PostgresTransport {
  private let settings: PostgresSettings
  private var socket: Int32 = -1
  /// The TLS session on `socket` (OpenSSL's `SSL *`), or nil in plaintext.
  private var tls: OpaquePointer?
  private var buffer = [UInt8](repeating: 0, count: 65_536)

  /// Connects to the server of `settings`.
  ///
  /// - Throws: ``PostgresError``: the host is unknown, the connection is refused or times out.
  init(_ settings: PostgresSettings) throws {
    self.settings = settings
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

  deinit { drop() }

  /// Whether the socket is still open.
  var isOpen: Bool { socket >= 0 }

  /// Sends `bytes`, through TLS when the connection has it; on failure the socket is closed.
  func send(_ bytes: UnsafeRawBufferPointer) throws {
    guard socket >= 0 else { throw failure("the connection is closed") }
    var sent = 0
    while sent < bytes.count {
      let start = bytes.baseAddress! + sent
      let length = bytes.count - sent
      let count: Int
      if let tls {
        count = Int(SSL_write(tls, start, Int32(clamping: length)))
      } else {
        count = Glibc.send(socket, start, length, Int32(MSG_NOSIGNAL))
      }
      if count <= 0 {
        if tls == nil && errno == EINTR { continue }
        let reason = problem(after: count, in: tls, timeout: "the server took nothing for \(timeoutText)")
        drop()
        throw failure(reason ?? "the server closed the connection")
      }
      sent += count
    }
  }

  /// Sends `bytes`.
  func send(_ bytes: [UInt8]) throws {
    try bytes.withUnsafeBytes { try send($0) }
  }

  /// The next bytes from the server, as many as have come (at least one); on failure the socket
  /// is closed.
  func receive() throws -> ArraySlice<UInt8> {
    guard socket >= 0 else { throw failure("the connection is closed") }
    while true {
      let received = buffer.withUnsafeMutableBytes { buffer in
        if let tls { return Int(SSL_read(tls, buffer.baseAddress, Int32(buffer.count))) }
        return Glibc.recv(socket, buffer.baseAddress, buffer.count, 0)
      }
      if received > 0 { return buffer[0..<received] }
      if tls == nil && received < 0 && errno == EINTR { continue }
      let reason = problem(after: received, in: tls, timeout: "no answer within \(timeoutText)")
      drop()
      throw failure(reason ?? "the server closed the connection")
    }
  }

  /// Ends TLS politely (close_notify) and closes the socket.
  func close() {
    if let tls { SSL_shutdown(tls) }
    drop()
  }

  /// Closes the socket without a goodbye: after a timeout or a broken message, the stream is no
  /// longer in step with the server.
  func drop() {
    guard socket >= 0 else { return }
    if let tls { SSL_free(tls) }  // and its BIO; the socket is closed here
    tls = nil
    Glibc.close(socket)
    socket = -1
  }

  // MARK: - TLS

  /// The socket BIO of every TLS session: OpenSSL has a few hundred BIO types in all, so one
  /// for the process.
  nonisolated(unsafe) private static let socketMethod: OpaquePointer? = plumb_bio_method_new()

  /// Encrypts the connection once the server has agreed, checking the server's certificate as the
  /// mode says: `verify-ca` the chain, `verify-full` also the host; `require` and `prefer` only
  /// when a root certificate file is there, as libpq.
  func startTLS() throws {
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

  // MARK: - Errors

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

  private func failure(_ message: String) -> PostgresError {
    PostgresError(server: settings.description, message: message)
  }
}
