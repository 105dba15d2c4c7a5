import Plumb

/// One part of the diary's word count: the lines whose number (counting from 0) leaves `part` as
/// the remainder when divided by `Assemble.parts`. Part 3 of 40 counts lines 3, 43, 83, …
struct Chunk: PipelineTask {
  @Parameter(help: "which part of the diary to count, from 0 to 39") var part: Int = .required

  /// Not part of the task's identity: the same part of the same diary, wherever it is kept. The
  /// default fits `make run`, which runs in workspace/7-workers; plumb.cfg may set another under [Chunk].
  @Parameter(help: "the folder holding the diary's daily texts", significant: false)
  var folder: String = "../../data/wordcount"

  func output() -> LocalTarget { LocalTarget("chunks/chunk-\(part).tsv") }

  func run() throws {
    let lines = try Diary.lines(in: folder)
    var counts: [String: Int] = [:]
    for (number, line) in lines.enumerated() where number % Assemble.parts == part {
      for word in words(in: line) {
        counts[word, default: 0] += 1
      }
    }
    try output().write { file in
      for (word, count) in counts.sorted(by: { $0.key < $1.key }) {
        file.writeLine("\(word)\t\(count)")
      }
    }
  }
}
