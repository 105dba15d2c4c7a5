import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbBuild
@testable import PlumbCommandLine
@testable import PlumbCore
@testable import PlumbLuigid
@testable import PlumbReporting
@testable import PlumbWorkers

/// Leaves of a fan-in for the central scheduler tests.
private struct Leaf: PipelineTask {
  @Parameter var n: Int = 1
  @Parameter(significant: false) var note: String = "x"

  func output() -> LocalTarget { LocalTarget("leaf-\(n).txt") }
  func run() throws { try output().write("\(n)\n") }
}

/// The root of the fan-in: needs four leaves.
private struct Root: PipelineTask {
  func requires() -> [Leaf] { (1...4).map { Leaf(n: $0) } }
  func output() -> LocalTarget { LocalTarget("root.txt") }
  func run() throws { try output().write("root\n") }
}

/// Fails with a message a reader should see in luigid's visualiser.
private struct Broken: PipelineTask {
  func output() -> LocalTarget { LocalTarget("broken.txt") }
  func run() throws { throw Refusal() }

  struct Refusal: Error, CustomStringConvertible {
    var description: String { "the disk is full" }
  }
}

/// Data nobody provides.
private struct Absent: ExternalTask {
  func output() -> LocalTarget { LocalTarget("absent.txt") }
}

/// Needs the absent data, and a leaf that is there to run.
private struct NeedsAbsent: PipelineTask {
  func requires() -> AllOf<Absent, Leaf> { AllOf(Absent(), Leaf(n: 9)) }
  func output() -> LocalTarget { LocalTarget("needs-absent.txt") }
  func run() throws { try output().write("never\n") }
}

/// Needs the broken task.
private struct NeedsBroken: PipelineTask {
  func requires() -> Broken { Broken() }
  func output() -> LocalTarget { LocalTarget("needs-broken.txt") }
  func run() throws { try output().write("never\n") }
}

