import Plumb

/// The most played songs in one country, from the plays Producer writes.
struct TopSongs: PipelineTask {
  @Parameter(help: "the country's two-letter code, such as rs") var tld: String = .required

  func requires() -> Producer { Producer() }

  func output() -> LocalTarget { LocalTarget("top-\(tld).tsv") }

  func run() throws {
    var plays: [String: Int] = [:]
    for line in try input().lines() {
      let fields = line.split(separator: "\t", omittingEmptySubsequences: false)
      guard fields.count == 3, let count = Int(fields[2]) else { throw MalformedRow(line: line) }
      if fields[1] == tld {
        plays[String(fields[0]), default: 0] += count
      }
    }
    let top = plays.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }
    try output().write { file in
      for (song, count) in top {
        file.writeLine("\(song)\t\(count)")
      }
    }
  }
}

/// A row of plays.tsv that is not `song<TAB>country<TAB>plays`.
struct MalformedRow: Error, CustomStringConvertible {
  let line: String
  var description: String { "plays.tsv has a row that is not song<TAB>country<TAB>plays: \(line)" }
}
