/// `text` with every control character written out, so that user-supplied text (a task name, a
/// flag, a path, a config value) keeps an error message on one line and shows what was typed:
/// `\n`, `\r` and `\t` as such, other C0 and C1 controls and the Unicode line and paragraph
/// separators as `\u{…}`.
///
/// It works below Characters: `"\r\n"` is one Character, which a search for `"\n"` misses, and a
/// control character may carry combining marks.
///
/// ```swift
/// escapingControlCharacters("Greet\r\n--name")   // Greet\r\n--name, on one line
/// escapingControlCharacters("a\u{0}b\u{2028}")   // a\u{0}b\u{2028}
/// ```
///
/// The result contains no control characters, so escaping it again changes nothing.
package func escapingControlCharacters(_ text: String) -> String {
  // Read as UTF-8 bytes, a megabyte in a few milliseconds: every control character is one byte
  // (C0, DEL), two starting with C2 (C1) or three starting with E2 80 (U+2028, U+2029).
  guard text.utf8.contains(where: { $0 < 0x20 || $0 == 0x7F || $0 == 0xC2 || $0 == 0xE2 }) else { return text }
  let bytes = Array(text.utf8)
  var result: [UInt8] = []
  result.reserveCapacity(bytes.count + 16)
  var index = 0
  while index < bytes.count {
    let byte = bytes[index]
    switch byte {
    case UInt8(ascii: "\n"): result.append(backslash, UInt8(ascii: "n"))
    case UInt8(ascii: "\r"): result.append(backslash, UInt8(ascii: "r"))
    case UInt8(ascii: "\t"): result.append(backslash, UInt8(ascii: "t"))
    case 0..<0x20, 0x7F: appendEscape(of: UInt32(byte), to: &result)
    case 0xC2 where index + 1 < bytes.count && (0x80...0x9F).contains(bytes[index + 1]):
      appendEscape(of: UInt32(bytes[index + 1]), to: &result)
      index += 1
    case 0xE2 where index + 2 < bytes.count && bytes[index + 1] == 0x80 && (0xA8...0xA9).contains(bytes[index + 2]):
      appendEscape(of: 0x2000 + UInt32(bytes[index + 2]) - 0x80, to: &result)
      index += 2
    default: result.append(byte)
    }
    index += 1
  }
  return String(decoding: result, as: UTF8.self)
}

/// Appends `\u{1B}` for U+001B: hexadecimal digits, upper case, no leading zeros.
private func appendEscape(of value: UInt32, to bytes: inout [UInt8]) {
  bytes.append(backslash, UInt8(ascii: "u"))
  bytes.append(UInt8(ascii: "{"))
  var shift: UInt32 = 20
  while shift > 0, value >> shift == 0 { shift -= 4 }
  while true {
    let digit = UInt8((value >> shift) & 0xF)
    bytes.append(digit < 10 ? UInt8(ascii: "0") + digit : UInt8(ascii: "A") + digit - 10)
    guard shift > 0 else { break }
    shift -= 4
  }
  bytes.append(UInt8(ascii: "}"))
}

private let backslash = UInt8(ascii: "\\")

extension [UInt8] {
  /// Appends two bytes, without the cost of appending a collection.
  fileprivate mutating func append(_ first: UInt8, _ second: UInt8) {
    append(first)
    append(second)
  }
}

/// `text` on one line: the pieces between line breaks (every Unicode line break, `"\r\n"` and
/// U+2028 included) joined by single spaces, empty pieces dropped.
///
/// For messages written to read over several lines, such as a foreign error's description.
///
/// ```swift
/// joiningLines("disk full\r\nwhile writing\u{2028}out.txt")   // disk full while writing out.txt
/// ```
func joiningLines(_ text: String) -> String {
  guard text.unicodeScalars.contains(where: isLineBreak) else { return text }
  return text.unicodeScalars.split(whereSeparator: isLineBreak).map { String($0) }.joined(separator: " ")
}

/// The scalars Unicode treats as ending a line: LF, VT, FF, CR, NEL, LS and PS.
private func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar.value {
  case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
  default: return false
  }
}
