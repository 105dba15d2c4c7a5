// plumb-example: a small pipeline run from the command line, and the program the command-line
// tests run. Try, in an empty folder:
//
//   swift run plumb-example --help
//   swift run plumb-example TopSongs --help
//   swift run plumb-example TopSongs --tld rs
//   swift run plumb-example AllCountries --workers 2 --Producer-rows 500
//   swift run plumb-example AllCountries --graph graph.html   # then open graph.html
//   swift run plumb-example TopArtists          # needs catalog.tsv: song<TAB>artist
import Foundation
import Plumb

/// The songs and their artists, one `song<TAB>artist` line each, put in place by someone else.
struct SongCatalog: ExternalTask {
  static let help = "catalog.tsv, provided from outside the pipeline: song<TAB>artist per line"

  func output() -> LocalTarget { LocalTarget("catalog.tsv") }
}

/// Writes seeded play counts, one `song<TAB>country<TAB>plays` line each: the same rows for the same seed.
struct Producer: PipelineTask {
  static let help = "writes plays.tsv: play counts per song and country, from a seed"

  @Parameter(help: "how many rows to write") var rows: Int = 200
  @Parameter(help: "the seed of the play counts") var seed: Int = 7

  static let songs = (1...12).map { "song-\($0 < 10 ? "0" : "")\($0)" }
  static let countries = ["de", "fr", "rs", "us"]

  func output() -> LocalTarget { LocalTarget("plays.tsv") }

  func run() throws {
    var state = UInt64(truncatingIfNeeded: seed) &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
    func next(_ bound: Int) -> Int {
      state = state &* 6_364_136_223_846_793_005 &+ 1_442_695_040_888_963_407
      return Int((state >> 33) % UInt64(bound))
    }
    try output().write { file in
      for _ in 0..<rows {
        let song = Self.songs[next(Self.songs.count)]
        let country = Self.countries[next(Self.countries.count)]
        file.write("\(song)\t\(country)\t\(1 + next(100))\n")
      }
    }
  }
}

/// The most played songs of one country, most played first.
struct TopSongs: PipelineTask {
  static let help = "the most played songs of one country"

  @Parameter(help: "the country's two-letter code, as in plays.tsv") var tld: String = .required
  @Parameter(help: "how many songs to list") var top: Int = 5
  @Parameter(help: "also write each song's play count", significant: false) var withPlays: Bool = false

  func requires() -> Producer { Producer() }
  func output() -> LocalTarget { LocalTarget("top-\(tld).tsv") }

  func run() throws {
    let rows = try input().lines().map { $0.split(separator: "\t").map(String.init) }.filter { $0.count == 3 }
    var plays: [String: Int] = [:]
    for row in rows where row[1] == tld { plays[row[0], default: 0] += Int(row[2]) ?? 0 }
    guard !plays.isEmpty else {
      let countries = Set(rows.map { $0[1] }).sorted().joined(separator: ", ")
      throw ExampleError("no plays for country '\(tld)' in plays.tsv; its countries are \(countries)")
    }
    let ranked = plays.sorted { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }.prefix(top)
    try output().write { file in
      for (song, count) in ranked { file.write(withPlays ? "\(song)\t\(count)\n" : "\(song)\n") }
    }
  }
}

/// The top songs of several countries: a wrapper that only requires.
struct AllCountries: WrapperTask {
  static let help = "the top songs of every country"

  @Parameter(help: "the countries") var tlds: [String] = Producer.countries

  func requires() -> [TopSongs] { tlds.map { TopSongs(tld: $0) } }
}

/// Plays per artist, joining the play counts with the catalog that comes from outside.
struct TopArtists: PipelineTask {
  static let help = "plays per artist; needs catalog.tsv"

  func requires() -> AllOf<Producer, SongCatalog> { AllOf(Producer(), SongCatalog()) }
  func output() -> LocalTarget { LocalTarget("top-artists.tsv") }

  func run() throws {
    let (plays, catalog) = try input()
    var artists: [String: String] = [:]
    for line in try catalog.lines() {
      let fields = line.split(separator: "\t").map(String.init)
      if fields.count == 2 { artists[fields[0]] = fields[1] }
    }
    var totals: [String: Int] = [:]
    for line in try plays.lines() {
      let fields = line.split(separator: "\t")
      guard fields.count == 3, let count = Int(fields[2]) else { continue }
      totals[artists[String(fields[0])] ?? "unknown artist", default: 0] += count
    }
    try output().write { file in
      for (artist, count) in totals.sorted(by: { $0.value > $1.value }) { file.write("\(artist)\t\(count)\n") }
    }
  }
}

/// A failure the pipeline explains in one line.
struct ExampleError: Error, CustomStringConvertible {
  let description: String
  init(_ description: String) { self.description = description }
}

PipelineCommand(
  name: "plumb-example", tasks: [TopSongs.self, AllCountries.self, TopArtists.self, Producer.self, SongCatalog.self]
).main()
