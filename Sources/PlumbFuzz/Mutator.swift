/// A small, seedable random source (SplitMix64), so that a run can be repeated with `--seed`.
struct Random {
  private var state: UInt64

  init(seed: UInt64) { state = seed }

  mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var z = state
    z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
    z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
    return z ^ (z >> 31)
  }

  /// A number in `0..<bound`.
  mutating func below(_ bound: Int) -> Int { Int(next() % UInt64(max(bound, 1))) }

  /// True once in `times` on average.
  mutating func oneIn(_ times: Int) -> Bool { below(times) == 0 }

  mutating func pick<T>(_ items: [T]) -> T { items[below(items.count)] }
}

/// Turns valid inputs into nearly valid and plainly hostile ones, byte by byte.
struct Mutator {
  /// Text that parsers treat specially, and the control characters messages must not print raw.
  static let tokens: [String] = [
    "\r\n", "\n", "\r", "\t", "\u{0}", "\u{1B}", "\u{7F}", "\u{85}", "\u{2028}", "\u{2029}", "\u{B}", "\u{C}",
    "\u{301}", "\u{FEFF}", "２", "٣", "é", "e\u{301}", "-", "--", ",", ",,", "[", "]", "\"", "=", ":", "${", "}", "W",
    "T", " ", "0", "9", "00", "1", "12", "13", "31", "53", "9999", "10000", "0000", "-0", "+", "inf", "nan", "1e400",
    "0x", ".", "#", ";", "true", "False", "null", "\\", "\\n",
  ]

  var random: Random

  /// `input` changed in one to four places; rarely grown to many kilobytes or a megabyte.
  mutating func mutate(_ input: [UInt8], splicing other: [UInt8]) -> [UInt8] {
    var bytes = input
    for _ in 0...random.below(4) {
      switch random.below(9) {
      case 0 where !bytes.isEmpty:
        bytes[random.below(bytes.count)] ^= UInt8(1 << random.below(8))
      case 1 where !bytes.isEmpty:
        bytes[random.below(bytes.count)] = UInt8(random.below(256))
      case 2:
        bytes.insert(UInt8(random.below(128)), at: random.below(bytes.count + 1))
      case 3 where !bytes.isEmpty:
        let start = random.below(bytes.count)
        bytes.removeSubrange(start..<min(bytes.count, start + 1 + random.below(4)))
      case 4 where !bytes.isEmpty:
        let start = random.below(bytes.count)
        let piece = bytes[start..<min(bytes.count, start + 1 + random.below(8))]
        bytes.insert(contentsOf: piece, at: random.below(bytes.count + 1))
      case 5, 6:
        bytes.insert(contentsOf: Array(random.pick(Self.tokens).utf8), at: random.below(bytes.count + 1))
      case 7 where !other.isEmpty:
        let start = random.below(other.count)
        let piece = other[start..<min(other.count, start + 1 + random.below(16))]
        bytes.insert(contentsOf: piece, at: random.below(bytes.count + 1))
      default:
        if !bytes.isEmpty { bytes.removeLast(random.below(bytes.count) / 2) }
      }
    }
    if random.oneIn(5_000) {
      bytes = grown(bytes, to: 1 << 20)
    } else if random.oneIn(200) {
      bytes = grown(bytes, to: 1 << (10 + random.below(7)))
    }
    return bytes
  }

  /// `bytes` repeated (or a piece of them, or one token) up to about `size` bytes.
  private mutating func grown(_ bytes: [UInt8], to size: Int) -> [UInt8] {
    let unit = bytes.isEmpty || random.oneIn(3) ? Array(random.pick(Self.tokens).utf8) : bytes
    var result: [UInt8] = []
    result.reserveCapacity(size + unit.count)
    while result.count < size { result += unit }
    return result
  }
}
