import Plumb

/// The diary's word count, put together from its parts: `index.tsv`, one "word<TAB>count" line per
/// word, most frequent first, equal counts in alphabetical order.
struct Assemble: PipelineTask {
  /// How many Chunks the diary is split into.
  static let parts = 40

  // TODO: Assemble needs every part: make the return type [Chunk] and return one Chunk per part,
  //       `(0..<Self.parts).map { Chunk(part: $0) }`. No Chunk needs another, so workers can run
  //       them at the same time.
  func requires() -> NoRequirements { NoRequirements() }

  func output() -> LocalTarget { LocalTarget("index.tsv") }

  func run() throws {
    // TODO: 1. `input()` is now one LocalTarget per Chunk: read each one's lines and add up the
    //          counts of each word in a `[String: Int]` (split each line at "\t").
    //       2. Write one line per word, "word<TAB>count", most frequent first (equal counts: in
    //          alphabetical order), inside `try output().write { file in ... }`.
    //       Then delete the line below.
    throw NotImplemented("Assemble.run()")
  }
}
