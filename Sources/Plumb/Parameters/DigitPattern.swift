/// Strict reading and writing of fixed-width date text such as `2024-01-03` or `2012-W12`.
///
/// A pattern is literal text in which each `#` stands for one ASCII digit; consecutive `#`s form
/// one number. `"####-W##"` reads `2012-W12` as `[2012, 12]` and refuses `2012-W3`, `2012-w12`
/// and ` 2012-W12`, as Python's `strptime` with Luigi's formats and Luigi's own patterns do.
enum DigitPattern {
  /// The numbers in `text` if it matches `pattern` exactly, else `nil`.
  static func numbers(in text: String, pattern: String) -> [Int]? {
    let characters = Array(text.utf8)
    let expected = Array(pattern.utf8)
    guard characters.count == expected.count else { return nil }
    var numbers: [Int] = []
    var current: Int?
    for (character, wanted) in zip(characters, expected) {
      if wanted == UInt8(ascii: "#") {
        guard (UInt8(ascii: "0")...UInt8(ascii: "9")).contains(character) else { return nil }
        current = (current ?? 0) * 10 + Int(character - UInt8(ascii: "0"))
      } else {
        guard character == wanted else { return nil }
        if let number = current { numbers.append(number) }
        current = nil
      }
    }
    if let number = current { numbers.append(number) }
    return numbers
  }

  /// `number` in decimal, padded with leading zeros to `width` digits: `padded(7, width: 2)` is `07`.
  static func padded(_ number: Int, width: Int) -> String {
    let digits = String(number.magnitude)
    let zeros = String(repeating: "0", count: max(0, width - digits.count))
    return (number < 0 ? "-" : "") + zeros + digits
  }
}
