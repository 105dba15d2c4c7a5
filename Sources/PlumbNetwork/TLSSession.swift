internal import COpenSSL
import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What a TLS client checks of the server and shows of itself: the one place where PostgreSQL's
/// `sslmode` family and the S3 store's `ca_bundle` become OpenSSL settings.
///
/// ```swift
/// let options = TLSOptions(host: "s3.example.com", authorities: .file("/etc/ssl/team-ca.pem"))
/// try connection.startTLS(options)
/// ```
package struct TLSOptions: Sendable, Hashable {
  /// The authorities the server's certificate must chain to.
  package enum Authorities: Sendable, Hashable {
    /// OpenSSL's default locations: `SSL_CERT_FILE` and `SSL_CERT_DIR` when set, else the
    /// system's (`/etc/ssl/certs`).
    case system
    /// The certificates (PEM) in this file.
    case file(String)
    /// None: any certificate is taken (PostgreSQL's `sslmode=require`, boto3's `verify=False`).
    case unchecked
  }

  /// The host connected to: sent as the server name (SNI) when it is a name, and checked against
  /// the certificate when ``checksHost``.
  package var host: String
  package var authorities: Authorities = .system
  /// Whether the certificate must name ``host`` (PostgreSQL's `verify-full`, every HTTPS client).
  package var checksHost = true
  /// The client's certificate chain (PEM), for a server that asks for one, and its key.
  package var clientCertificate: String? = nil
  package var clientKey: String? = nil
  /// Revoked certificates (a PEM CRL): a server certificate listed there is refused.
  package var revocationList: String? = nil

  package init(host: String, authorities: Authorities = .system, checksHost: Bool = true) {
    self.host = host
    self.authorities = authorities
    self.checksHost = checksHost
  }
}

/// One TLS session (OpenSSL's `SSL *`) over a connected socket, used by the one thread that owns the
/// socket: the TLS of ``TCPConnection``, which HTTPS and PostgreSQL share.
///
/// The socket's own timeouts bound every wait; OpenSSL reports them as a wish to try again.
final class TLSSession {
  private let session: OpaquePointer

  /// The socket BIO of every session: OpenSSL has a few hundred BIO types in all, so one for the
  /// process. Plumb's own, so that a write to a closed connection raises no SIGPIPE (see shim.h).
  nonisolated(unsafe) private static let socketMethod: OpaquePointer? = plumb_bio_method_new()

  /// Shakes hands over `descriptor` as `options` say.
  ///
  /// - Throws: ``TCPConnection/Failure/tls(_:)`` naming what was refused (an untrusted or
  ///   revoked certificate, another host's, a client certificate that cannot be read), or the
  ///   socket's failure (a timeout) during the handshake.
  init(descriptor: Int32, options: TLSOptions) throws(TCPConnection.Failure) {
    guard let context = SSL_CTX_new(TLS_client_method()) else { throw .tls(Self.openSSLErrors()) }
    defer { SSL_CTX_free(context) }  // the session keeps its own reference
    _ = plumb_SSL_CTX_set_min_proto_version(context, TLS1_2_VERSION)
    try Self.configure(context, options)
    guard let session = SSL_new(context) else { throw .tls(Self.openSSLErrors()) }
    guard let method = Self.socketMethod, let channel = plumb_bio_new(method, descriptor) else {
      SSL_free(session)
      throw .tls(Self.openSSLErrors())
    }
    SSL_set_bio(session, channel, channel)
    let address = Self.isIPAddress(options.host)
    if !address { _ = plumb_SSL_set_tlsext_host_name(session, options.host) }
    if options.checksHost && options.authorities != .unchecked {
      let named =
        address
        ? X509_VERIFY_PARAM_set1_ip_asc(SSL_get0_param(session), options.host) : SSL_set1_host(session, options.host)
      guard named == 1 else {
        SSL_free(session)
        throw .tls("cannot check the certificate against host \(options.host): \(Self.openSSLErrors())")
      }
    }
    ERR_clear_error()
    let result = SSL_connect(session)
    guard result == 1 else {
      let verification = SSL_get_verify_result(session)
      var failure = Self.failure(after: Int(result), in: session) ?? .tls("the server closed the connection")
      if verification == Int(X509_V_ERR_HOSTNAME_MISMATCH) || verification == Int(X509_V_ERR_IP_ADDRESS_MISMATCH) {
        failure = .tls("the server's certificate is not for host \(options.host)")
      } else if verification != Int(X509_V_OK) {
        failure = .tls(
          "the server's certificate is not trusted: \(String(cString: X509_verify_cert_error_string(verification)))")
      } else if case .tls(let reason) = failure {
        failure = .tls("handshake failed: \(reason)")
      }
      SSL_free(session)
      throw failure
    }
    self.session = session
  }

