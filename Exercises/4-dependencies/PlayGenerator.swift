/// Made-up play counts that are the same on every machine: a tiny random number generator
/// (SplitMix64) started from a fixed seed, picking from fixed lists of songs and countries.
struct PlayGenerator {
  static let songs = [
    "Amazing Grace", "Blue Danube", "Canon in D", "Clair de Lune", "Danny Boy",
    "Greensleeves", "Moonlight Sonata", "Ode to Joy", "Scarborough Fair", "Swan Lake",
  ]
  static let countries = ["br", "de", "fr", "gb", "jp", "rs"]

  private var state: UInt64

  /// Starts the sequence at `seed`; the same seed gives the same rows.
  init(seed: UInt64) {
    state = seed
  }

  /// The next row: a song, a country, and a play count from 1 to 1000.
  mutating func nextRow() -> (song: String, country: String, plays: Int) {
    let song = Self.songs[Int(next() % UInt64(Self.songs.count))]
    let country = Self.countries[Int(next() % UInt64(Self.countries.count))]
    let plays = Int(next() % 1000) + 1
    return (song, country, plays)
  }

  /// SplitMix64: add a constant, then mix the bits.
  private mutating func next() -> UInt64 {
    state &+= 0x9E37_79B9_7F4A_7C15
    var mixed = state
    mixed = (mixed ^ (mixed >> 30)) &* 0xBF58_476D_1CE4_E5B9
    mixed = (mixed ^ (mixed >> 27)) &* 0x94D0_49BB_1331_11EB
    return mixed ^ (mixed >> 31)
  }
}
