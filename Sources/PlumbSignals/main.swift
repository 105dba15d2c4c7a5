// plumb-signals: the pipeline the signal and crash tests run in a process of its own. Its tasks
// say when they start by creating `started-<task>` files, and wait for conditions the test sets,
// so the tests wait for states rather than for time.
import Foundation
import Plumb

/// Creates the file `name` in the working folder, empty, to tell the test something happened.
func mark(_ name: String) {
  _ = FileManager.default.createFile(atPath: LocalTarget(name).path, contents: nil)
}

/// Writes `quick-<n>.txt` at once.
struct Quick: PipelineTask {
  @Parameter var n: Int = 1

  func output() -> LocalTarget { LocalTarget("quick-\(n).txt") }
  func run() throws { try output().write("quick \(n)\n") }
}

/// A synchronous task in the middle of a write: it starts writing `blocked-<n>.txt`, then waits
/// until `release-<n>` exists.
struct Blocked: PipelineTask {
  @Parameter var n: Int = 1

  func output() -> LocalTarget { LocalTarget("blocked-\(n).txt") }

  func run() throws {
    let release = LocalTarget("release-\(n)")
    try output().write { file in
      file.writeLine("blocked \(n)")
      mark("started-Blocked-\(n)")
      while !FileManager.default.fileExists(atPath: release.path) { usleep(10_000) }
    }
  }
}

/// An asynchronous task that sleeps for ten minutes unless it is cancelled.
struct Sleeper: PipelineTask {
  func output() -> LocalTarget { LocalTarget("sleeper.txt") }

  func run() async throws {
    mark("started-Sleeper")
    try await Task.sleep(nanoseconds: 600 * 1_000_000_000)
    try output().write("slept\n")
  }
}

/// Needs the others: never started when the run is stopped while they run.
struct Top: PipelineTask {
  func requires() -> AllOf<Quick, Blocked, Sleeper> { AllOf(Quick(n: 1), Blocked(n: 1), Sleeper()) }
  func output() -> LocalTarget { LocalTarget("top.txt") }
  func run() throws { try output().write("top\n") }
}

/// Traps (an index out of range) while running.
struct Crash: PipelineTask {
  @Parameter var index: Int = 3

  func output() -> LocalTarget { LocalTarget("crash.txt") }

  func run() throws {
    let values = [1, 2, 3]
    try output().write("\(values[index])\n")
  }
}

/// One file per day, for the scheduled run that Ctrl-C stops while it waits for the next day.
struct Daily: PipelineTask {
  @Parameter var date: Day = .required

  func output() -> LocalTarget { LocalTarget("daily-\(date).txt") }
  func run() throws { try output().write("\(date)\n") }
}

PipelineCommand(
  name: "plumb-signals", tasks: [Top.self, Quick.self, Blocked.self, Sleeper.self, Crash.self, Daily.self]
).main()
