import Plumb

/// Your first task. A task is a struct that conforms to `PipelineTask`; Plumb calls its `run()` to do the work.
struct Hello: PipelineTask {
  func run() throws {
    // TODO: print "Hello World" with print(...), then delete the line below.
    throw NotImplemented("Hello.run()")
  }
}
