/// HMAC-SHA256 (RFC 2104), for S3's request signatures and PostgreSQL's SCRAM-SHA-256.
///
/// ```swift
/// let tag = HMAC.sha256(key: Array("key".utf8), message: Array("The quick brown fox".utf8))
/// ```
package struct HMAC: Sendable {
  /// SHA-256 after the inner and the outer padded key: each code under this key starts from them,
  /// which halves the work of PBKDF2's thousands of codes under one key.
  private let inner: SHA256
  private let outer: SHA256

  /// Codes under `key`.
  init(key: some Collection<UInt8>) {
    // A key longer than a block is hashed first; a shorter one is padded with zeros (RFC 2104, 2).
    var block = key.count > SHA256.blockSize ? SHA256.digest(key) : Array(key)
    block += [UInt8](repeating: 0, count: SHA256.blockSize - block.count)
    var inner = SHA256()
    inner.update(block.map { $0 ^ 0x36 })
    var outer = SHA256()
    outer.update(block.map { $0 ^ 0x5c })
    self.inner = inner
    self.outer = outer
  }

  /// SHA-256's state after the inner padded key.
  var innerChainingValue: SIMD8<UInt32> { inner.chainingValue }
  /// SHA-256's state after the outer padded key.
  var outerChainingValue: SIMD8<UInt32> { outer.chainingValue }

  /// The 32-byte authentication code of `message`.
  func code(_ message: some Collection<UInt8>) -> [UInt8] {
    var inner = self.inner
    inner.update(message)
    var outer = self.outer
    outer.update(inner.finish())
    return outer.finish()
  }

  /// The 32-byte authentication code of `message` under `key`.
  static func sha256(key: some Collection<UInt8>, message: some Collection<UInt8>) -> [UInt8] {
    HMAC(key: key).code(message)
  }

  /// The code of the UTF-8 bytes of `message` under `key`.
  package static func sha256(key: some Collection<UInt8>, _ message: String) -> [UInt8] {
    sha256(key: key, message: Array(message.utf8))
  }
}
