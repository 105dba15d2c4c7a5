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
    // TODO: 1. Read the diary's lines with `try Diary.lines(in: folder)`.
    //       2. Keep the lines of this part: `for (number, line) in lines.enumerated() where
    //          number % Assemble.parts == part`, and count their words with `words(in: line)` in
    //          a `[String: Int]`.
    //       3. Write one line per word, "word<TAB>count", in alphabetical order, inside
    //          `try output().write { file in ... }`.
    //       Then delete the line below.
    throw NotImplemented("Chunk.run()")
  }
}
