import Plumb

/// Your first task. A task is a struct that conforms to `PipelineTask`; Plumb calls its `run()` to do the work.
struct Hello: PipelineTask {
  func run() throws {
    print("Hello World")
  }
}
