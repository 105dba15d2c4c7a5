import Foundation
import Plumb

#if canImport(Glibc)
  import Glibc
#endif

/// A small HTTP/1.1 server on 127.0.0.1 for tests: it listens on a free port, answers `GET`, `HEAD`,
/// `POST`, `PUT` and `DELETE` from a table of routes (``Response``), says `404 Not Found` to anything else, records
/// what was asked (with what was posted), and runs until ``stop()``.
///
/// Foundation on Linux has no server sockets, so this uses plain Glibc sockets. Each connection
/// is served on its own thread and closed after one answer, so a ``Response/noAnswer`` route does
/// not hold up other requests.
///
/// ```swift
/// let server = try LoopbackHTTPServer(routes: ["/iris.data": .file(irisPath)])
/// defer { server.stop() }
/// let data = try download(server.url("/iris.data"))
/// XCTAssertEqual(server.requestedPaths, ["/iris.data"])
/// ```
///
/// A test of something that posts reads the bodies from ``requests``:
///
/// ```swift
/// let server = try LoopbackHTTPServer(routes: ["/hook": .status(204)])
/// defer { server.stop() }
/// // ... run what posts to server.url("/hook") ...
/// let posted = server.requests.filter { $0.method == "POST" }.map(\.body)
/// ```
public final class LoopbackHTTPServer: @unchecked Sendable {
  /// The port the server listens on, chosen by the system.
  public let port: Int

  private let listener: Int32
  private let wakeReader: Int32
  private let wakeWriter: Int32
  private let state = NSCondition()
  private var routes: [String: Response]
  private var received: [Request] = []
  private var openConnections: Set<Int32> = []
  private var stopped = false
  private let threads = DispatchGroup()

  /// Starts a server on 127.0.0.1 with a port the system picks, answering with `routes`
  /// (path, without query, to response).
  ///
  /// - Throws: ``ServerError`` when a socket cannot be set up.
  public init(routes: [String: Response] = [:]) throws {
    self.routes = routes
    let listener = socket(AF_INET, Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
    guard listener >= 0 else { throw ServerError(step: "create a socket", code: errno) }
    var reuse: Int32 = 1
    setsockopt(listener, SOL_SOCKET, SO_REUSEADDR, &reuse, socklen_t(MemoryLayout<Int32>.size))
    var address = sockaddr_in()
    address.sin_family = sa_family_t(AF_INET)
    address.sin_port = 0
    address.sin_addr.s_addr = inet_addr("127.0.0.1")
    var length = socklen_t(MemoryLayout<sockaddr_in>.size)
    let bound = withUnsafeMutablePointer(to: &address) { pointer in
      pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) { socketAddress in
        bind(listener, socketAddress, length) == 0 && listen(listener, 64) == 0
          && getsockname(listener, socketAddress, &length) == 0
      }
    }
    guard bound else {
      let code = errno
      close(listener)
      throw ServerError(step: "listen on 127.0.0.1", code: code)
    }
    var wake: [Int32] = [0, 0]
    guard pipe(&wake) == 0 else {
      let code = errno
      close(listener)
      throw ServerError(step: "create a pipe", code: code)
    }
    for descriptor in wake { _ = fcntl(descriptor, F_SETFD, FD_CLOEXEC) }
    self.listener = listener
    wakeReader = wake[0]
    wakeWriter = wake[1]
    port = Int(UInt16(bigEndian: address.sin_port))
    startThread(name: "loopback-http-accept") { [self] in acceptConnections() }
  }

  /// `http://127.0.0.1:PORT`.
  public var baseURL: URL { URL(string: "http://127.0.0.1:\(port)")! }

  /// The URL of `path` on this server, such as `http://127.0.0.1:PORT/iris.data`.
  public func url(_ path: String) -> URL {
    let absolute = path.hasPrefix("/") ? path : "/" + path
    return URL(string: baseURL.absoluteString + absolute) ?? baseURL.appendingPathComponent(absolute)
  }

