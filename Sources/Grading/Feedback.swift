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
    lines.append(field("next:", next))
    return lines.joined(separator: "\n")
  }

  /// Short text in quotes with its newlines and tabs shown as `\n` and `\t`; `(nothing)` when empty.
  public static func quoted(_ text: String) -> String {
    if text.isEmpty { return "(nothing)" }
    let shown = text.replacingOccurrences(of: "\\", with: "\\\\").replacingOccurrences(of: "\"", with: "\\\"")
      .replacingOccurrences(of: "\n", with: "\\n").replacingOccurrences(of: "\t", with: "\\t")
    return "\"\(shown)\""
  }

  /// Several lines of text (a summary, a file) shown as an indented block, tabs as `→`.
  public static func block(_ text: String) -> String {
    if text.isEmpty { return "(nothing)" }
    return "\n"
      + text.split(separator: "\n", omittingEmptySubsequences: false)
      .map { "      | " + $0.replacingOccurrences(of: "\t", with: " → ") }
      .joined(separator: "\n")
  }

  private static func field(_ name: String, _ value: String) -> String {
    "  " + name.padding(toLength: 10, withPad: " ", startingAt: 0) + value
  }
}
