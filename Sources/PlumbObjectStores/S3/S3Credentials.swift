import Foundation

/// An access key and its secret for an S3-compatible service. The secret is never printed: the
/// description shows the key id only.
///
/// ```swift
/// let credentials = S3Credentials(accessKey: "AKIAIOSFODNN7EXAMPLE", secretKey: secret)
/// print(credentials)   // access key AKIAIOSFODNN7EXAMPLE
/// ```
public struct S3Credentials: Sendable, Hashable, CustomStringConvertible, CustomDebugStringConvertible {
  /// The access key id, such as `AKIAIOSFODNN7EXAMPLE`; sent with every request.
  public let accessKey: String
  /// The secret access key; Plumb only signs with it and never prints it.
  public let secretKey: String

  /// The session token of temporary credentials (AWS STS), sent as `x-amz-security-token`; never printed.
  public let sessionToken: String?

  /// Credentials from an access key id and its secret, and the session token of temporary ones.
  public init(accessKey: String, secretKey: String, sessionToken: String? = nil) {
    self.accessKey = accessKey
    self.secretKey = secretKey
    self.sessionToken = sessionToken
  }

  /// `access key <id>`, without the secret.
  public var description: String { "access key \(accessKey)" }

  /// The same as ``description``, so `dump` and `debugPrint` do not show the secret either.
  public var debugDescription: String { description }
}
