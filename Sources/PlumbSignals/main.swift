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
      // More than a write keeps in memory: the file goes to the disk without a name, which a
      // process stopped or killed meanwhile must leave nothing of.
      file.writeLine(String(repeating: "-", count: 64 * 1024))
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

/// Prints a line of its own (held in stdio's buffer when standard output is a pipe or a file)
/// before the run logs that it is done.
struct Chatty: PipelineTask {
  func output() -> LocalTarget { LocalTarget("chatty.txt") }
  func run() throws {
    print("Chatty says hello")
    try output().write("chatty\n")
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

/// Appends a line to `ran.log` with O_APPEND, so that runs in several processes (and a Python
/// Luigi worker) counting on one file never lose a line: the central scheduler tests count runs with it.
func logRun(_ line: String) {
  let descriptor = open(LocalTarget("ran.log").path, O_WRONLY | O_APPEND | O_CREAT, 0o644)
  guard descriptor >= 0 else { return }
  defer { close(descriptor) }
  let text = Array((line + "\n").utf8)
  _ = text.withUnsafeBytes { write(descriptor, $0.baseAddress, $0.count) }
}

/// One part of a fan-in: logs its run as `Part(n=3) plumb <pid>`, then writes `part-<n>.txt`. The
/// family and file match the Python fixture's `Part` (`LuigiSharePipeline` in Tests/PlumbTests/LuigidTests).
/// With a file `hold-part-<n>` present it waits for `release-part-<n>` first, after marking
/// `started-Part-<n>`.
struct Part: PipelineTask {
  @Parameter var n: Int = 1

  func output() -> LocalTarget { LocalTarget("part-\(n).txt") }

  func run() throws {
    logRun("Part(n=\(n)) plumb \(getpid())")
    mark("started-Part-\(n)")
    if FileManager.default.fileExists(atPath: LocalTarget("hold-part-\(n)").path) {
      let release = LocalTarget("release-part-\(n)")
      while !FileManager.default.fileExists(atPath: release.path) { usleep(10_000) }
    }
    try output().write("\(n)\n")
  }
}

/// Sums `Part(n: 1...count)`; logs its run as the parts do.
struct FanIn: PipelineTask {
  @Parameter var count: Int = 10

  func requires() -> [Part] { (1...max(count, 1)).map { Part(n: $0) } }
  func output() -> LocalTarget { LocalTarget("fan-in-\(count).txt") }

  func run() throws {
    logRun("FanIn(count=\(count)) plumb \(getpid())")
    var total = 0
    for part in try input() { total += Int(try part.read().trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0 }
    try output().write("\(total)\n")
  }
}

/// Holds the `db` resource (one at a time when luigid's `[resources]` says `db = 1`): logs its run
/// as `Booking(n=1) plumb <pid>`, marks `started-Booking-<n>`, and with a file `hold-booking-<n>`
/// present waits for `release-booking-<n>` before writing `booking-<n>.txt`. The family and files
/// match the Python fixture's `Booking` (`LuigiSharePipeline`).
struct Booking: PipelineTask {
  @Parameter var n: Int = 1

  var resources: [String: Int] { ["db": 1] }
  func output() -> LocalTarget { LocalTarget("booking-\(n).txt") }

  func run() throws {
    logRun("Booking(n=\(n)) plumb \(getpid())")
    mark("started-Booking-\(n)")
    if FileManager.default.fileExists(atPath: LocalTarget("hold-booking-\(n)").path) {
      let release = LocalTarget("release-booking-\(n)")
      while !FileManager.default.fileExists(atPath: release.path) { usleep(10_000) }
    }
    try output().write("\(n)\n")
  }
}

/// Every `Booking(n: 1...count)`.
struct Bookings: WrapperTask {
  @Parameter var count: Int = 2
  func requires() -> [Booking] { (1...max(count, 1)).map { Booking(n: $0) } }
}

/// Runs once `Blocked(n: 1)` is done.
struct AfterBlocked: PipelineTask {
  func requires() -> Blocked { Blocked(n: 1) }
  func output() -> LocalTarget { LocalTarget("after-blocked.txt") }
  func run() throws { try output().write("after\n") }
}

/// Uploads `megabytes` MB to `uploads/<key>` in the config's object store, marking
/// `started-Upload-<key>` once its file is written and the upload begins.
struct Upload: PipelineTask {
  @Parameter var key: String = "big.bin"
  @Parameter var megabytes: Int = 20

  func output() -> ObjectStoreTarget { ObjectStoreTarget(bucket: "uploads", key: key) }

  func run() throws {
    try output().write { file in
      let block = Data(repeating: 0x41, count: 1 << 20)
      for _ in 0..<megabytes { file.write(block) }
      mark("started-Upload-\(key)")
    }
  }
}

/// Python's `Fetch(i)`, which the Python workers of `LuigiKeepAlivePipeline` (Tests/PlumbTests/
/// LuigidTests) produce: external here.
struct Fetch: ExternalTask {
  @Parameter var i: Int = 1
  func output() -> LocalTarget { LocalTarget("fetch-\(i).txt") }
}

/// The Swift share of that pipeline: ten times what Python fetched; logs `Compute(i=2) swift`.
/// Python's `Report` needs it.
struct Compute: PipelineTask {
  @Parameter var i: Int = 1
  func requires() -> Fetch { Fetch(i: i) }
  func output() -> LocalTarget { LocalTarget("compute-\(i).txt") }

  func run() throws {
    logRun("Compute(i=\(i)) swift")
    let fetched = Int(try input().read().trimmingCharacters(in: .whitespacesAndNewlines)) ?? 0
    try output().write("\(fetched * 10) swift\n")
  }
}

/// Every `Compute(i)` up to `count`: what the Swift side is asked to build.
struct Computes: WrapperTask {
  @Parameter var count: Int = 3
  func requires() -> [Compute] { (1...max(count, 1)).map { Compute(i: $0) } }
}

PipelineCommand(
  name: "plumb-signals",
  tasks: [
    Top.self, Quick.self, Blocked.self, Sleeper.self, Crash.self, Daily.self, Part.self, FanIn.self,
    AfterBlocked.self, Upload.self, Chatty.self, Booking.self, Bookings.self, Fetch.self, Compute.self,
    Computes.self,
  ]
).main()
