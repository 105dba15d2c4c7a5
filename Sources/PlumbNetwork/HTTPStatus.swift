/// The standard reason phrases of HTTP status codes, so messages say `HTTP 404 Not Found`
/// rather than a bare number.
///
/// ```swift
/// HTTPStatus.reasonPhrase(for: 404)  // "Not Found"
/// HTTPStatus.reasonPhrase(for: 299)  // nil
/// ```
public enum HTTPStatus: Sendable {
  /// The reason phrase RFC 9110 gives `code`, or `nil` for a code it does not name.
  public static func reasonPhrase(for code: Int) -> String? {
    phrases[code]
  }

  /// `HTTP 404 Not Found`, or `HTTP 299` for a code without a phrase: how messages name a status.
  package static func line(for code: Int) -> String {
    "HTTP \(code)" + (reasonPhrase(for: code).map { " \($0)" } ?? "")
  }

  private static let phrases: [Int: String] = [
    100: "Continue", 101: "Switching Protocols",
    200: "OK", 201: "Created", 202: "Accepted", 203: "Non-Authoritative Information", 204: "No Content",
    205: "Reset Content", 206: "Partial Content",
    300: "Multiple Choices", 301: "Moved Permanently", 302: "Found", 303: "See Other", 304: "Not Modified",
    307: "Temporary Redirect", 308: "Permanent Redirect",
    400: "Bad Request", 401: "Unauthorized", 402: "Payment Required", 403: "Forbidden", 404: "Not Found",
    405: "Method Not Allowed", 406: "Not Acceptable", 407: "Proxy Authentication Required",
    408: "Request Timeout", 409: "Conflict", 410: "Gone", 411: "Length Required", 412: "Precondition Failed",
    413: "Content Too Large", 414: "URI Too Long", 415: "Unsupported Media Type", 416: "Range Not Satisfiable",
    417: "Expectation Failed", 421: "Misdirected Request", 422: "Unprocessable Content", 426: "Upgrade Required",
    429: "Too Many Requests",
    500: "Internal Server Error", 501: "Not Implemented", 502: "Bad Gateway", 503: "Service Unavailable",
    504: "Gateway Timeout", 505: "HTTP Version Not Supported",
  ]
}
