import Plumb

/// The diary's word count, put together from its parts: `index.tsv`, one "word<TAB>count" line per
/// word, most frequent first, equal counts in alphabetical order.
struct Assemble: PipelineTask {
  /// How many Chunks the diary is split into.
  static let parts = 40

  func requires() -> [Chunk] {
    (0..<Self.parts).map { Chunk(part: $0) }
  }

  func output() -> LocalTarget { LocalTarget("index.tsv") }

  func run() throws {
    var counts: [String: Int] = [:]
    for chunk in try input() {
      for line in try chunk.lines() {
        let fields = line.split(separator: "\t")
        guard fields.count == 2, let count = Int(fields[1]) else { continue }
        counts[String(fields[0]), default: 0] += count
      }
    }
    let sorted = counts.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
    try output().write { file in
      for (word, count) in sorted {
        file.writeLine("\(word)\t\(count)")
      }
    }
  }
}
