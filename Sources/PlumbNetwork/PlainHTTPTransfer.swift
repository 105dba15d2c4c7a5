import Foundation

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// One HTTP/1.1 request to an `http://` or `https://` URL and its answer, over a ``TCPConnection``
/// of its own (encrypted with ``TLSSession`` for `https://`, the certificate checked against
/// `authorities` and the URL's host), on the calling thread: how ``HTTPExchange`` and the S3 store
/// talk to servers without URLSession, whose transfers cannot be stopped in time on Linux (see
/// ``TCPConnection``) and whose upload from a file crashed the process.
///
/// The request says `Connection: close` and asks for no compression, so the answer ends where its
/// `Content-Length` says, where its last chunk is, or where the server closes the connection.
package struct PlainHTTPTransfer {
  /// The status and headers of an answer.
  package struct Head {
    /// `200`, `404`, ...
    package var status: Int
    /// The headers, by lowercased name.
    package var fields: [String: String]
  }

  let request: URLRequest
  /// Seconds the server may stay silent, while connecting or between bytes.
  let timeout: TimeInterval
  /// Whom an `https://` server's certificate must chain to.
  let authorities: TLSOptions.Authorities

  package init(request: URLRequest, timeout: TimeInterval, authorities: TLSOptions.Authorities = .system) {
    self.request = request
    self.timeout = timeout
    self.authorities = authorities
  }

  /// Sends the request and reads the answer: `connected` is handed the connection as soon as it is
  /// made (so that another thread can interrupt it), `head` the answer's status and headers (it
  /// returns whether to read the body), and `receive` each piece of the body, in order.
  ///
  /// - Throws: ``DownloadError`` for a connection that fails or an answer that is not HTTP,
  ///   `CancellationError` once the connection was interrupted, or what `head` or `receive` throws.
  package func run(
    connected: (TCPConnection) -> Void, head: (Head) throws -> Bool, receive: (Data) throws -> Void
  ) throws {
    guard let url = request.url, let host = url.host else {
      throw DownloadError.invalidURL(request.url?.absoluteString ?? "")
    }
    let connection: TCPConnection
    do {
      connection = try TCPConnection.connect(host: host, port: DownloadError.port(of: url), timeout: timeout)
    } catch {
      throw describe(error)
    }
    defer { connection.close() }
    connected(connection)
    let incoming = Incoming(connection: connection)
    do {
      if url.scheme?.lowercased() == "https" {
        let name = host.hasPrefix("[") && host.hasSuffix("]") ? String(host.dropFirst().dropLast()) : host
        try connection.startTLS(TLSOptions(host: name, authorities: authorities))
      }
      try connection.send(requestBytes(url: url, host: host))
      var answer = try readHead(incoming)
      // 1xx answers (100 Continue, 103 Early Hints) come before the real one.
      while (100..<200).contains(answer.status) { answer = try readHead(incoming) }
      guard try head(answer), request.httpMethod != "HEAD", answer.status != 204, answer.status != 304 else { return }
      if answer.fields["transfer-encoding"]?.lowercased().contains("chunked") == true {
        try readChunks(incoming, into: receive)
      } else if let text = answer.fields["content-length"] {
        guard let length = Int(text.trimmingCharacters(in: .whitespaces)), length >= 0 else {
          throw DownloadError.invalidHTTP(server: server)
        }
        var left = length
        while left > 0 {
          guard let piece = try incoming.some(upTo: left) else { throw endedEarly }
          left -= piece.count
          try receive(piece)
        }
      } else {
        while let piece = try incoming.some(upTo: 64 * 1024) { try receive(piece) }
      }
    } catch let failure as TCPConnection.Failure {
      throw describe(failure)
    }
  }

  // MARK: - The request

  private func requestBytes(url: URL, host: String) -> Data {
    let components = URLComponents(url: url, resolvingAgainstBaseURL: false)
    var target = components?.percentEncodedPath ?? "/"
    if target.isEmpty { target = "/" }
    if let query = components?.percentEncodedQuery { target += "?" + query }
    let hostField =
      (host.contains(":") && !host.hasPrefix("[") ? "[\(host)]" : host) + (url.port.map { ":\($0)" } ?? "")
    let method = request.httpMethod ?? "GET"
    var head = "\(method) \(target) HTTP/1.1\r\nHost: \(hostField)\r\nConnection: close\r\n"
    for (name, value) in request.allHTTPHeaderFields ?? [:]
    where !["host", "connection", "content-length"].contains(name.lowercased()) {
      head += "\(name): \(value)\r\n"
    }
    let body = request.httpBody ?? Data()
    if !body.isEmpty || method == "POST" || method == "PUT" { head += "Content-Length: \(body.count)\r\n" }
    var bytes = Data((head + "\r\n").utf8)
    bytes.append(body)
    return bytes
  }

  // MARK: - The answer

  private func readHead(_ incoming: Incoming) throws -> Head {
    try Self.readHead(incoming, url: request.url?.absoluteString ?? "", server: server)
  }

  /// The status line and headers of the next answer on `incoming`; `url` and `server` name the
  /// server in errors. Also read by ``HTTPKeepAlive``, whose connections carry one answer after another.
  static func readHead(_ incoming: Incoming, url: String, server: String) throws -> Head {
    guard let statusLine = try incoming.line() else {
      guard incoming.hasReceived else {
        throw DownloadError.failed(url: url, reason: "the server closed the connection without answering")
      }
      throw DownloadError.invalidHTTP(server: server)
    }
    let parts = statusLine.split(separator: " ", maxSplits: 2, omittingEmptySubsequences: true)
    guard parts.count >= 2, parts[0].hasPrefix("HTTP/1."), let status = Int(parts[1]), (100..<600).contains(status)
    else { throw DownloadError.invalidHTTP(server: server) }
    var fields: [String: String] = [:]
    var size = statusLine.utf8.count
    while let line = try incoming.line(), !line.isEmpty {
      size += line.utf8.count
      guard size < 64 * 1024, let colon = line.firstIndex(of: ":") else {
        throw DownloadError.invalidHTTP(server: server)
      }
      let name = line[..<colon].lowercased()
      let value = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
      fields[name] = fields[name].map { "\($0), \(value)" } ?? value
    }
    return Head(status: status, fields: fields)
  }

  /// The body of a `Transfer-Encoding: chunked` answer: a hexadecimal size line, that many bytes
  /// and a line end, over and over, ended by a size of 0 and any trailer lines.
  private func readChunks(_ incoming: Incoming, into receive: (Data) throws -> Void) throws {
    while true {
      guard let sizeLine = try incoming.line() else { throw endedEarly }
      let digits = sizeLine.prefix { $0 != ";" }.trimmingCharacters(in: .whitespaces)
      guard let size = Int(digits, radix: 16), size >= 0 else { throw DownloadError.invalidHTTP(server: server) }
      if size == 0 {
        while let trailer = try incoming.line(), !trailer.isEmpty {}
        return
      }
      var left = size
      while left > 0 {
        guard let piece = try incoming.some(upTo: left) else { throw endedEarly }
        left -= piece.count
        try receive(piece)
      }
      guard try incoming.line() == "" else { throw DownloadError.invalidHTTP(server: server) }
    }
  }

  private var endedEarly: DownloadError {
    .failed(
      url: request.url?.absoluteString ?? "", reason: "the server closed the connection before the end of its answer")
  }

  /// What starts the reason of a ``DownloadError/failed(url:reason:)`` from TLS: `TLS: the server's
  /// certificate is not trusted: …`.
  package static let tlsPrefix = "TLS: "

  /// `127.0.0.1:8000`, without the URL's path, which may be a secret.
  private var server: String { request.url.map(DownloadError.server(of:)) ?? "" }

  private func describe(_ failure: TCPConnection.Failure) -> any Error {
    let url = request.url!
    switch failure {
    case .hostNotFound: return DownloadError.hostNotFound(host: url.host ?? url.absoluteString)
    case .refused: return DownloadError.connectionRefused(host: url.host ?? "", port: DownloadError.port(of: url))
    case .timedOut: return DownloadError.timedOut(seconds: timeout.rounded(.up), url: url.absoluteString)
    case .interrupted: return CancellationError()
    case .system(let reason): return DownloadError.failed(url: url.absoluteString, reason: reason)
    case .tls(let reason): return DownloadError.failed(url: url.absoluteString, reason: Self.tlsPrefix + reason)
    }
  }
}

