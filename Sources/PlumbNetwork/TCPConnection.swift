import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// One TCP connection of Plumb's own, blocking its thread, with an idle timeout, that another thread
/// can interrupt at any moment; encrypted with TLS (``startTLS(_:)``) for `https://` and PostgreSQL.
///
/// URLSession on Linux cannot stop a transfer promptly: it disregards a `.cancel` response
/// disposition, and `cancel()` waits on the one serial queue every session in the process shares,
/// which an answer that streams without end keeps busy (seen here: a webhook's second message never
/// sent, for want of that queue). Here the socket is ours: ``interrupt()`` shuts it down, and the
/// thread using it returns at once.
package final class TCPConnection: Sendable {
  /// Why a connection could not be made or used.
  package enum Failure: Error, Equatable {
    /// The host name resolves to no address; the resolver's reason.
    case hostNotFound(String)
    /// Nothing listens on that address and port.
    case refused
    /// The peer stayed silent (or took nothing) for the idle timeout.
    case timedOut
    /// ``interrupt()`` was called.
    case interrupted
    /// Any other error of the system's, as `strerror` words it.
    case system(String)
    /// TLS failed or was refused (an untrusted certificate, another host's); OpenSSL's reason.
    case tls(String)
  }

  private struct Socket {
    var descriptor: Int32
    var interrupted = false
  }

  // `recv` and `send` use the descriptor outside the lock, on the one thread that owns the
  // connection; the lock keeps `interrupt()` (any thread) from shutting down a number that `close()`
  // has already handed back to the system.
  private let socket: Mutex<Socket>
  private let descriptor: Int32
  private let timeout: TimeInterval
  // Set by `startTLS` and used by `send`, `receive` and `close`, all on the owning thread; other
  // threads only `interrupt()`, which touches the socket alone.
  nonisolated(unsafe) private var tls: TLSSession?

  private init(descriptor: Int32, timeout: TimeInterval) {
    self.descriptor = descriptor
    self.timeout = timeout
    socket = Mutex(Socket(descriptor: descriptor))
  }

  deinit {
    close()
  }

  /// Connects to `host` (a name, an IPv4 address, or an IPv6 address with or without brackets) on
  /// `port`, trying each address the name resolves to; `timeout` seconds bound the connecting and
  /// every later wait for the peer.
  ///
  /// ```swift
  /// let connection = try TCPConnection.connect(host: "127.0.0.1", port: 8082, timeout: 10)
  /// ```
  package static func connect(host: String, port: Int, timeout: TimeInterval) throws(Failure) -> TCPConnection {
    TCPConnection(descriptor: try openSocket(host: host, port: port, timeout: timeout), timeout: timeout)
  }

  /// A socket connected to `host` on `port`, with `timeout` as the idle timeout of its sends and
  /// receives and no delay on small writes.
  private static func openSocket(host: String, port: Int, timeout: TimeInterval) throws(Failure) -> Int32 {
    let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
    var hints = addrinfo()
    hints.ai_family = AF_UNSPEC
    hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
    var found: UnsafeMutablePointer<addrinfo>?
    let status = getaddrinfo(name, String(port), &hints, &found)
    guard status == 0, let first = found else { throw .hostNotFound(String(cString: gai_strerror(status))) }
    defer { freeaddrinfo(first) }
    var failure = Failure.refused
    var candidate: UnsafeMutablePointer<addrinfo>? = first
    while let address = candidate {
      candidate = address.pointee.ai_next
      let descriptor = Glibc.socket(
        address.pointee.ai_family, address.pointee.ai_socktype | Int32(SOCK_CLOEXEC.rawValue),
        address.pointee.ai_protocol)
      guard descriptor >= 0 else { continue }
      // On Linux SO_SNDTIMEO also bounds connect(); SO_RCVTIMEO bounds each wait for the peer.
      var limit = timeval(tv_sec: Int(timeout.rounded(.up)), tv_usec: 0)
      setsockopt(descriptor, SOL_SOCKET, SO_SNDTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
      setsockopt(descriptor, SOL_SOCKET, SO_RCVTIMEO, &limit, socklen_t(MemoryLayout<timeval>.size))
      var yes: Int32 = 1
      setsockopt(descriptor, Int32(IPPROTO_TCP), TCP_NODELAY, &yes, socklen_t(MemoryLayout<Int32>.size))
      if Glibc.connect(descriptor, address.pointee.ai_addr, address.pointee.ai_addrlen) == 0 { return descriptor }
      failure = Self.failure(errno)
      Glibc.close(descriptor)
    }
    throw failure
  }

  /// Encrypts the connection (from the next byte on, as HTTPS does at once and PostgreSQL after
  /// its SSLRequest), checking the server as `options` say.
  ///
  /// ```swift
  /// try connection.startTLS(TLSOptions(host: "db.example.com", authorities: .file("ca.pem")))
  /// ```
  ///
  /// - Throws: ``Failure/tls(_:)`` for a handshake that fails or a server that is refused.
  package func startTLS(_ options: TLSOptions) throws(Failure) {
    do {
      tls = try TLSSession(descriptor: descriptor, options: options)
    } catch {
      throw isInterrupted ? .interrupted : error
    }
  }

  /// Sends all of `bytes`.
  package func send(_ bytes: Data) throws(Failure) {
    // Data's withUnsafeBytes throws untyped errors: the failure comes out as a value.
    let failure = bytes.withUnsafeBytes { buffer -> Failure? in
      do throws(Failure) { try send(buffer) } catch { return error }
      return nil
    }
    if let failure { throw failure }
  }

  /// Sends all of `bytes`.
  package func send(_ bytes: UnsafeRawBufferPointer) throws(Failure) {
    var offset = 0
    while offset < bytes.count {
      let rest = UnsafeRawBufferPointer(rebasing: bytes[offset...])
      let sent: Int
      if let tls {
        sent = tls.write(rest)
        if sent <= 0 { throw isInterrupted ? .interrupted : tls.failure(after: sent) ?? Self.failure(EPIPE) }
      } else {
        // MSG_NOSIGNAL: a peer that hung up must not kill the process with SIGPIPE.
        sent = Glibc.send(descriptor, rest.baseAddress, rest.count, Int32(MSG_NOSIGNAL))
        if sent < 0 && errno == EINTR { continue }
        if sent <= 0 { throw failure(sent < 0 ? errno : EPIPE) }
      }
      offset += sent
    }
  }

  /// Receives what the peer has sent, at most `buffer.count` bytes; 0 once the peer has closed its side.
  package func receive(into buffer: UnsafeMutableRawBufferPointer) throws(Failure) -> Int {
    while true {
      if let tls {
        let count = tls.read(into: buffer)
        if count > 0 { return count }
        if isInterrupted { throw .interrupted }
        if let failure = tls.failure(after: count) { throw failure }
        return 0
      }
      let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
      if count < 0 && errno == EINTR { continue }
      if count < 0 { throw failure(errno) }
      // A shut-down socket reads as closed by the peer; the caller must learn it was stopped.
      if count == 0, isInterrupted { throw .interrupted }
      return count
    }
  }

  /// What the peer has sent already, without waiting: nil when nothing has come (a COPY's sender
  /// looks for the server's early error this way between batches), else as ``receive(into:)``.
  package func receiveIfReady(into buffer: UnsafeMutableRawBufferPointer) throws(Failure) -> Int? {
    var ready = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
    guard tls?.hasPending == true || poll(&ready, 1, 0) > 0 else { return nil }
    guard tls != nil else { return try receive(into: buffer) }
    // Readable bytes may be TLS's own records (a session ticket) and no data: read without
    // blocking, so that a record with no data does not wait for the next.
    let flags = fcntl(descriptor, F_GETFL)
    _ = fcntl(descriptor, F_SETFL, flags | O_NONBLOCK)
    defer { _ = fcntl(descriptor, F_SETFL, flags) }
    do {
      return try receive(into: buffer)
    } catch .timedOut {
      return nil
    }
  }

  /// Shuts the connection down from any thread: a `send` or `receive` under way on the owning thread
  /// returns with ``Failure/interrupted``, and so does every later one.
  package func interrupt() {
    socket.withLock { socket in
      guard socket.descriptor >= 0 else { return }
      socket.interrupted = true
      shutdown(socket.descriptor, Int32(SHUT_RDWR))
    }
  }

  /// Ends TLS politely (close_notify), if the connection has it, and closes the socket.
  package func shutdownAndClose() {
    tls?.shutdown()
    close()
  }

  /// Closes the socket without a goodbye; calling it again does nothing.
  package func close() {
    socket.withLock { socket in
      guard socket.descriptor >= 0 else { return }
      Glibc.close(socket.descriptor)
      socket.descriptor = -1
    }
  }

  private var isInterrupted: Bool { socket.withLock { $0.interrupted } }

  private func failure(_ code: Int32) -> Failure {
    isInterrupted ? .interrupted : Self.failure(code)
  }

  /// The failure `errno`'s `code` means.
  static func failure(_ code: Int32) -> Failure {
    switch code {
    case ECONNREFUSED: return .refused
    case EAGAIN, EINPROGRESS, ETIMEDOUT: return .timedOut
    default: return .system(String(cString: strerror(code)))
    }
  }
}
