import Plumb

/// The most played songs in one country, from the plays Producer writes.
struct TopSongs: PipelineTask {
  @Parameter(help: "the country's two-letter code, such as rs") var tld: String = .required

  // TODO: TopSongs needs Producer's plays: make the return type Producer and return Producer().
  func requires() -> NoRequirements { NoRequirements() }

  func output() -> LocalTarget { LocalTarget("top-\(tld).tsv") }

  func run() throws {
    // TODO: 1. Read Producer's rows with `try input().lines()`; split each row at "\t" into song,
    //          country and plays, and add up the plays of each song in this country (tld).
    //       2. Write one line per song, "song<TAB>plays", most plays first (equal plays: by song name),
    //          inside `try output().write { file in ... }`.
    //       Then delete the line below.
    throw NotImplemented("TopSongs.run()")
  }
}
