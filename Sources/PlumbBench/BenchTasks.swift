import Plumb

/// One tiny file-writing task of a fan-in: writes `leaf/<n>.txt`.
struct Leaf: PipelineTask {
  @Parameter(help: "which leaf") var n: Int = 0

  func output() -> LocalTarget { LocalTarget("leaf/\(n).txt") }
  func run() throws { try output().write("\(n)\n") }
}

/// Gathers `count` leaves and writes how many it found: the fan-in Luigi's users find slow.
struct FanIn: PipelineTask {
  @Parameter(help: "how many leaves") var count: Int = 0

  func requires() -> [Leaf] { (0..<count).map { Leaf(n: $0) } }
  func output() -> LocalTarget { LocalTarget("fan-in.txt") }
  func run() throws { try output().write("\(input().count)\n") }
}

/// One link of a chain: link `n` requires link `n - 1` and writes `chain/<n>.txt`.
struct Link: PipelineTask {
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
  func root(size: Int) -> any PipelineTask {
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

/// A CPU-bound task: `rounds` steps of a xorshift generator, then one small file with the result.
struct Crunch: PipelineTask {
  @Parameter(help: "which task") var n: Int = 0
  @Parameter(help: "how many generator steps") var rounds: Int = 0

  func output() -> LocalTarget { LocalTarget("crunch/\(n).txt") }

  func run() throws {
    var state = UInt64(n + 1) &* 0x9E37_79B9_7F4A_7C15
    var sum: UInt64 = 0
    for _ in 0..<rounds {
      state ^= state << 13
      state ^= state >> 7
      state ^= state << 17
      sum &+= state
    }
    try output().write("\(sum)\n")
  }
}

/// Gathers `count` CPU-bound tasks: the case where more workers should pay off.
struct CrunchAll: WrapperTask {
  @Parameter(help: "how many tasks") var count: Int = 0
  @Parameter(help: "generator steps per task") var rounds: Int = 0

  func requires() -> [Crunch] { (0..<count).map { Crunch(n: $0, rounds: rounds) } }
}
