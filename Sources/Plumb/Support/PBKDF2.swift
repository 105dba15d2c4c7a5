/// PBKDF2 with HMAC-SHA256 (RFC 8018), which SCRAM-SHA-256 calls `Hi()`: PostgreSQL's password
/// authentication derives the salted password with it.
///
/// ```swift
/// let salted = PBKDF2.sha256(password: Array("secret".utf8), salt: salt, iterations: 4096)
/// ```
enum PBKDF2 {
  /// The first `length` bytes of PBKDF2-HMAC-SHA256; SCRAM needs one 32-byte block, the default.
  static func sha256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int = 32) -> [UInt8] {
    var result: [UInt8] = []
    var blockIndex: UInt32 = 1
    while result.count < length {
      let index = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: blockIndex >> $0) }
      var block = HMAC.sha256(key: password, message: salt + index)
      var sum = block
      for _ in 1..<max(iterations, 1) {
        block = HMAC.sha256(key: password, message: block)
        for position in sum.indices { sum[position] ^= block[position] }
      }
      result += sum.prefix(length - result.count)
      blockIndex += 1
    }
    return result
  }
}
