import Plumb

/// Counts the words of every day's text in an interval, and writes `word<TAB>count` lines, most
/// frequent first, equal counts in alphabetical order.
struct WordCount: PipelineTask {
  @Parameter(help: "the days to count: 2024-01, 2024-W02 or 2024-01-03-2024-01-10 (end excluded)")
  var interval: DaySpan = .required

  func requires() -> [InputText] {
    interval.days.map { InputText(date: $0) }
  }

  func output() -> LocalTarget { LocalTarget("counts-\(interval).tsv") }

  func run() throws {
    var counts: [String: Int] = [:]
    for text in try input() {
      for word in Self.words(in: try text.read()) {
        counts[word, default: 0] += 1
      }
    }
    let sorted = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
    try output().write { file in
      for (word, count) in sorted {
        file.writeLine("\(word)\t\(count)")
      }
    }
  }

  /// The words of `text`: split at white space, lower-cased, with every character that is not a
  /// letter or a digit removed; what is left empty is not a word. "Harbour's" becomes "harbours".
  static func words(in text: String) -> [String] {
    text.split(whereSeparator: \.isWhitespace).compactMap { piece in
      let word = String(piece.lowercased().filter { $0.isLetter || $0.isNumber })
      return word.isEmpty ? nil : word
    }
  }
}
