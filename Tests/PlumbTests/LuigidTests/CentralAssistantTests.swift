import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbCommandLine
@testable import PlumbCore
@testable import PlumbLuigid

/// A Swift leaf: the assistant's program knows this family.
private struct SwiftLeaf: PipelineTask {
  @Parameter var n: Int = 0
  func output() -> LocalTarget { LocalTarget("swift-leaf-\(n).txt") }
  func run() throws { try output().write("\(n) swift\n") }
}

/// Needs both leaves: luigid hands it out only once the assistant has run them.
private struct SwiftTop: PipelineTask {
  func requires() -> [SwiftLeaf] { [SwiftLeaf(n: 0), SwiftLeaf(n: 1)] }
  func output() -> LocalTarget { LocalTarget("swift-top.txt") }
  func run() throws {
    let leaves = try input().map { try $0.read() }.joined()
    try output().write(leaves)
  }
}

/// Another Swift program's family, which the assistant's program does not list.
private struct Stranger: PipelineTask {
  func output() -> LocalTarget { LocalTarget("stranger.txt") }
  func run() throws { try output().write("ran where it should not\n") }
}

/// Assistants on a real luigid (issue 21, item 2): a Python Luigi process and Plumb processes
/// only schedule (`--workers 0`), and a Plumb assistant, which schedules nothing, runs what they
/// scheduled: Swift tasks natively, Python tasks through Python Luigi. A Python task whose module
/// the assistant's Python cannot import, and a Swift task of a family the assistant's program
/// does not know, end FAILED with Luigi's own assistant's message, not held.
final class CentralAssistantTests: XCTestCase {
  private static let pythonModule = "assistant_pipeline"
  private static let pythonSource = """
    import luigi

    class PyLeaf(luigi.Task):
        n = luigi.IntParameter()
        def output(self):
            return luigi.LocalTarget(f"py-leaf-{self.n}.txt")
        def run(self):
            with self.output().open("w") as f:
                f.write(f"{self.n} python\\n")

    class PyTop(luigi.Task):
        def requires(self):
            return [PyLeaf(n=0), PyLeaf(n=1)]
        def output(self):
            return luigi.LocalTarget("py-top.txt")
        def run(self):
            with self.output().open("w") as f:
                for leaf in self.input():
                    f.write(leaf.open().read())

    """
  /// A module only the scheduling process can import: it is removed before the assistant starts.
  private static let goneModule = "gone_pipeline"
  private static let goneSource = """
    import luigi

    class Lost(luigi.Task):
        def output(self):
            return luigi.LocalTarget("lost.txt")
        def run(self):
            with self.output().open("w") as f:
                f.write("ran without its module\\n")

    """

  func testAPlumbAssistantRunsSwiftAndPythonTasksAndFailsWhatItCannotLoadAsLuigisAssistantDoes() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    // Failed tasks stay failed for the test's length: a retry would hand them out again.
    let luigid = try LuigidServer(for: self, retryDelay: 600)
    try folder.write(Self.pythonSource, to: "\(Self.pythonModule).py")
    try folder.write(Self.goneSource, to: "\(Self.goneModule).py")

    // Luigi's own worker schedules the Python tasks and runs none (`--workers 0`).
    for (module, task) in [(Self.pythonModule, "PyTop"), (Self.goneModule, "Lost")] {
      let scheduled = try runPython(
        ["-m", "luigi", "--module", module, task, "--workers", "0"] + luigid.flags, in: folder)
      XCTAssertEqual(scheduled.code, 0, scheduled.output)
    }
    try FileManager.default.removeItem(atPath: folder.path(of: "\(Self.goneModule).py"))
    try? FileManager.default.removeItem(atPath: folder.path(of: "__pycache__"))

    // Two Swift programs schedule theirs the same way.
    let pipeline = PipelineCommand(name: "pipeline", tasks: [SwiftTop.self, SwiftLeaf.self])
    let other = PipelineCommand(name: "other", tasks: [Stranger.self])
    for (command, task) in [(pipeline, "SwiftTop"), (other, "Stranger")] {
      var output = ""
      let code = command.run(
        arguments: [task, "--workers", "0", "--no-lock"] + luigid.flags, workingDirectory: folder.path,
        environment: [:], standardOutput: { output += $0 + "\n" }, standardError: { _ in })
      XCTAssertEqual(code, ExitCodes().notRun, output)
    }
    XCTAssertNil(folder.contents(of: "swift-leaf-0.txt"), "a process with --workers 0 runs nothing")

