/// Failure messages in the kit's one shape: what was checked, what was expected, what was found,
/// and what to do next, so a learner never has to read the test to know what is wrong.
///
/// ```
/// output.txt does not hold the greeting.
///   expected: "Hello World\n"
///   found:    "Hello\n"
///   next:     write it in Hello.run() (Exercises/2-outputs/Hello.swift)
/// ```
public enum Feedback {
  /// The message for one failed check.
  public static func message(_ check: String, expected: String? = nil, found: String? = nil, next: String) -> String {
    var lines = [check]
    if let expected { lines.append(field("expected:", expected)) }
    if let found { lines.append(field("found:", found)) }
    if [expected, found].contains(where: { $0?.contains(tab) == true }) { lines.append(field("", "(→ is a tab)")) }
    lines.append(field("next:", next))
    return lines.joined(separator: "\n")
  }

  /// Short text in quotes with its newlines and tabs shown as `\n` and `\t`; `(nothing)` when empty.
  /// A text of more than 1,200 characters shows its first and last 500, saying how many were cut:
  /// a verdict is read on one screen.
  public static func quoted(_ text: String) -> String {
    if text.isEmpty { return "(nothing)" }
    guard text.count <= 1200 else {
      return quoted(String(text.prefix(500))) + " … \(text.count - 1000) characters cut … "
        + quoted(String(text.suffix(500)))
    }
    let shown = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t")
    return "\"\(shown)\""
  }

  /// Several lines of text (a summary, a file) shown as an indented block, tabs as `→`.
  ///
  /// At most `limit` lines are shown, starting at line `start` (counted from 0), so a long file
  /// does not push the rest of the message off the screen; the lines left out are counted.
  public static func block(_ text: String, limit: Int = 8, from start: Int = 0) -> String {
    if text.isEmpty { return "(nothing)" }
    // A final newline ends the last line rather than showing as an empty one.
    let lines = (text.hasSuffix("\n") ? text.dropLast() : Substring(text))
      .split(separator: "\n", omittingEmptySubsequences: false)
    let first = min(max(0, start), max(0, lines.count - limit))
    let shown = lines[first..<min(lines.count, first + limit)]
    var rows = shown.map { "      | " + $0.replacingOccurrences(of: "\t", with: tab) }
    if first > 0 { rows.insert("      … \(first) line\(first == 1 ? "" : "s") before", at: 0) }
    let after = lines.count - first - shown.count
    if after > 0 { rows.append("      … \(after) more line\(after == 1 ? "" : "s")") }
    return "\n" + rows.joined(separator: "\n")
  }

  /// Where two texts' lines first differ (counted from 0), or `nil` when they are the same.
  public static func firstDifferentLine(_ one: String, _ other: String) -> Int? {
    let left = one.split(separator: "\n", omittingEmptySubsequences: false)
    let right = other.split(separator: "\n", omittingEmptySubsequences: false)
    return (0..<max(left.count, right.count)).first { index in
      !left.indices.contains(index) || !right.indices.contains(index) || left[index] != right[index]
    }
  }

  /// How a block shows a tab, so that columns stay readable; a message with one says so.
  private static let tab = " → "

  private static func field(_ name: String, _ value: String) -> String {
    // A block starts on the next line: the name then stands alone, without trailing spaces.
    guard !value.hasPrefix("\n") else { return "  " + name + value }
    return "  " + name.padding(toLength: 10, withPad: " ", startingAt: 0) + value
  }
}
