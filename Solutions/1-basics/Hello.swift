import Plumb

/// Your first task. A task is a struct that conforms to `Task`; Plumb calls its `run()` to do the work.
struct Hello: Task {
  func run() throws {
    print("Hello World")
  }
}
