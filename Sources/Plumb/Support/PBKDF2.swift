/// PBKDF2 with HMAC-SHA256 (RFC 8018), which SCRAM-SHA-256 calls `Hi()`: PostgreSQL's password
/// authentication derives the salted password with it.
///
/// ```swift
/// let salted = PBKDF2.sha256(password: Array("secret".utf8), salt: salt, iterations: 4096)
/// ```
enum PBKDF2 {
  /// The first 32-byte block of PBKDF2-HMAC-SHA256, which is all SCRAM needs.
  static func sha256(password: [UInt8], salt: [UInt8], iterations: Int) -> [UInt8] {
    var block = HMAC.sha256(key: password, message: salt + [0, 0, 0, 1])
    var result = block
    for _ in 1..<max(iterations, 1) {
      block = HMAC.sha256(key: password, message: block)
      for index in result.indices { result[index] ^= block[index] }
    }
    return result
  }
}
