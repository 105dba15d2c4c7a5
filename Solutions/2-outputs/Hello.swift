import Plumb

/// Writes a greeting into output.txt. Once the file exists the task is complete, and Plumb does
/// not run it again.
struct Hello: PipelineTask {
  /// The graded suite sets this to stop a run in the middle of writing (README, step 3).
  @Parameter(help: "stop with an error halfway through writing", significant: false)
  var failHalfway: Bool = false

  func output() -> LocalTarget { LocalTarget("output.txt") }

  func run() throws {
    try output().write { file in
      file.write("Hello ")
      try stopHalfwayIfAsked()
      file.write("World\n")
    }
  }

  /// Throws when failHalfway is set, like a crash in the middle of writing.
  func stopHalfwayIfAsked() throws {
    if failHalfway { throw StoppedHalfway() }
  }
}

/// The error `stopHalfwayIfAsked()` throws.
struct StoppedHalfway: Error, CustomStringConvertible {
  var description: String { "stopped halfway through writing, as asked (--fail-halfway)" }
}
