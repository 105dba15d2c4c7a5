import Foundation
import Plumb
import PlumbTestSupport
import Synchronization
import XCTest

@testable import PlumbCommandLine
@testable import PlumbLuigid

/// What the luigid tests share to run Python Luigi workers beside Plumb and to wait for states:
/// processes started in the test's folder, their output in `.<name>.stdout` and `.<name>.stderr`,
/// killed by their pid if still running when the test ends.
enum LuigidTestProcesses {
  struct Timeout: Error, CustomStringConvertible {
    let what: String
    var description: String { "gave up waiting for \(what)" }
  }

  /// Waits until `condition` holds; gives up after two minutes, so that a broken engine fails the
  /// test rather than hanging it.
  static func waitFor(_ what: String, _ condition: () -> Bool) throws {
    let deadline = Date().addingTimeInterval(120)
    while !condition() {
      guard Date() < deadline else { throw Timeout(what: what) }
      usleep(10_000)
    }
  }

  /// For a task the test holds while it runs: marks `started` in the run's folder, then waits until
  /// the test writes `release` there.
  static func holdUntilReleased(started: String, release: String) {
    _ = FileManager.default.createFile(atPath: LocalTarget(started).path, contents: nil)
    while !FileManager.default.fileExists(atPath: LocalTarget(release).path) { usleep(10_000) }
  }

  /// Starts `python -m luigi --module <module> <arguments>` with the venv's Python in `folder`, on
  /// `luigid`, kept alive and polling every 0.1 s without jitter; its output goes to `.<name>.*`.
  static func startPython(
    module: String, _ arguments: [String], luigid: LuigidServer, in folder: TemporaryFolder, name: String,
    for test: XCTestCase
  ) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: LuigidServer.python)
    process.arguments =
      ["-m", "luigi", "--module", module] + arguments + luigid.flags + [
        "--worker-keep-alive", "--worker-wait-interval", "0.1", "--worker-wait-jitter", "0",
      ]
    process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
    var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasSuffix("_CONFIG_PATH") }
    environment["PYTHONPATH"] = folder.path
    process.environment = environment
    try redirect(process, name, in: folder)
    try process.run()
    test.addTeardownBlock {
      if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    }
    return process
  }

  /// The display names of the tasks luigid has in `status`, sorted.
  static func names(of status: String, in luigid: LuigidServer) throws -> [String] {
    guard case .object(let tasks) = try luigid.api("task_list", ["status": .string(status), "upstream_status": ""])
    else { return [] }
    return tasks.values.compactMap { $0["display_name"]?.string }.sorted()
  }

  /// The ids of the tasks luigid has in `status`, by family.
  static func ids(of status: String, in luigid: LuigidServer) throws -> [String: String] {
    guard case .object(let tasks) = try luigid.api("task_list", ["status": .string(status), "upstream_status": ""])
    else { return [:] }
    var ids: [String: String] = [:]
    for (id, task) in tasks { ids[task["name"]?.string ?? ""] = id }
    return ids
  }

  /// Runs the venv's Python with `arguments` in `folder` to its end; its exit code and output.
  static func runPython(_ arguments: [String], in folder: TemporaryFolder) throws -> (code: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: LuigidServer.python)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
    var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasSuffix("_CONFIG_PATH") }
    environment["PYTHONPATH"] = folder.path
    process.environment = environment
    let name = "python-\(UUID().uuidString)"
    try LuigidTestProcesses.redirect(process, name, in: folder)
    try process.run()
    process.waitUntilExit()
    let output = (folder.contents(of: ".\(name).stdout") ?? "") + (folder.contents(of: ".\(name).stderr") ?? "")
    return (process.terminationStatus, output)
  }

  /// Sends `process`'s output and errors to `.<name>.stdout` and `.<name>.stderr` in `folder`.
  static func redirect(_ process: Process, _ name: String, in folder: TemporaryFolder) throws {
    try folder.write("", to: ".\(name).stdout")
    try folder.write("", to: ".\(name).stderr")
    process.standardOutput = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.path(of: ".\(name).stdout")))
    process.standardError = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.path(of: ".\(name).stderr")))
  }

  /// Starts `command` with `arguments` in this process on a thread of its own, in `folder`; the
  /// closure returned waits for its exit code and standard output.
  static func runInProcess(
    _ command: PipelineCommand, _ arguments: [String], in folder: TemporaryFolder
  ) -> () -> (code: Int32, output: String) {
    let outcome = Mutex<(code: Int32, output: String)>((-1, ""))
    let done = DispatchSemaphore(value: 0)
    let path = folder.path
    Thread.detachNewThread {
      var output = ""
      let code = command.run(
        arguments: arguments, workingDirectory: path, environment: [:], standardOutput: { output += $0 + "\n" },
        standardError: { _ in })
      outcome.withLock { $0 = (code, output) }
      done.signal()
    }
    return {
      // Two minutes, so that a worker that never ends fails the test rather than hanging it.
      guard done.wait(timeout: .now() + 120) == .success else { return (-1, "still running after 120 s") }
      return outcome.withLock { $0 }
    }
  }

  /// Starts `build(tasks, options:)` on a thread of its own; the closure returned waits a minute at
  /// most for its result, `nil` when the run threw or had not ended by then.
  static func buildInBackground(_ tasks: [any PipelineTask], options: RunOptions) -> () -> RunResult? {
    let outcome = Mutex<RunResult?>(nil)
    let done = DispatchSemaphore(value: 0)
    Thread.detachNewThread {
      let result = try? build(tasks, options: options)
      outcome.withLock { $0 = result }
      done.signal()
    }
    return {
      guard done.wait(timeout: .now() + 60) == .success else { return nil }
      return outcome.withLock { $0 }
    }
  }

  /// Checks what a run that shared its graph with other workers printed, as Luigi's worker prints
  /// the tasks it saw another worker run: what it did not run "were being run by another worker",
  /// the other workers are named, nothing is "complete" for having been done meanwhile, the face
  /// is happy, and the exit code is 10 (`already_running`).
  static func assertSharedRun(
    _ output: String, code: Int32, scheduled: Int, file: StaticString = #filePath, line: UInt = #line
  ) {
    XCTAssertEqual(code, ExitCodes().alreadyRunning, output, file: file, line: line)
    XCTAssertTrue(output.contains("\nThe other workers were:\n    - Worker("), output, file: file, line: line)
    XCTAssertTrue(output.contains("This progress looks :) because"), output, file: file, line: line)
    XCTAssertFalse(output.contains("complete ones were encountered"), output, file: file, line: line)
    XCTAssertEqual(
      SummaryText.count(of: "ran successfully", in: output)
        + SummaryText.count(of: "were being run by another worker", in: output), scheduled, output, file: file,
      line: line)
  }
}
