/// Escapes for the text formats the graph is written in. Each keeps text that needs no escaping
/// as it is, without looking at it character by character, so big graphs render fast.
enum TextEscaping {
  /// Text for XML and HTML, as element content or in a quoted attribute. Characters XML 1.0
  /// forbids (the control characters other than tab and line breaks) become U+FFFD, so a
  /// parameter value cannot make the page malformed.
  static func markup(_ text: String) -> String {
    escape(text, when: { $0 < 0x20 || markupBytes.contains($0) }) { scalar in
      switch scalar {
      case "<": return "&lt;"
      case ">": return "&gt;"
      case "&": return "&amp;"
      case "\"": return "&quot;"
      case "'": return "&#39;"
      case "\n", "\t", "\r": return nil
      case "\u{FFFE}", "\u{FFFF}": return "\u{FFFD}"
      default: return scalar.value < 0x20 ? "\u{FFFD}" : nil
      }
    }
  }

  /// Text inside a DOT quoted string; a line break becomes DOT's `\n`.
  static func dot(_ text: String) -> String {
    escape(text, when: { dotBytes.contains($0) }) { scalar in
      switch scalar {
      case "\"": return "\\\""
      case "\\": return "\\\\"
      case "\n": return "\\n"
      case "\r": return ""
      default: return nil
      }
    }
  }

  /// Text inside a Mermaid quoted label: Mermaid's `#code;` entities for the characters it would
  /// read as syntax or markup, and a space for a line break.
  static func mermaid(_ text: String) -> String {
    escape(text, when: { mermaidBytes.contains($0) }) { scalar in
      switch scalar {
      case "\"", "#", "&", "<", ">", "`": return "#\(scalar.value);"
      case "\n", "\r": return " "
      default: return nil
      }
    }
  }

  /// The bytes that send text through the slow path. 0xEF starts the UTF-8 form of U+FFFE and
  /// U+FFFF (and of other characters, which stay as they are).
  private static let markupBytes: Set<UInt8> = [0x22, 0x26, 0x27, 0x3C, 0x3E, 0xEF]
  private static let dotBytes: Set<UInt8> = [0x0A, 0x0D, 0x22, 0x5C]
  private static let mermaidBytes: Set<UInt8> = [0x0A, 0x0D, 0x22, 0x23, 0x26, 0x3C, 0x3E, 0x60]

  /// `text` with each scalar that `replacement` maps replaced, looked at only if some UTF-8 byte
  /// passes `when`. An ASCII byte never occurs inside a multi-byte character, so testing one is exact.
  private static func escape(
    _ text: String, when needsLook: (UInt8) -> Bool, replacement: (Unicode.Scalar) -> String?
  ) -> String {
    guard text.utf8.contains(where: needsLook) else { return text }
    var escaped = ""
    escaped.reserveCapacity(text.utf8.count + 16)
    for scalar in text.unicodeScalars {
      if let replaced = replacement(scalar) {
        escaped += replaced
      } else {
        escaped.unicodeScalars.append(scalar)
      }
    }
    return escaped
  }
}
