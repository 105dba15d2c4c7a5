import Plumb

/// Counts the words of every day's text in an interval, and writes `word<TAB>count` lines, most
/// frequent first, equal counts in alphabetical order.
struct WordCount: PipelineTask {
  @Parameter(help: "the days to count: 2024-01, 2024-W02 or 2024-01-03-2024-01-10 (end excluded)")
  var interval: DaySpan = .required

  // TODO: WordCount needs one InputText per day of the interval: make the return type [InputText]
  //       and return `interval.days.map { InputText(date: $0) }`.
  func requires() -> NoRequirements { NoRequirements() }

  func output() -> LocalTarget { LocalTarget("counts-\(interval).tsv") }

  func run() throws {
    // TODO: 1. `input()` is now one LocalTarget per day: loop with `for text in try input()`,
    //          read each with `try text.read()` and add up how often each word appears, using
    //          `Self.words(in:)`, in a `[String: Int]`.
    //       2. Write one line per word, "word<TAB>count", most frequent first (equal counts: in
    //          alphabetical order), inside `try output().write { file in ... }`.
    //       Then delete the line below.
    throw NotImplemented("WordCount.run()")
  }

  /// The words of `text`: split at white space, lower-cased, with every character that is not a
  /// letter or a digit removed; what is left empty is not a word. "Harbour's" becomes "harbours".
  static func words(in text: String) -> [String] {
    // TODO: lower-case each piece and keep only its letters and digits (`$0.isLetter || $0.isNumber`);
    //       leave out the pieces that end up empty, such as "--".
    text.split(whereSeparator: \.isWhitespace).map { String($0) }
  }
}