/// The bytes read from a connection and not yet used: on a kept connection (``HTTPKeepAlive``),
/// the start of the next answer too.
final class Incoming {
  private let connection: TCPConnection
  private var bytes: [UInt8] = []
  private var start = 0
  /// Whether the connection has given any byte at all.
  private(set) var hasReceived = false
  /// Whether bytes were read that nothing has used yet.
  var hasUnread: Bool { start < bytes.count }

  init(connection: TCPConnection) {
    self.connection = connection
  }

  /// The next line, without its line end (CR LF or LF alone); `nil` when the connection ends first.
  /// A line longer than 64 KB is not HTTP's.
  func line() throws -> String? {
    // Counted from `start`, which `fill()` moves.
    var scanned = 0
    while true {
      if let end = bytes[(start + scanned)...].firstIndex(of: UInt8(ascii: "\n")) {
        var lineEnd = end
        if lineEnd > start, bytes[lineEnd - 1] == UInt8(ascii: "\r") { lineEnd -= 1 }
        let line = String(decoding: bytes[start..<lineEnd], as: UTF8.self)
        start = end + 1
        return line
      }
      scanned = bytes.count - start
      guard scanned < 64 * 1024, try fill() else { return nil }
    }
  }

  /// Up to `limit` bytes, as soon as there are any; `nil` when the connection has ended.
  func some(upTo limit: Int) throws -> Data? {
    if start == bytes.count {
      guard try fill() else { return nil }
    }
    let end = min(bytes.count, start + limit)
    let piece = Data(bytes[start..<end])
    start = end
    return piece
  }

  /// Reads more from the connection; `false` once it has ended.
  private func fill() throws -> Bool {
    if start > 0 {
      bytes.removeFirst(start)
      start = 0
    }
    var chunk = [UInt8](repeating: 0, count: 64 * 1024)
    let count = try chunk.withUnsafeMutableBytes { try connection.receive(into: $0) }
    guard count > 0 else { return false }
    hasReceived = true
    bytes += chunk[..<count]
    return true
  }
}
