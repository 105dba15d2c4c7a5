/// Reading an execution summary's text, for tests that check what a run in another process printed.
public enum SummaryText {
  /// `n` in the summary's `* n <category>:` line, at any depth; 0 without one.
  ///
  /// ```swift
  /// SummaryText.count(of: "ran successfully", in: output)  // 29 for "* 29 ran successfully:"
  /// ```
  public static func count(of category: String, in summary: String) -> Int {
    for line in summary.split(separator: "\n") {
      let words = line.drop { $0 == " " }
      guard words.hasPrefix("* "), words.hasSuffix(" \(category):") else { continue }
      return Int(words.dropFirst(2).split(separator: " ")[0]) ?? 0
    }
    return 0
  }
}
