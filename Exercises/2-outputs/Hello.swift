import Plumb

/// Writes a greeting into output.txt. Once the file exists the task is complete, and Plumb does
/// not run it again.
struct Hello: PipelineTask {
  /// The graded suite sets this to stop a run in the middle of writing (README, step 3).
  @Parameter(help: "stop with an error halfway through writing", significant: false)
  var failHalfway: Bool = false

  // TODO: return the file this task writes: make the return type LocalTarget and return LocalTarget("output.txt").
  func output() -> NoOutput { NoOutput() }

  func run() throws {
    // TODO: write the file inside `try output().write { file in ... }`: file.write("Hello "),
    //       then `try stopHalfwayIfAsked()`, then file.write("World\n"). Then delete the line below.
    throw NotImplemented("Hello.run()")
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
