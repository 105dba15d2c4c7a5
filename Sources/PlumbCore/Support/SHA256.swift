import Foundation

/// SHA-256 (FIPS 180-4), written here because Foundation on Linux has none and Plumb takes no
/// package dependencies. S3's request signing and PostgreSQL's SCRAM authentication use it.
///
/// Feed it in pieces, so a 100 MB upload is hashed without holding the file:
///
/// ```swift
/// var hash = SHA256()
/// hash.update(Array("abc".utf8))
/// let hex = SHA256.hex(hash.finish())   // "ba7816bf…"
/// ```
package struct SHA256: Sendable {
  private static let roundConstants: [UInt32] = [
    0x428a_2f98, 0x7137_4491, 0xb5c0_fbcf, 0xe9b5_dba5, 0x3956_c25b, 0x59f1_11f1, 0x923f_82a4, 0xab1c_5ed5,
    0xd807_aa98, 0x1283_5b01, 0x2431_85be, 0x550c_7dc3, 0x72be_5d74, 0x80de_b1fe, 0x9bdc_06a7, 0xc19b_f174,
    0xe49b_69c1, 0xefbe_4786, 0x0fc1_9dc6, 0x240c_a1cc, 0x2de9_2c6f, 0x4a74_84aa, 0x5cb0_a9dc, 0x76f9_88da,
    0x983e_5152, 0xa831_c66d, 0xb003_27c8, 0xbf59_7fc7, 0xc6e0_0bf3, 0xd5a7_9147, 0x06ca_6351, 0x1429_2967,
    0x27b7_0a85, 0x2e1b_2138, 0x4d2c_6dfc, 0x5338_0d13, 0x650a_7354, 0x766a_0abb, 0x81c2_c92e, 0x9272_2c85,
    0xa2bf_e8a1, 0xa81a_664b, 0xc24b_8b70, 0xc76c_51a3, 0xd192_e819, 0xd699_0624, 0xf40e_3585, 0x106a_a070,
    0x19a4_c116, 0x1e37_6c08, 0x2748_774c, 0x34b0_bcb5, 0x391c_0cb3, 0x4ed8_aa4a, 0x5b9c_ca4f, 0x682e_6ff3,
    0x748f_82ee, 0x78a5_636f, 0x84c8_7814, 0x8cc7_0208, 0x90be_fffa, 0xa450_6ceb, 0xbef9_a3f7, 0xc671_78f2,
  ]

  /// The size of a block, which HMAC needs too.
  static let blockSize = 64

  private var state = SIMD8<UInt32>(
    0x6a09_e667, 0xbb67_ae85, 0x3c6e_f372, 0xa54f_f53a, 0x510e_527f, 0x9b05_688c, 0x1f83_d9ab, 0x5be0_cd19)
  /// Bytes waiting for a whole block.
  private var pending: [UInt8] = []
  private var length: UInt64 = 0

  /// A hash of nothing yet.
  init() { pending.reserveCapacity(Self.blockSize) }

  /// The digest of `bytes`, all at once.
  package static func digest(_ bytes: some Collection<UInt8>) -> [UInt8] {
    var hash = SHA256()
    hash.update(bytes)
    return hash.finish()
  }

  /// `digest` as 64 lower-case hex digits.
  package static func hex(_ digest: [UInt8]) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var text = [UInt8]()
    text.reserveCapacity(digest.count * 2)
    for byte in digest {
      text.append(digits[Int(byte >> 4)])
      text.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: text, as: UTF8.self)
  }

  /// Adds `bytes` to the message.
  mutating func update(_ bytes: some Collection<UInt8>) {
    length &+= UInt64(bytes.count)
    let handled: Bool? = bytes.withContiguousStorageIfAvailable { buffer in
      update(buffer: UnsafeRawBufferPointer(buffer))
      return true
    }
    if handled == nil {
      Array(bytes).withUnsafeBytes { update(buffer: $0) }
    }
  }

  /// Adds the bytes of `data` to the message.
  mutating func update(_ data: Data) {
    length &+= UInt64(data.count)
    data.withUnsafeBytes { update(buffer: $0) }
  }

  private mutating func update(buffer: UnsafeRawBufferPointer) {
    var offset = 0
    if !pending.isEmpty {
      let taken = min(Self.blockSize - pending.count, buffer.count)
      pending.append(contentsOf: buffer[0..<taken])
      offset = taken
      guard pending.count == Self.blockSize else { return }
      let block = pending
      block.withUnsafeBytes { compress($0, at: 0) }
      pending.removeAll(keepingCapacity: true)
    }
    while buffer.count - offset >= Self.blockSize {
      compress(buffer, at: offset)
      offset += Self.blockSize
    }
    pending.append(contentsOf: buffer[offset...])
  }

  /// Pads the message and returns its 32-byte digest; the hash is spent.
  mutating func finish() -> [UInt8] {
    let bitLength = length &* 8
    var tail = pending
    tail.append(0x80)
    while tail.count % Self.blockSize != 56 { tail.append(0) }
    for shift in stride(from: 56, through: 0, by: -8) {
      tail.append(UInt8(truncatingIfNeeded: bitLength >> UInt64(shift)))
    }
    tail.withUnsafeBytes { buffer in
      for offset in stride(from: 0, to: buffer.count, by: Self.blockSize) { compress(buffer, at: offset) }
    }
    pending = []
    return (0..<8).flatMap { word in (0..<4).map { UInt8(truncatingIfNeeded: state[word] >> (24 - 8 * UInt32($0))) } }
  }

  /// The state after the whole blocks fed so far: where a hash of more blocks goes on from.
  /// PBKDF2 runs its thousands of HMAC codes from two of them.
  var chainingValue: SIMD8<UInt32> {
    precondition(pending.isEmpty, "the chaining value is only whole blocks'")
    return state
  }

  private mutating func compress(_ buffer: UnsafeRawBufferPointer, at offset: Int) {
    Self.compress(&state, buffer, at: offset)
  }

  /// Runs the compression function on the 64-byte block at `offset` of `buffer`.
  static func compress(_ state: inout SIMD8<UInt32>, _ buffer: UnsafeRawBufferPointer, at offset: Int) {
    // The message schedule lives on the stack: a copied hash (HMAC starts each code from one)
    // would otherwise copy it on its first block.
    withUnsafeTemporaryAllocation(of: UInt32.self, capacity: 64) { w in
      for index in 0..<16 {
        let base = offset + index * 4
        w[index] =
          UInt32(buffer[base]) << 24 | UInt32(buffer[base + 1]) << 16 | UInt32(buffer[base + 2]) << 8
          | UInt32(buffer[base + 3])
      }
      for index in 16..<64 {
        let s0 = w[index - 15].rotatedRight(7) ^ w[index - 15].rotatedRight(18) ^ (w[index - 15] >> 3)
        let s1 = w[index - 2].rotatedRight(17) ^ w[index - 2].rotatedRight(19) ^ (w[index - 2] >> 10)
        w[index] = w[index - 16] &+ s0 &+ w[index - 7] &+ s1
      }
      var a = state[0], b = state[1], c = state[2], d = state[3]
      var e = state[4], f = state[5], g = state[6], h = state[7]
      Self.roundConstants.withUnsafeBufferPointer { k in
        for index in 0..<64 {
          let s1 = e.rotatedRight(6) ^ e.rotatedRight(11) ^ e.rotatedRight(25)
          let choice = (e & f) ^ (~e & g)
          let t1 = h &+ s1 &+ choice &+ k[index] &+ w[index]
          let s0 = a.rotatedRight(2) ^ a.rotatedRight(13) ^ a.rotatedRight(22)
          let majority = (a & b) ^ (a & c) ^ (b & c)
          let t2 = s0 &+ majority
          h = g
          g = f
          f = e
          e = d &+ t1
          d = c
          c = b
          b = a
          a = t1 &+ t2
        }
      }
      state[0] &+= a
      state[1] &+= b
      state[2] &+= c
      state[3] &+= d
      state[4] &+= e
      state[5] &+= f
      state[6] &+= g
      state[7] &+= h
    }
  }
}

extension UInt32 {
  fileprivate func rotatedRight(_ count: UInt32) -> UInt32 { (self >> count) | (self << (32 - count)) }
}
