import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbLuigid

/// Keep-alive workers on a real luigid waiting for what other workers produce (issue 21): Python
/// Luigi workers run `Fetch(i)` and `Report`, the Swift side runs `Compute(i)`, each side declaring
/// the other's tasks external. Two Python processes and two Plumb processes start together, all
/// kept alive; the data appears only once every worker has registered, so a worker that does not
/// wait for it leaves at once.
///
/// The same scenario runs with Luigi's own worker in Plumb's place (``LuigiKeepAlivePipeline``'s
/// twin), so the test also shows that Luigi completes it: what Plumb is held to.
final class CentralKeepAliveTests: XCTestCase {
  private static let count = 4

  /// The Swift side of one scenario: Plumb, or Luigi's twin of it.
  private enum SwiftSide {
    case plumb
    case luigiTwin
  }

  private struct Outcome {
    /// Exit code and standard output of each Swift-side worker, then of each Python worker.
    var swiftSide: [(code: Int32, output: String)]
    var python: [(code: Int32, output: String)]
    var runs: [String]
    var report: String?
    var computed: [String?]
  }

  func testKeptAliveWorkersWaitForTheDataOtherWorkersProduceAsLuigisOwnWorkersDo() throws {
    let count = Self.count
    let expectedRuns: (String) -> [String] = { language in
      ((1...count).map { "Fetch(i=\($0)) python" } + (1...count).map { "Compute(i=\($0)) \(language)" }
        + ["Report(count=\(count)) python"]).sorted()
    }
    let total = (1...count).reduce(0) { $0 + $1 * 10 }

    let twin = try run(.luigiTwin)
    for (index, worker) in (twin.swiftSide + twin.python).enumerated() {
      XCTAssertEqual(worker.code, 0, "Luigi worker \(index): \(worker.output)")
    }
    XCTAssertEqual(twin.runs.sorted(), expectedRuns("python-twin"), "Luigi's own workers, every task once")
    XCTAssertEqual(twin.report, "\(total)\n")

    let plumb = try run(.plumb)
    for (index, worker) in plumb.python.enumerated() {
      XCTAssertEqual(worker.code, 0, "Python worker \(index): \(worker.output)")
    }
    XCTAssertEqual(plumb.runs.sorted(), expectedRuns("swift"), "every task once, in its language")
    XCTAssertEqual(plumb.report, "\(total)\n", "Python's Report read what Plumb computed")
    XCTAssertEqual(plumb.computed, (1...count).map { "\($0 * 10) swift\n" })
    // Each Plumb worker's summary says which tasks it ran and which the others ran, as Luigi's
    // does for those it saw running: the Fetches always (Python ran them), whatever the timing.
    // Exit code 10 (`already_running`) says the same, every time.
    let scheduled = 2 * count + 1
    for worker in plumb.swiftSide {
      LuigidTestProcesses.assertSharedRun(worker.output, code: worker.code, scheduled: scheduled)
      XCTAssertTrue(worker.output.contains("        - \(count) Fetch(i=1...\(count))\n"), worker.output)
    }
    // Between them the two Plumb workers ran every Compute, and each ended on a summary saying so.
    let ranHere = plumb.swiftSide.map { SummaryText.count(of: "ran successfully", in: $0.output) }
    XCTAssertEqual(ranHere.reduce(0, +), count + 1, "\(plumb.swiftSide.map(\.output))")
  }

  // MARK: - The scenario

  /// Runs the scenario on a luigid of its own in a folder of its own, and waits for every worker.
  private func run(_ side: SwiftSide) throws -> Outcome {
    let folder = try TemporaryFolder(removedAfter: self)
    let luigid = try LuigidServer(for: self)
    try folder.write(LuigiKeepAlivePipeline.pythonSource, to: "\(LuigiKeepAlivePipeline.pythonModule).py")
    try folder.write(LuigiKeepAlivePipeline.twinSource, to: "\(LuigiKeepAlivePipeline.twinModule).py")
    // Plumb reads keep-alive and its polling from the config file, as Luigi's workers can.
    try folder.write("[worker]\nkeep_alive = true\nwait_interval = 0.1\n", to: "plumb.cfg")
    let size = ["--count", String(Self.count), "--workers", "1", "--no-lock"]

    let python = try (1...2).map { n in
      try LuigidTestProcesses.startPython(
        module: LuigiKeepAlivePipeline.pythonModule, ["Pipeline"] + size, luigid: luigid, in: folder,
        name: "python-\(n)", for: self)
    }
    let swiftSide: [() -> (code: Int32, output: String)]
    switch side {
    case .luigiTwin:
      let twins = try (1...2).map { n in
        try LuigidTestProcesses.startPython(
          module: LuigiKeepAlivePipeline.twinModule, ["Computes"] + size, luigid: luigid, in: folder,
          name: "twin-\(n)", for: self)
      }
      swiftSide = twins.enumerated().map { index, process in
        { Self.finish(process, in: folder, name: "twin-\(index + 1)") }
      }
    case .plumb:
      // plumb-signals has the Swift side's tasks (`Fetch`, `Compute`, `Computes`).
      let signals = try BuiltExecutable("plumb-signals")
      let processes = try (1...2).map { n in
        let process = signals.process(["Computes"] + size + luigid.flags, in: folder)
        try LuigidTestProcesses.redirect(process, "plumb-\(n)", in: folder)
        try process.run()
        addTeardownBlock { if process.isRunning { kill(process.processIdentifier, SIGKILL) } }
        return process
      }
      swiftSide = processes.enumerated().map { index, process in
        { Self.finish(process, in: folder, name: "plumb-\(index + 1)") }
      }
    }

    // Each side wants the other's tasks; only once every worker has told luigid what it needs does
    // the data appear. Swift-side workers have nothing else to run, so all their tasks are pending.
    try LuigidTestProcesses.waitFor("the four workers to register their tasks") {
      guard let workers = try? luigid.api("worker_list").elements, workers.count == 4 else { return false }
      let swiftSide = workers.filter { $0["first_task"]?.string?.hasPrefix("Pipeline") != true }
      return swiftSide.allSatisfy { ($0["num_pending"]?.integer ?? 0) >= Self.count + 1 }
    }
    try folder.write("", to: "release-fetch")

    let swiftOutcomes = swiftSide.map { $0() }
    // A Swift side that gave up leaves Python waiting for Compute for ever: end it rather than hang.
    if swiftOutcomes.contains(where: { ![0, ExitCodes().alreadyRunning].contains($0.code) }) {
      for process in python where process.isRunning { kill(process.processIdentifier, SIGTERM) }
    }
    let pythonOutcomes = python.enumerated().map { index, process in
      Self.finish(process, in: folder, name: "python-\(index + 1)")
    }
    for outcome in swiftOutcomes + pythonOutcomes { print(outcome.output) }
    return Outcome(
      swiftSide: swiftOutcomes, python: pythonOutcomes,
      runs: (folder.contents(of: "ran.log") ?? "").split(separator: "\n").map(String.init),
      report: folder.contents(of: "report-\(Self.count).txt"),
      computed: (1...Self.count).map { folder.contents(of: "compute-\($0).txt") })
  }

  /// Waits for `process` (two minutes at most, then kills it); returns its code and its output.
  private static func finish(_ process: Process, in folder: TemporaryFolder, name: String) -> (
    code: Int32, output: String
  ) {
    let deadline = Date().addingTimeInterval(120)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    let output = (folder.contents(of: ".\(name).stdout") ?? "") + (folder.contents(of: ".\(name).stderr") ?? "")
    return (process.terminationReason == .exit ? process.terminationStatus : -1, output)
  }
}
