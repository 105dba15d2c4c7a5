import PlumbCore

/// Why an S3 request failed, in one line naming the operation, the bucket and key, and the
/// server; never the secret.
///
/// ```
/// S3 PUT models/iris.json at http://127.0.0.1:5000 failed: HTTP 403 SignatureDoesNotMatch: The request signature we calculated does not match the signature you provided…
/// S3 HEAD models/iris.json at http://127.0.0.1:5000 failed: connection refused
/// ```
public struct S3Error: Error, CustomStringConvertible, Equatable, Sendable {
  /// The request's method: `GET`, `PUT`, `HEAD`, `DELETE`.
  public let method: String
  /// The bucket and key, `models/iris.json`, or only the bucket.
  public let object: String
  /// The endpoint, such as `http://127.0.0.1:5000`.
  public let endpoint: String
  /// The HTTP status, when the server answered.
  public let status: Int?
  /// S3's error code, such as `NoSuchBucket` or `SignatureDoesNotMatch`, when the answer had one.
  public let code: String?
  /// What went wrong, in words.
  public let problem: String

  /// The message, in one line.
  public var description: String {
    var reason = status.map { "HTTP \($0)" } ?? ""
    if let code { reason += " " + code }
    if !problem.isEmpty { reason += reason.isEmpty ? problem : ": " + problem }
    return escapingControlCharacters("S3 \(method) \(object) at \(endpoint) failed: \(reason)")
  }
}