  deinit { SSL_free(session) }  // and its BIO; the socket is its owner's

  /// Authorities, revocation list and client certificate into `context`, as libpq sets them.
  private static func configure(_ context: OpaquePointer, _ options: TLSOptions) throws(TCPConnection.Failure) {
    if options.authorities != .unchecked { try configureVerification(context, options) }
    guard let certificate = options.clientCertificate else { return }
    guard SSL_CTX_use_certificate_chain_file(context, certificate) == 1 else {
      throw .tls("cannot read the client certificate \"\(certificate)\": \(openSSLErrors())")
    }
    let key = options.clientKey ?? certificate
    guard SSL_CTX_use_PrivateKey_file(context, key, SSL_FILETYPE_PEM) == 1 else {
      throw .tls("cannot read the client key \"\(key)\": \(openSSLErrors())")
    }
    guard SSL_CTX_check_private_key(context) == 1 else {
      throw .tls("the client key \"\(key)\" does not match the certificate \"\(certificate)\"")
    }
  }

  private static func configureVerification(
    _ context: OpaquePointer, _ options: TLSOptions
  ) throws(TCPConnection.Failure) {
    if case .file(let path) = options.authorities {
      guard SSL_CTX_load_verify_locations(context, path, nil) == 1 else {
        throw .tls("cannot read the certificate authorities in \"\(path)\": \(openSSLErrors())")
      }
    } else {
      SSL_CTX_set_default_verify_paths(context)
    }
    SSL_CTX_set_verify(context, SSL_VERIFY_PEER, nil)
    guard let list = options.revocationList else { return }
    let store = SSL_CTX_get_cert_store(context)
    guard X509_STORE_load_locations(store, list, nil) == 1 else {
      throw .tls("cannot read the certificate revocation list \"\(list)\": \(openSSLErrors())")
    }
    X509_STORE_set_flags(store, UInt(X509_V_FLAG_CRL_CHECK | X509_V_FLAG_CRL_CHECK_ALL))
  }

  /// Writes some of `bytes`: how many, at most 0 on failure (``failure(after:)`` says why).
  func write(_ bytes: UnsafeRawBufferPointer) -> Int {
    Int(SSL_write(session, bytes.baseAddress, Int32(clamping: bytes.count)))
  }

  /// Reads what has come, at most `buffer.count` bytes: the count, at most 0 on failure or end.
  func read(into buffer: UnsafeMutableRawBufferPointer) -> Int {
    Int(SSL_read(session, buffer.baseAddress, Int32(clamping: buffer.count)))
  }

  /// Whether decrypted bytes wait to be read without touching the socket.
  var hasPending: Bool { SSL_pending(session) > 0 }

  /// Sends close_notify, TLS's goodbye.
  func shutdown() { SSL_shutdown(session) }

  /// Why a read or write that returned `result` (at most 0) failed, nil when the peer closed the
  /// connection; called straight after it, while `errno` and OpenSSL's queue hold the cause.
  func failure(after result: Int) -> TCPConnection.Failure? {
    Self.failure(after: result, in: session)
  }

  private static func failure(after result: Int, in session: OpaquePointer) -> TCPConnection.Failure? {
    let code = errno
    switch SSL_get_error(session, Int32(clamping: result)) {
    case SSL_ERROR_ZERO_RETURN: return nil
    // The socket's timeouts (and a non-blocking read with nothing there).
    case SSL_ERROR_WANT_READ, SSL_ERROR_WANT_WRITE: return .timedOut
    case SSL_ERROR_SYSCALL: return code == 0 ? nil : TCPConnection.failure(code)
    default: return .tls(openSSLErrors())
    }
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
}
