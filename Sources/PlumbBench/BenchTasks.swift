import Plumb

/// One tiny file-writing task of a fan-in: writes `leaf/<n>.txt`.
struct Leaf: Task {
  @Parameter(help: "which leaf") var n: Int = 0

  func output() -> LocalTarget { LocalTarget("leaf/\(n).txt") }
  func run() throws { try output().write("\(n)\n") }
}

/// Gathers `count` leaves and writes how many it found: the fan-in Luigi's users find slow.
struct FanIn: Task {
  @Parameter(help: "how many leaves") var count: Int = 0

  func requires() -> [Leaf] { (0..<count).map { Leaf(n: $0) } }
  func output() -> LocalTarget { LocalTarget("fan-in.txt") }
  func run() throws { try output().write("\(input().count)\n") }
}

/// One link of a chain: link `n` requires link `n - 1` and writes `chain/<n>.txt`.
struct Link: Task {
  @Parameter(help: "the position in the chain") var n: Int = 0

  func requires() -> Link? { n > 0 ? Link(n: n - 1) : nil }
  func output() -> LocalTarget { LocalTarget("chain/\(n).txt") }
  func run() throws { try output().write("\(n)\n") }
}

/// The shapes of pipeline the benchmark runs.
enum Shape: String, CaseIterable {
  case fanIn = "fan-in"
  case chain

  /// The task to request so that the run has `size` tasks in all.
  func root(size: Int) -> any Task {
    switch self {
    case .fanIn: return FanIn(count: size - 1)
    case .chain: return Link(n: size - 1)
    }
  }

  /// The files a run of `size` tasks writes, relative to its folder, with their contents.
  func files(size: Int) -> [(path: String, text: String)] {
    switch self {
    case .fanIn: return (0..<(size - 1)).map { ("leaf/\($0).txt", "\($0)\n") } + [("fan-in.txt", "\(size - 1)\n")]
    case .chain: return (0..<size).map { ("chain/\($0).txt", "\($0)\n") }
    }
  }
}
