import Foundation

extension LoopbackHTTPServer {
  /// What the server answers on one path.
  ///
  /// ```swift
  /// let server = try LoopbackHTTPServer(routes: [
  ///     "/iris.data": .file("/path/to/data/iris.data"),
  ///     "/hello": .text("hello\n"),
  ///     "/broken": .status(500),
  ///     "/slow": .noAnswer,
  /// ])
  /// ```
  public enum Response: Sendable {
    /// The file's bytes, read when the request comes in; `404 Not Found` if the file is missing then.
    case file(String)
    /// UTF-8 text, `200 OK`, as `text/plain`.
    case text(String)
    /// Bytes with a status and a content type.
    case data(Data, status: Int, contentType: String)
    /// An empty body with this status, such as `500` or `503`.
    case status(Int)
    /// Reads the request and then stays silent until the server stops: a server too slow to answer,
    /// for testing a client's timeout without sleeping.
    case noAnswer
    /// `200 OK` with no length, then a body that never ends, sent as fast as the client takes it
    /// until the client hangs up or the server stops: a server that streams forever.
    case endless
    /// `200 OK` announcing a 1 MB body, then one byte a second until the client hangs up or the
    /// server stops: a server never silent long enough for an idle timeout.
    case drip
    /// These bytes as they are, in place of an HTTP answer, then the connection is closed: for
    /// garbage or an HTTP/0.9 answer (a body with no status line).
    case raw(Data)
    /// One answer per request, in order, the last one for every request after it: a flaky server.
    /// Steps that are sequences themselves answer `404 Not Found`.
    ///
    /// ```swift
    /// let server = try LoopbackHTTPServer(routes: ["/rate": .sequence([.status(500), .status(500), .text("1.10\n")])])
    /// ```
    case sequence([Response])
  }
}
