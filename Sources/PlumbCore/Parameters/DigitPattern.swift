/// Strict reading and writing of date text such as `2024-01-03` or `2012-W12`.
///
/// A pattern is literal text in which each `#` stands for one ASCII digit and each `?` for an
/// optional one; consecutive `#`s and `?`s form one number. `"####-W##"` reads `2012-W12` as
/// `[2012, 12]` and refuses `2012-W3`, `2012-w12` and ` 2012-W12`, as Luigi's interval patterns
/// do; `"####-?#-?#"` reads `2024-01-03` and `2024-1-3` alike, as Python's `strptime` reads
/// `%Y-%m-%d`. A number takes as many digits as it can, so a pattern must not put a number right
/// after another.
package enum DigitPattern {
  /// The numbers in `text` if it matches `pattern` exactly, else `nil`.
  static func numbers(in text: String, pattern: String) -> [Int]? {
    let expected = Array(pattern.utf8)
    // Each slot of the pattern takes at most one byte, so longer text (a megabyte of it) fails at once.
    guard text.utf8.count <= expected.count else { return nil }
    let characters = Array(text.utf8)
    var numbers: [Int] = []
    var position = 0
    var index = 0
    while index < expected.count {
      guard isDigitSlot(expected[index]) else {
        guard position < characters.count, characters[position] == expected[index] else { return nil }
        position += 1
        index += 1
        continue
      }
      var required = 0
      var allowed = 0
      while index < expected.count, isDigitSlot(expected[index]) {
        if expected[index] == UInt8(ascii: "#") { required += 1 }
        allowed += 1
        index += 1
      }
      var number = 0
      var digits = 0
      while digits < allowed, position < characters.count, isDigit(characters[position]) {
        number = number * 10 + Int(characters[position] - UInt8(ascii: "0"))
        digits += 1
        position += 1
      }
      guard digits >= required else { return nil }
      numbers.append(number)
    }
    return position == characters.count ? numbers : nil
  }

  /// `number` in decimal, padded with leading zeros to `width` digits: `padded(7, width: 2)` is `07`.
  package static func padded(_ number: Int, width: Int) -> String {
    let digits = String(number.magnitude)
    let zeros = String(repeating: "0", count: max(0, width - digits.count))
    return (number < 0 ? "-" : "") + zeros + digits
  }

  private static func isDigitSlot(_ byte: UInt8) -> Bool { byte == UInt8(ascii: "#") || byte == UInt8(ascii: "?") }

  private static func isDigit(_ byte: UInt8) -> Bool { (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(byte) }
}
