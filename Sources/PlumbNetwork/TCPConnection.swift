import Foundation
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// One TCP connection of Plumb's own, blocking its thread, with an idle timeout, that another thread
/// can interrupt at any moment.
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
  static func connect(host: String, port: Int, timeout: TimeInterval) throws(Failure) -> TCPConnection {
    TCPConnection(descriptor: try openSocket(host: host, port: port, timeout: timeout), timeout: timeout)
  }

  /// A socket connected to `host` on `port`, with `timeout` as the idle timeout of its sends and
  /// receives and no delay on small writes: the connecting part of ``connect(host:port:timeout:)``,
  /// for a client that keeps the descriptor itself (PostgreSQL's, which may put TLS on it).
  ///
  /// ```swift
  /// let descriptor = try TCPConnection.openSocket(host: "127.0.0.1", port: 5432, timeout: 10)
  /// ```
  package static func openSocket(host: String, port: Int, timeout: TimeInterval) throws(Failure) -> Int32 {
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

  /// Sends all of `bytes`.
  func send(_ bytes: Data) throws(Failure) {
    let code = bytes.withUnsafeBytes { buffer -> Int32? in
      var offset = 0
      while offset < buffer.count {
        // MSG_NOSIGNAL: a peer that hung up must not kill the process with SIGPIPE.
        let sent = Glibc.send(descriptor, buffer.baseAddress! + offset, buffer.count - offset, Int32(MSG_NOSIGNAL))
        if sent < 0 && errno == EINTR { continue }
        if sent <= 0 { return sent < 0 ? errno : EPIPE }
        offset += sent
      }
      return nil
    }
    if let code { throw failure(code) }
  }

  /// Receives what the peer has sent, at most `buffer.count` bytes; 0 once the peer has closed its side.
  func receive(into buffer: UnsafeMutableRawBufferPointer) throws(Failure) -> Int {
    while true {
      let count = recv(descriptor, buffer.baseAddress, buffer.count, 0)
      if count < 0 && errno == EINTR { continue }
      if count < 0 { throw failure(errno) }
      // A shut-down socket reads as closed by the peer; the caller must learn it was stopped.
      if count == 0, isInterrupted { throw .interrupted }
      return count
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

  /// Closes the socket; calling it again does nothing.
  func close() {
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

  private static func failure(_ code: Int32) -> Failure {
    switch code {
    case ECONNREFUSED: return .refused
    case EAGAIN, EINPROGRESS, ETIMEDOUT: return .timedOut
    default: return .system(String(cString: strerror(code)))
    }
  }
}
