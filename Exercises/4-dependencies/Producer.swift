import Plumb

/// Writes plays.tsv: 100 rows of `song<TAB>country<TAB>plays`, the same rows on every machine.
struct Producer: PipelineTask {
  /// Not part of the task's identity. The graded suite sets another name in plumb.cfg, so that
  /// TopSongs passes only when it reads Producer's output through `input()`, not by its name.
  @Parameter(help: "the file to write the plays to", significant: false)
  var file: String = "plays.tsv"

  func output() -> LocalTarget { LocalTarget(file) }

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
