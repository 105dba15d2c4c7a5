import Plumb

/// Writes plays.tsv: 100 rows of `song<TAB>country<TAB>plays`, the same rows on every machine.
struct Producer: PipelineTask {
  func output() -> LocalTarget { LocalTarget("plays.tsv") }

  func run() throws {
    var generator = PlayGenerator(seed: 2018)
    try output().write { file in
      for _ in 1...100 {
        let row = generator.nextRow()
        file.writeLine("\(row.song)\t\(row.country)\t\(row.plays)")
      }
    }
  }
}
