/// `text` with every control character written out, so that user-supplied text (a task name, a
/// flag, a path, a config value) keeps an error message on one line and shows what was typed:
/// `\n`, `\r` and `\t` as such, other C0 and C1 controls and the Unicode line and paragraph
/// separators as `\u{…}`.
///
/// It works on Unicode scalars, not Characters: `"\r\n"` is one Character, which a search for
/// `"\n"` misses, and a control character may carry combining marks.
///
/// ```swift
/// escapingControlCharacters("Greet\r\n--name")   // Greet\r\n--name, on one line
/// escapingControlCharacters("a\u{0}b\u{2028}")   // a\u{0}b\u{2028}
/// ```
///
/// The result contains no control characters, so escaping it again changes nothing.
func escapingControlCharacters(_ text: String) -> String {
  guard text.unicodeScalars.contains(where: isControl) else { return text }
  var result = String.UnicodeScalarView()
  for scalar in text.unicodeScalars {
    switch scalar {
    case "\n": result.append(contentsOf: #"\n"#.unicodeScalars)
    case "\r": result.append(contentsOf: #"\r"#.unicodeScalars)
    case "\t": result.append(contentsOf: #"\t"#.unicodeScalars)
    case _ where isControl(scalar):
      result.append(contentsOf: "\\u{\(String(scalar.value, radix: 16, uppercase: true))}".unicodeScalars)
    default: result.append(scalar)
    }
  }
  return String(result)
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

/// C0 controls, DEL, C1 controls (NEL among them), and the line and paragraph separators.
private func isControl(_ scalar: Unicode.Scalar) -> Bool {
  scalar.value < 0x20 || (0x7F...0x9F).contains(scalar.value) || scalar.value == 0x2028 || scalar.value == 0x2029
}

/// The scalars Unicode treats as ending a line: LF, VT, FF, CR, NEL, LS and PS.
private func isLineBreak(_ scalar: Unicode.Scalar) -> Bool {
  switch scalar.value {
  case 0x0A...0x0D, 0x85, 0x2028, 0x2029: return true
  default: return false
  }
}