  /// Answers `path` with `response` from now on; `nil` removes the route, so `path` gets 404.
  public func setResponse(_ response: Response?, for path: String) {
    state.lock()
    routes[path] = response
    state.unlock()
  }

  /// The paths (with any query) of every request received so far, in order of arrival.
  public var requestedPaths: [String] {
    requests.map(\.target)
  }

  /// Every request received so far, in order of arrival, with its method, headers and body.
  public var requests: [Request] {
    state.lock()
    defer { state.unlock() }
    return received
  }

  /// Waits until the server has received `count` requests in all, at most `timeout` seconds;
  /// `false` if they did not come. A test of a client that is cancelled (or gives up) while its
  /// request is under way waits on this instead of sleeping. It blocks the calling thread.
  ///
  /// ```swift
  /// let server = try LoopbackHTTPServer(routes: ["/slow": .noAnswer])
  /// let fetch = Task { try await download(server.url("/slow")) }
  /// XCTAssertTrue(server.waitForRequests(1))
  /// fetch.cancel()
  /// ```
  public func waitForRequests(_ count: Int, timeout: TimeInterval = 10) -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    state.lock()
    defer { state.unlock() }
    while received.count < count {
      if !state.wait(until: deadline) { return received.count >= count }
    }
    return true
  }

  /// Waits until no connection is open (every client has hung up or been answered), at most
  /// `timeout` seconds; `false` if one is still open then. A test of a client that must hang up on an
  /// endless answer waits on this. It blocks the calling thread.
  ///
  /// ```swift
  /// let server = try LoopbackHTTPServer(routes: ["/big": .endless])
  /// XCTAssertThrowsError(try download(server.url("/big"), maximumBytes: 1_000_000))
  /// XCTAssertTrue(server.waitForOpenConnectionsToClose())
  /// ```
  public func waitForOpenConnectionsToClose(timeout: TimeInterval = 10) -> Bool {
    let deadline = Date(timeIntervalSinceNow: timeout)
    state.lock()
    defer { state.unlock() }
    while !openConnections.isEmpty {
      if !state.wait(until: deadline) { return openConnections.isEmpty }
    }
    return true
  }

  /// Stops listening, ends every open connection (also those waiting on ``Response/noAnswer``),
  /// and returns when the server's threads have finished. After this, connecting to ``port`` is
  /// refused. Calling it again does nothing.
  public func stop() {
    state.lock()
    if stopped {
      state.unlock()
      return
    }
    stopped = true
    for connection in openConnections { shutdown(connection, Int32(SHUT_RDWR)) }
    state.broadcast()
    state.unlock()
    var byte: UInt8 = 1
    _ = write(wakeWriter, &byte, 1)
    threads.wait()
    close(listener)
    close(wakeReader)
    close(wakeWriter)
  }

  // MARK: - Serving

  private func startThread(name: String, _ body: @escaping @Sendable () -> Void) {
    threads.enter()
    let thread = Thread { [threads] in
      body()
      threads.leave()
    }
    thread.name = name
    thread.start()
  }

  private func acceptConnections() {
    var watched = [
      pollfd(fd: listener, events: Int16(POLLIN), revents: 0),
      pollfd(fd: wakeReader, events: Int16(POLLIN), revents: 0),
    ]
    while true {
      let ready = poll(&watched, nfds_t(watched.count), -1)
      if ready < 0 && errno == EINTR { continue }
      if ready < 0 || watched[1].revents != 0 { return }
      let connection = accept(listener, nil, nil)
      guard connection >= 0 else { continue }
      _ = fcntl(connection, F_SETFD, FD_CLOEXEC)
      state.lock()
      if stopped {
        state.unlock()
        close(connection)
        return
      }
      openConnections.insert(connection)
      state.unlock()
      startThread(name: "loopback-http-connection") { [self] in serve(connection) }
    }
  }

  private func serve(_ connection: Int32) {
    defer {
      state.lock()
      openConnections.remove(connection)
      close(connection)
      state.broadcast()
      state.unlock()
    }
    guard let (head, bodyStart) = readRequestHead(connection) else { return }
    var body = bodyStart
    let lines = head.components(separatedBy: "\r\n")
    let parts = lines.first?.split(separator: " ") ?? []
    guard parts.count == 3, parts[2].hasPrefix("HTTP/") else {
      send(status: 400, body: Data(), contentType: "text/plain", to: connection, includeBody: true)
      return
    }
    let method = String(parts[0])
    let target = String(parts[1])
    let path = String(target.split(separator: "?", maxSplits: 1, omittingEmptySubsequences: false)[0])
    var headers: [String: String] = [:]
    for line in lines.dropFirst() {
      guard let colon = line.firstIndex(of: ":") else { continue }
      headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    if let length = headers["content-length"].flatMap({ Int($0) }), length > 0 {
      if headers["expect"]?.lowercased() == "100-continue" {
        sendRaw(Data("HTTP/1.1 100 Continue\r\n\r\n".utf8), to: connection)
      }
      guard let rest = readBytes(length - body.count, from: connection) else { return }
      body.append(rest)
    }

    state.lock()
    received.append(Request(method: method, target: target, headers: headers, body: body))
    state.broadcast()
    var response = routes[path]
    // A sequence answers with its first step and keeps the rest for the next request; its last
    // step answers every request after it.
    if case .sequence(let steps)? = response {
      response = steps.first
      if steps.count > 1 { routes[path] = .sequence(Array(steps.dropFirst())) }
    }
    state.unlock()

    guard ["GET", "HEAD", "POST", "PUT", "DELETE"].contains(method) else {
      send(status: 405, body: Data(), contentType: "text/plain", to: connection, includeBody: true)
      return
    }
    let includeBody = method != "HEAD"
    switch response {
    case nil, .sequence?:
      send(
        status: 404, body: Data("no route for \(path)\n".utf8), contentType: "text/plain", to: connection,
        includeBody: includeBody)
    case .file(let filePath)?:
      if let contents = FileManager.default.contents(atPath: filePath) {
        send(
          status: 200, body: contents, contentType: "application/octet-stream", to: connection,
          includeBody: includeBody)
      } else {
        send(
          status: 404, body: Data("no file for \(path)\n".utf8), contentType: "text/plain", to: connection,
          includeBody: includeBody)
      }
    case .text(let text)?:
      send(
        status: 200, body: Data(text.utf8), contentType: "text/plain; charset=utf-8", to: connection,
        includeBody: includeBody)
    case .data(let data, let status, let contentType)?:
      send(status: status, body: data, contentType: contentType, to: connection, includeBody: includeBody)
    case .status(let status)?:
      send(status: status, body: Data(), contentType: "text/plain", to: connection, includeBody: includeBody)
    case .noAnswer?:
      state.lock()
      while !stopped { state.wait() }
      state.unlock()
    case .endless?:
      guard sendRaw(Data(answerHead(status: 200, contentType: "application/octet-stream").utf8), to: connection)
      else { return }
      let chunk = Data(repeating: UInt8(ascii: "x"), count: 64 * 1024)
      while includeBody, !isStopped, sendRaw(chunk, to: connection) {}
    case .drip?:
      let head = answerHead(status: 200, contentType: "application/octet-stream", length: 1_000_000)
      guard sendRaw(Data(head.utf8), to: connection) else { return }
      while includeBody, sendRaw(Data("x".utf8), to: connection) {
        // Waits on the condition rather than sleeping, so that `stop()` ends the drip at once.
        state.lock()
        let deadline = Date(timeIntervalSinceNow: 1)
        while !stopped, state.wait(until: deadline) {}
        let ended = stopped
        state.unlock()
        if ended { return }
      }
    case .raw(let bytes)?:
      sendRaw(bytes, to: connection)
    }
  }

  private var isStopped: Bool {
    state.lock()
    defer { state.unlock() }
    return stopped
  }

  /// Reads up to the blank line that ends the request's headers: the headers, and any bytes of the
  /// body that came with them; `nil` if the client hangs up first.
  private func readRequestHead(_ connection: Int32) -> (head: String, body: Data)? {
    let headEnd = Data("\r\n\r\n".utf8)
    var bytes = Data()
    var chunk = [UInt8](repeating: 0, count: 4096)
    while bytes.count < 64 * 1024 {
      let count = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, $0.count, 0) }
      if count < 0 && errno == EINTR { continue }
      if count <= 0 { return nil }
      bytes.append(contentsOf: chunk[..<count])
      if let end = bytes.range(of: headEnd) {
        return (String(decoding: bytes[..<end.lowerBound], as: UTF8.self), Data(bytes[end.upperBound...]))
      }
    }
    return nil
  }

  /// Reads exactly `count` more bytes (at most 16 MB); `nil` if the client hangs up first.
  private func readBytes(_ count: Int, from connection: Int32) -> Data? {
    guard count > 0 else { return Data() }
    guard count <= 16 * 1024 * 1024 else { return nil }
    var bytes = Data()
    var chunk = [UInt8](repeating: 0, count: 4096)
    while bytes.count < count {
      let wanted = min(chunk.count, count - bytes.count)
      let received = chunk.withUnsafeMutableBytes { recv(connection, $0.baseAddress, wanted, 0) }
      if received < 0 && errno == EINTR { continue }
      if received <= 0 { return nil }
      bytes.append(contentsOf: chunk[..<received])
    }
    return bytes
  }

  private func send(status: Int, body: Data, contentType: String, to connection: Int32, includeBody: Bool) {
    var message = Data(answerHead(status: status, contentType: contentType, length: body.count).utf8)
    if includeBody { message.append(body) }
    sendRaw(message, to: connection)
  }

  /// The status line and headers of an answer, up to the blank line; without `length`, the body
  /// ends when the connection is closed.
  private func answerHead(status: Int, contentType: String, length: Int? = nil) -> String {
    let reason = HTTPStatus.reasonPhrase(for: status) ?? "Status \(status)"
    return "HTTP/1.1 \(status) \(reason)\r\nContent-Type: \(contentType)\r\n"
      + (length.map { "Content-Length: \($0)\r\n" } ?? "") + "Connection: close\r\n\r\n"
  }

  /// Sends all of `message`; `false` when the client hung up (or the server stopped) first.
  @discardableResult
  private func sendRaw(_ message: Data, to connection: Int32) -> Bool {
    message.withUnsafeBytes { bytes in
      var offset = 0
      while offset < bytes.count {
        // MSG_NOSIGNAL: a client that hung up must not kill the test process with SIGPIPE.
        let sent = Glibc.send(connection, bytes.baseAddress! + offset, bytes.count - offset, Int32(MSG_NOSIGNAL))
        if sent < 0 && errno == EINTR { continue }
        if sent <= 0 { return false }
        offset += sent
      }
      return true
    }
  }
}

extension LoopbackHTTPServer {
  /// One request the server received.
  public struct Request: Sendable {
    /// `GET`, `HEAD`, `POST`, ...
    public let method: String
    /// The path with any query, as the request line gave it: `/data?page=2`.
    public let target: String
    /// The headers, by lowercased name: `content-type`.
    public let headers: [String: String]
    /// What was sent after the headers (by `Content-Length`); empty for a `GET`.
    public let body: Data
  }

  /// A socket call that failed while starting the server.
  public struct ServerError: Error, CustomStringConvertible {
    /// What the server was doing.
    public let step: String
    /// The system's error number.
    public let code: Int32

    public var description: String {
      "the loopback HTTP server could not \(step): \(String(cString: strerror(code)))"
    }
  }
}
