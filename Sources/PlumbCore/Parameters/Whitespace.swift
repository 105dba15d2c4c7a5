import Foundation

extension String {
  /// The text without spaces and tabs (and Unicode's other space separators) at either end: what
  /// `trimmingCharacters(in: .whitespaces)` gives, but reading only the ends, where that reads the
  /// whole text, which a megabyte-long value makes slow.
  ///
  /// ```swift
  /// " 42\t".trimmingWhitespace()   // "42"
  /// ```
  func trimmingWhitespace() -> String { self[...].unicodeScalars.trimmingWhitespace() }
}

extension Substring {
  /// The text without spaces and tabs at either end, as ``Swift/String/trimmingWhitespace()``.
  func trimmingWhitespace() -> String { unicodeScalars.trimmingWhitespace() }
}

extension Substring.UnicodeScalarView {
  /// The scalars without spaces and tabs at either end, as a String.
  func trimmingWhitespace() -> String {
    guard let first = firstIndex(where: { !isWhitespace($0) }) else { return "" }
    let last = lastIndex(where: { !isWhitespace($0) }) ?? first
    return String(Substring(self[first...last]))
  }
}

/// Whether `scalar` is in `CharacterSet.whitespaces`, asking the set only beyond ASCII.
private func isWhitespace(_ scalar: Unicode.Scalar) -> Bool {
  scalar.isASCII ? scalar == " " || scalar == "\t" : CharacterSet.whitespaces.contains(scalar)
}
