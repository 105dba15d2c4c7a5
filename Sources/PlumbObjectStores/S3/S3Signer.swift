import Foundation
import PlumbCore

/// AWS Signature Version 4 for S3 requests with path-style URLs: the headers that sign one request.
///
/// S3 checks that the request was made by someone holding the secret, and that the method, path,
/// query, signed headers and payload hash were not changed on the way.
///
/// ```swift
/// let signer = S3Signer(credentials: credentials, region: "us-east-1")
/// let headers = signer.headers(
///   method: "GET", host: "127.0.0.1:5000", path: "/models/iris.json", query: [:],
///   payloadHash: S3Signer.emptyPayloadHash, date: Date())
/// ```
struct S3Signer: Sendable {
  let credentials: S3Credentials
  let region: String

  /// The SHA-256 of an empty body, in hex.
  static let emptyPayloadHash = SHA256.hex(SHA256.digest([UInt8]()))

  /// The request's `Authorization`, `x-amz-date` and `x-amz-content-sha256` headers, signed over
  /// these and `extraHeaders` (lower-case names) and `host`.
  func headers(
    method: String, host: String, path: String, query: [String: String], extraHeaders: [String: String] = [:],
    payloadHash: String, date: Date
  ) -> [String: String] {
    let (stamp, day) = Self.timestamps(of: date)
    var signed = extraHeaders
    signed["host"] = host
    if let token = credentials.sessionToken { signed["x-amz-security-token"] = token }
    signed["x-amz-date"] = stamp
    signed["x-amz-content-sha256"] = payloadHash
    let names = signed.keys.sorted()
    let canonicalHeaders = names.map { "\($0):\(signed[$0]!.trimmingCharacters(in: .whitespaces))\n" }.joined()
    let signedNames = names.joined(separator: ";")
    let canonicalRequest = [
      method, Self.encode(path, keepingSlashes: true), Self.canonicalQuery(query), canonicalHeaders, signedNames,
      payloadHash,
    ].joined(separator: "\n")
    let scope = "\(day)/\(region)/s3/aws4_request"
    let stringToSign = [
      "AWS4-HMAC-SHA256", stamp, scope, SHA256.hex(SHA256.digest(Array(canonicalRequest.utf8))),
    ].joined(separator: "\n")
    var key = HMAC.sha256(key: Array("AWS4\(credentials.secretKey)".utf8), day)
    for part in [region, "s3", "aws4_request"] { key = HMAC.sha256(key: key, part) }
    let signature = SHA256.hex(HMAC.sha256(key: key, stringToSign))
    var headers = signed
    headers["host"] = nil
    headers["authorization"] =
      "AWS4-HMAC-SHA256 Credential=\(credentials.accessKey)/\(scope), SignedHeaders=\(signedNames), Signature=\(signature)"
    return headers
  }

  /// `k=v` pairs sorted by key, both encoded (`/` too), joined by `&`.
  static func canonicalQuery(_ query: [String: String]) -> String {
    query.map { (encode($0.key, keepingSlashes: false), encode($0.value, keepingSlashes: false)) }
      .sorted { $0.0 < $1.0 }
      .map { "\($0.0)=\($0.1)" }
      .joined(separator: "&")
  }

  /// Every UTF-8 byte outside `A-Z a-z 0-9 - _ . ~` (and `/` if kept) as `%XX`, as SigV4 wants it;
  /// S3 encodes a path once.
  static func encode(_ text: String, keepingSlashes: Bool) -> String {
    var result = ""
    for byte in text.utf8 {
      switch byte {
      case UInt8(ascii: "A")...UInt8(ascii: "Z"), UInt8(ascii: "a")...UInt8(ascii: "z"),
        UInt8(ascii: "0")...UInt8(ascii: "9"), UInt8(ascii: "-"), UInt8(ascii: "_"), UInt8(ascii: "."),
        UInt8(ascii: "~"):
        result.unicodeScalars.append(Unicode.Scalar(byte))
      case UInt8(ascii: "/") where keepingSlashes:
        result.append("/")
      default:
        result += String(format: "%%%02X", byte)
      }
    }
    return result
  }

  /// `20130524T000000Z` and `20130524`, in UTC.
  private static func timestamps(of date: Date) -> (stamp: String, day: String) {
    var calendar = Calendar(identifier: .gregorian)
    calendar.timeZone = TimeZone(identifier: "UTC")!
    let parts = calendar.dateComponents([.year, .month, .day, .hour, .minute, .second], from: date)
    let day = String(format: "%04d%02d%02d", parts.year!, parts.month!, parts.day!)
    return (day + String(format: "T%02d%02d%02dZ", parts.hour!, parts.minute!, parts.second!), day)
  }
}
