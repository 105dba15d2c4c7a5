import Plumb

/// Greets someone, a number of times, in a file of its own.
struct Hello: PipelineTask {
  @Parameter(help: "who to greet") var name: String = "World"

  /// `.required` means there is no default: a run without a value for `times` stops with an error.
  @Parameter(help: "how many times to greet") var times: Int = .required

  func output() -> LocalTarget {
    LocalTarget("hello-\(name)-\(times).txt")
  }

  func run() throws {
    try output().write { file in
      for _ in 0..<max(times, 0) {
        file.writeLine("Hello \(name)")
      }
    }
  }
}