/// Runs built from code (``build(_:options:)``) with ``RunOptions/scheduler`` set to a real luigid,
/// then reads luigid's own view of the run through the API its visualiser uses.
final class CentralSchedulerTests: XCTestCase {
  private var folder: TemporaryFolder!
  private var luigid: LuigidServer!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
    luigid = try LuigidServer(for: self)
  }

  private func options(workers: Int = 2) -> RunOptions {
    var options = folder.options(workers: workers)
    options.scheduler = .central(luigid.scheduler)
    return options
  }

  func testAFanInRunsHereAndLuigidShowsEveryTaskDoneWithParametersAndEdges() throws {
    let result = try build([Root()], options: options())

    XCTAssertTrue(result.success, result.summary)
    XCTAssertTrue(result.summary.contains("* 5 ran successfully:"), result.summary)
    let done = try luigid.api("task_list", ["status": "DONE", "upstream_status": "", "search": ""])
    let rootID = TaskInfo(Root()).id
    let leafIDs = (1...4).map { TaskInfo(Leaf(n: $0)).id }
    for id in [rootID] + leafIDs {
      XCTAssertEqual(done[id]?["status"], "DONE", "\(id) in \(done.text)")
    }
    XCTAssertEqual(done[leafIDs[0]]?["name"], "Leaf")
    // The support library's own call, for suites that do not see Plumb's internals.
    let plain = try luigid.call("task_list", ["status": "DONE", "upstream_status": "", "search": ""]) as? [String: Any]
    XCTAssertEqual(Set(plain?.keys.map { $0 } ?? []), Set([rootID] + leafIDs))
    // The visualiser shows public parameters; the insignificant one too, as Luigi's workers send it.
    XCTAssertEqual(done[leafIDs[0]]?["params"], .object(["n": "1", "note": "x"]))
    XCTAssertEqual(done[leafIDs[0]]?["display_name"], "Leaf(n=1, note=x)")
    let graph = try luigid.api("dep_graph", ["task_id": .string(rootID), "include_done": true])
    let deps = Set((graph[rootID]?["deps"]?.elements ?? []).compactMap(\.string))
    XCTAssertEqual(deps, Set(leafIDs))
    XCTAssertEqual(graph[leafIDs[2]]?["deps"], .array([]))
    let workers = try luigid.api("worker_list")
    // luigid merges the info into the worker's record.
    let info = workers.elements?.first
    XCTAssertEqual(info?["lang"], "swift", workers.text)
    XCTAssertEqual(info?["plumb"], .string(PlumbVersion.text), workers.text)
  }

  func testACompleteTaskIsRegisteredDoneAndNotRunAgain() throws {
    try folder.write("1\n", to: "leaf-1.txt")
    let result = try build([Root()], options: options())

    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(result.status(of: Leaf(n: 1)), .alreadyComplete)
    XCTAssertTrue(result.summary.contains("* 1 complete ones were encountered:"), result.summary)
    let done = try luigid.api("task_list", ["status": "DONE", "upstream_status": "", "search": ""])
    XCTAssertEqual(done[TaskInfo(Leaf(n: 1)).id]?["status"], "DONE")
  }

  func testAFailureReachesLuigidWithItsMessage() throws {
    let result = try build([Broken()], options: options())

    XCTAssertEqual(result.status(of: Broken()), .failed)
    XCTAssertEqual(result.exitCode, ExitCodes().taskFailed)
    let error = try luigid.api("fetch_error", ["task_id": .string(TaskInfo(Broken()).id)])
    // Encoded once more as Luigi's workers send their tracebacks; the visualiser decodes it.
    XCTAssertEqual(error["error"], .string(TaskInfo.jsonString("the disk is full")), error.text)
  }

  func testAWorkerKeptAliveWaitsForMissingDataWithinItsIdleLimitButNotForItsOwnFailures() throws {
    var options = options()
    guard case .central(var scheduler) = options.scheduler else { return XCTFail("central") }
    scheduler.keepsAlive = true
    // Another worker might produce the data, so Luigi's worker waits for it: for ever by default.
    scheduler.maximumKeepAliveIdleDuration = 1
    options.scheduler = .central(scheduler)

    let start = Date()
    let missing = try build([NeedsAbsent()], options: options)
    XCTAssertGreaterThanOrEqual(Date().timeIntervalSince(start), 1, "it waited for the data")
    XCTAssertEqual(missing.exitCode, ExitCodes().missingData, missing.summary)
    XCTAssertEqual(missing.status(of: Leaf(n: 9)), .succeeded)
    // Failures here are not waited for, idle limit or not: Plumb retried them already.
    scheduler.maximumKeepAliveIdleDuration = 0
    options.scheduler = .central(scheduler)
    let failed = try build([NeedsBroken()], options: options)
    XCTAssertEqual(failed.exitCode, ExitCodes().taskFailed, failed.summary)
    XCTAssertTrue(failed.summary.contains("* 1 had failed dependencies:"), failed.summary)
  }

  func testAnUnreachableLuigidFailsTheRunBeforeAnythingIsScheduled() throws {
    var options = options()
    options.scheduler = .central(CentralScheduler(host: "127.0.0.1", port: try LoopbackPort.unused()))

    XCTAssertThrowsError(try build([Root()], options: options)) { error in
      guard case CentralSchedulerError.unreachable(let url, _) = error else {
        return XCTFail("unexpected error \(error)")
      }
      XCTAssertTrue(url.hasPrefix("http://127.0.0.1:"), url)
      XCTAssertTrue("\(error)".contains("make luigid"), "\(error)")
      XCTAssertTrue("\(error)".contains("--local-scheduler"), "\(error)")
    }
    XCTAssertFalse(folder.contains("leaf-1.txt"))
  }

  func testTheCommandLineNamesTheSchedulerOrForcesTheLocalOne() throws {
    let command = PipelineCommand(name: "fan", tasks: [Root.self, Leaf.self])
    func run(_ arguments: [String]) -> (code: Int32, errors: [String]) {
      var errors: [String] = []
      let code = command.run(
        arguments: arguments + ["--log-level", "error"], workingDirectory: folder.path, environment: [:],
        standardOutput: { _ in }, standardError: { errors.append($0) })
      return (code, errors)
    }

    let malformed = run(["Root", "--scheduler-url", "ftp://example.org"])
    XCTAssertEqual(malformed.code, PipelineCommand.usageErrorExitCode)
    XCTAssertEqual(malformed.errors.count, 1)
    XCTAssertTrue(malformed.errors[0].contains("--scheduler-url"), "\(malformed.errors)")
    try folder.write("[core]\ndefault-scheduler-port = \(try LoopbackPort.unused())\n", to: "plumb.cfg")
    let unreachable = run(["Root"])
    XCTAssertEqual(unreachable.code, ExitCodes().schedulerUnreachable, "\(unreachable.errors)")
    XCTAssertEqual(unreachable.errors.count, 1, "\(unreachable.errors)")
    XCTAssertTrue(unreachable.errors[0].contains("http://localhost:"), "\(unreachable.errors)")
    XCTAssertEqual(run(["Root", "--local-scheduler"]).code, 0)
    let central = run(["Root", "--scheduler-host", "127.0.0.1", "--scheduler-port", String(luigid.port)])
    XCTAssertEqual(central.code, 0, "\(central.errors)")
    let done = try luigid.api("task_list", ["status": "DONE", "upstream_status": "", "search": ""])
    XCTAssertEqual(done[TaskInfo(Root()).id]?["status"], "DONE", done.text)
  }

  func testEachWaitIsTheIntervalAndARandomPartOfTheJitter() throws {
    var scheduler = CentralScheduler(host: "127.0.0.1", port: 8082)
    scheduler.waitInterval = 0.5
    XCTAssertEqual(Set((0..<50).map { _ in scheduler.nextWait }), [0.5], "no jitter by default")
    scheduler.waitJitter = 2
    let waits = (0..<200).map { _ in scheduler.nextWait }
    XCTAssertTrue(waits.allSatisfy { (0.5...2.5).contains($0) }, "\(waits)")
    XCTAssertGreaterThan(Set(waits).count, 100, "the jitter is drawn each time")
    var parser = InvocationParser(command: { $0 }, tasks: [Root.self])
    XCTAssertEqual(try? parser.parse(["Root", "--worker-wait-jitter", "3"]).scheduler.waitJitter, 3)
  }

  func testTheConfigFileNamesTheSchedulerWithItsSettings() throws {
    let configuration = try Configuration(
      text: """
        [core]
        default-scheduler-host = 127.0.0.1
        default-scheduler-port = \(luigid.port)
        rpc-retry-attempts = 5
        rpc-retry-wait = 0.5
        [worker]
        keep_alive = true
        count_uniques = true
        max_keep_alive_idle_duration = 1 m 30 s
        wait_jitter = 2.5
        [scheduler]
        stable_done_cooldown_secs = 30
        """)
    var expected = CentralScheduler(host: "127.0.0.1", port: luigid.port)
    expected.waitJitter = 2.5
    expected.stableDoneCooldown = 30
    expected.retryAttempts = 5
    expected.retryWait = 0.5
    expected.keepsAlive = true
    expected.countsUniques = true
    expected.maximumKeepAliveIdleDuration = 90
    XCTAssertEqual(try SchedulerRequest().choice(configuration: configuration), .central(expected))
    // Luigi's older [core] names, and its other duration forms.
    let core = try SchedulerRequest().choice(
      configuration: Configuration(
        text: """
          [core]
          default-scheduler-port = 8082
          worker-keep-alive = true
          worker-wait-interval = 0.25
          [worker]
          count_last_scheduled = true
          max_keep_alive_idle_duration = PT2M
          """))
    guard case .central(let fromCore) = core else { return XCTFail("central") }
    XCTAssertEqual(
      [fromCore.keepsAlive, fromCore.countsLastScheduled, fromCore.countsUniques], [true, true, false])
    XCTAssertEqual(fromCore.waitInterval, 0.25)
    XCTAssertEqual(fromCore.maximumKeepAliveIdleDuration, 120)
    XCTAssertEqual(
      ["90", "0.5", "P1DT2H", "P2W", "2 hours", "1 week 2 days", "10m", "later"].map(TimeDelta.seconds(in:)),
      [90, 0.5, 93_600, 1_209_600, 7_200, 777_600, 600, nil])
    XCTAssertThrowsError(
      try SchedulerRequest().choice(
        configuration: Configuration(
          text: "[core]\ndefault-scheduler-port = 8082\n[worker]\nmax_keep_alive_idle_duration = soon\n")))
    var local = SchedulerRequest()
    local.forcesLocal = true
    XCTAssertEqual(try local.choice(configuration: configuration), .local)
    XCTAssertEqual(try SchedulerRequest().choice(configuration: Configuration()), .local)
    var url = SchedulerRequest()
    url.url = URL(string: "http://example.org:9000")
    guard case .central(let central) = try url.choice(configuration: configuration) else {
      return XCTFail("a URL names a central scheduler")
    }
    XCTAssertEqual(central.address, "http://example.org:9000")
    XCTAssertEqual(CentralScheduler(host: "::1", port: 8082).address, "http://[::1]:8082")
    XCTAssertThrowsError(
      try SchedulerRequest().choice(configuration: Configuration(text: "[core]\ndefault-scheduler-host = a b\n")))

    var options = folder.options(workers: 1)
    options.configuration = configuration
    let result = try build([Root()], options: options)
    XCTAssertTrue(result.success, result.summary)
    let done = try luigid.api("task_list", ["status": "DONE", "upstream_status": "", "search": ""])
    XCTAssertEqual(done[TaskInfo(Root()).id]?["status"], "DONE", "the config file's luigid was used")
  }
}
