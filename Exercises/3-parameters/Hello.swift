import Plumb

/// Greets someone, a number of times, in a file of its own.
struct Hello: PipelineTask {
  // TODO: give `name` help text, as `times` has one: @Parameter(help: "who to greet").
  @Parameter var name: String = "World"

  /// `.required` means there is no default: a run without a value for `times` stops with an error.
  @Parameter(help: "how many times to greet") var times: Int = .required

  func output() -> LocalTarget {
    // TODO: put both parameters into the file name, "hello-<name>-<times>.txt", such as hello-Ana-2.txt.
    LocalTarget("hello.txt")
  }

  func run() throws {
    // TODO: write "Hello <name>" on `times` lines into output() (no lines when times is 0 or
    //       less: `--times -1` must not crash), then delete the line below.
    throw NotImplemented("Hello.run()")
  }
}