    // The assistant: built from the pipeline's program, no task, not kept alive: it ends when
    // luigid has nothing more for it. Its Python is the venv's; it imports modules from the run's
    // folder, where it runs them, as `python -c` puts the current folder first on its path.
    try folder.write("[worker]\npython = \(LuigidServer.python)\n", to: "plumb.cfg")
    var summary = ""
    var log: [String] = []
    let code = pipeline.run(
      arguments: ["--assistant", "--no-lock"] + luigid.flags, workingDirectory: folder.path,
      environment: [:], standardOutput: { summary += $0 + "\n" },
      standardError: { log.append($0) })
    print(summary)

    XCTAssertEqual(code, ExitCodes().taskFailed, summary + log.joined(separator: "\n"))
    XCTAssertEqual(folder.contents(of: "swift-top.txt"), "0 swift\n1 swift\n")
    XCTAssertEqual(folder.contents(of: "py-top.txt"), "0 python\n1 python\n")
    XCTAssertNil(folder.contents(of: "stranger.txt"))
    XCTAssertNil(folder.contents(of: "lost.txt"))

    let done = try names(of: "DONE", in: luigid)
    XCTAssertEqual(
      done, ["PyLeaf(n=0)", "PyLeaf(n=1)", "PyTop()", "SwiftLeaf(n=0)", "SwiftLeaf(n=1)", "SwiftTop()"])
    // Failed, not held RUNNING: luigid is free to hand them to a worker that can run them.
    XCTAssertEqual(try names(of: "FAILED", in: luigid), ["Lost()", "Stranger()"])
    XCTAssertEqual(try names(of: "RUNNING", in: luigid), [])
    for (family, reason) in [("Lost", "No module named 'gone_pipeline'"), ("Stranger", "it knows SwiftLeaf, SwiftTop")]
    {
      let id = try XCTUnwrap(try ids(of: "FAILED", in: luigid)[family])
      let error = try luigid.api("fetch_error", ["task_id": .string(id)])["error"]?.string ?? ""
      XCTAssertTrue(error.contains("Cannot find task(s) sent by scheduler: \(id)"), error)
      XCTAssertTrue(error.contains(reason), error)
    }

    XCTAssertTrue(summary.contains("* 6 ran successfully:\n"), summary)
    XCTAssertTrue(summary.contains("    - 2 PyLeaf(n=0,1)\n"), summary)
    XCTAssertTrue(summary.contains("    - 2 SwiftLeaf(n=0,1)\n"), summary)
    XCTAssertTrue(summary.contains("* 2 failed:\n    - 1 Lost()\n    - 1 Stranger()\n"), summary)
  }

  /// The display names of the tasks luigid has in `status`, sorted.
  private func names(of status: String, in luigid: LuigidServer) throws -> [String] {
    guard case .object(let tasks) = try luigid.api("task_list", ["status": .string(status), "upstream_status": ""])
    else { return [] }
    return tasks.values.compactMap { $0["display_name"]?.string }.sorted()
  }

  /// The ids of the tasks luigid has in `status`, by family.
  private func ids(of status: String, in luigid: LuigidServer) throws -> [String: String] {
    guard case .object(let tasks) = try luigid.api("task_list", ["status": .string(status), "upstream_status": ""])
    else { return [:] }
    var ids: [String: String] = [:]
    for (id, task) in tasks { ids[task["name"]?.string ?? ""] = id }
    return ids
  }

  /// Runs the venv's Python with `arguments` in `folder` to its end; its exit code and output.
  private func runPython(_ arguments: [String], in folder: TemporaryFolder) throws -> (code: Int32, output: String) {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: LuigidServer.python)
    process.arguments = arguments
    process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
    var environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasSuffix("_CONFIG_PATH") }
    environment["PYTHONPATH"] = folder.path
    process.environment = environment
    let name = "python-\(arguments[3])"
    try LuigidTestProcesses.redirect(process, name, in: folder)
    try process.run()
    process.waitUntilExit()
    let output = (folder.contents(of: ".\(name).stdout") ?? "") + (folder.contents(of: ".\(name).stderr") ?? "")
    return (process.terminationStatus, output)
  }
}
