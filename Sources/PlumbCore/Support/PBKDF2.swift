/// PBKDF2 with HMAC-SHA256 (RFC 8018), which SCRAM-SHA-256 calls `Hi()`: PostgreSQL's password
/// authentication derives the salted password with it.
///
/// ```swift
/// let salted = PBKDF2.sha256(password: Array("secret".utf8), salt: salt, iterations: 4096)
/// ```
package enum PBKDF2 {
  /// The first `length` bytes of PBKDF2-HMAC-SHA256; SCRAM needs one 32-byte block, the default.
  package static func sha256(password: [UInt8], salt: [UInt8], iterations: Int, length: Int = 32) -> [UInt8] {
    let hmac = HMAC(key: password)
    var result: [UInt8] = []
    var blockIndex: UInt32 = 1
    while result.count < length {
      let index = [24, 16, 8, 0].map { UInt8(truncatingIfNeeded: blockIndex >> $0) }
      let first = words(hmac.code(salt + index))
      let sum = iterate(hmac, from: first, times: iterations - 1)
      result += bytes(sum).prefix(length - result.count)
      blockIndex += 1
    }
    return result
  }

  /// U1 ^ U2 ^ … where each U is the code of the one before, `times` codes after `first`.
  ///
  /// Every message here is 32 bytes, so each code is two compressions from the key's chaining
  /// values, with no allocation: a login's 4,096 iterations take milliseconds, where a general
  /// HMAC call per iteration took several times longer (a login is on the critical path of every
  /// PostgreSQL task).
  private static func iterate(_ hmac: HMAC, from first: SIMD8<UInt32>, times: Int) -> SIMD8<UInt32> {
    var sum = first
    var code = first
    guard times > 0 else { return sum }
    let inner = hmac.innerChainingValue
    let outer = hmac.outerChainingValue
    withUnsafeTemporaryAllocation(of: UInt8.self, capacity: SHA256.blockSize) { block in
      // SHA-256's padding of a 32-byte message after a one-block key: 0x80, zeros, 768 bits.
      block.initialize(repeating: 0)
      block[32] = 0x80
      block[62] = 0x03
      let raw = UnsafeRawBufferPointer(block)
      for _ in 0..<times {
        store(code, in: block)
        var state = inner
        SHA256.compress(&state, raw, at: 0)
        store(state, in: block)
        code = outer
        SHA256.compress(&code, raw, at: 0)
        sum ^= code
      }
    }
    return sum
  }

  /// The first 32 bytes of `block` set to `words`, big-endian.
  private static func store(_ words: SIMD8<UInt32>, in block: UnsafeMutableBufferPointer<UInt8>) {
    for index in 0..<8 {
      let word = words[index]
      block[index * 4] = UInt8(truncatingIfNeeded: word >> 24)
      block[index * 4 + 1] = UInt8(truncatingIfNeeded: word >> 16)
      block[index * 4 + 2] = UInt8(truncatingIfNeeded: word >> 8)
      block[index * 4 + 3] = UInt8(truncatingIfNeeded: word)
    }
  }

  private static func words(_ digest: [UInt8]) -> SIMD8<UInt32> {
    var words = SIMD8<UInt32>()
    for index in 0..<8 {
      words[index] =
        UInt32(digest[index * 4]) << 24 | UInt32(digest[index * 4 + 1]) << 16 | UInt32(digest[index * 4 + 2]) << 8
        | UInt32(digest[index * 4 + 3])
    }
    return words
  }

  private static func bytes(_ words: SIMD8<UInt32>) -> [UInt8] {
    (0..<8).flatMap { index in (0..<4).map { UInt8(truncatingIfNeeded: words[index] >> (24 - 8 * UInt32($0))) } }
  }
}
