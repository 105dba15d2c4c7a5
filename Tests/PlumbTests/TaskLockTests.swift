import Foundation
import Plumb
import PlumbTestSupport
import Synchronization
import XCTest

@testable import PlumbBuild
@testable import PlumbCommandLine
@testable import PlumbCore
@testable import PlumbReporting
@testable import PlumbWorkers

/// Two runs in the same working folder never run the same task at once: the second waits for the
/// first and then finds the task complete.
final class TaskLockTests: XCTestCase {
  /// Writes its output only when the test lets it, so the test controls when the first run finishes.
  private struct Gated: PipelineTask {
    nonisolated(unsafe) static var runs = 0
    nonisolated(unsafe) static var started = DispatchSemaphore(value: 0)
    nonisolated(unsafe) static var mayFinish = DispatchSemaphore(value: 0)

    func output() -> LocalTarget { LocalTarget("gated.txt") }

    func run() throws {
      Self.runs += 1
      Self.started.signal()
      guard Self.mayFinish.wait(timeout: .now() + 20) == .success else {
        throw TestFailure(description: "the test never let the task finish")
      }
      try output().write("done\n")
    }
  }

  func testASecondRunWaitsForTheFirstAndDoesNotRunTheTaskAgain() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    Gated.runs = 0
    Gated.started = DispatchSemaphore(value: 0)
    Gated.mayFinish = DispatchSemaphore(value: 0)

    let first = BackgroundRun(Gated(), options: folder.options())
    XCTAssertEqual(Gated.started.wait(timeout: .now() + 20), .success, "the first run never started the task")

    let secondWaits = DispatchSemaphore(value: 0)
    var secondOptions = folder.options()
    secondOptions.logLevel = .info
    secondOptions.logSink = { line in
      if line.contains("waiting: another run is running Gated()") { secondWaits.signal() }
    }
    let second = BackgroundRun(Gated(), options: secondOptions)
    XCTAssertEqual(secondWaits.wait(timeout: .now() + 20), .success, "the second run did not wait for the lock")
    Gated.mayFinish.signal()

    XCTAssertEqual(first.result()?.status(of: Gated()), .succeeded)
    XCTAssertEqual(second.result()?.status(of: Gated()), .alreadyComplete)
    XCTAssertEqual(second.result()?.exitCode, 0)
    XCTAssertEqual(Gated.runs, 1, "the task ran in both runs")
  }

  func testRunsInDifferentFoldersDoNotWaitForEachOther() throws {
    let one = try TemporaryFolder(removedAfter: self)
    let other = try TemporaryFolder(removedAfter: self)
    Gated.runs = 0
    Gated.started = DispatchSemaphore(value: 0)
    Gated.mayFinish = DispatchSemaphore(value: 0)
    // Let both runs through at once; a semaphore must not start above zero and end below it.
    Gated.mayFinish.signal()
    Gated.mayFinish.signal()
    XCTAssertEqual(try build([Gated()], options: one.options()).status(of: Gated()), .succeeded)
    XCTAssertEqual(try build([Gated()], options: other.options()).status(of: Gated()), .succeeded)
    XCTAssertEqual(Gated.runs, 2)
  }

  func testTheLockFolderKeepsOnlyTheFilesOfRunsGoingOn() throws {
    let locks = NSTemporaryDirectory() + "/plumb-locks-\(getuid())"
    func lockFiles() -> Set<String> {
      Set(((try? FileManager.default.contentsOfDirectory(atPath: locks)) ?? []).filter { $0.hasSuffix(".tasks") })
    }
    // Only this test's folders count: other processes' runs may be going on in the same lock folder.
    var ours = Set<String>()
    var seen = Set<String>()
    for _ in 0..<20 {
      let folder = try TemporaryFolder(removedAfter: self)
      ours.insert(TaskLocks.fileName(for: folder.path))
      XCTAssertTrue(try build([Counted(name: "one")], options: folder.options()).success)
      seen.formUnion(lockFiles().intersection(ours))
    }
    let left = lockFiles().intersection(ours)
    XCTAssertGreaterThanOrEqual(seen.count, 20, "each folder has a lock file while it is run in")
    XCTAssertLessThanOrEqual(left.count, 1, "lock files of finished runs are left: \(left.count)")
  }

  func testTwoRunsOfOnePipelineInOneFolderNeverRunATaskTwice() throws {
    for trial in 1...5 {
      let folder = try TemporaryFolder(removedAfter: self)
      let probe = RunProbe()
      let root = CountedFanIn(count: 200, probe: probe)
      let first = BackgroundRun(root, options: folder.options(workers: 1))
      let second = BackgroundRun(root, options: folder.options(workers: 2))

      let results = [first.result(), second.result()]

      XCTAssertEqual(results.map { $0?.success }, [true, true], "trial \(trial)")
      let twice = probe.allRuns.filter { $0.value > 1 }.keys.sorted()
      XCTAssertEqual(twice.count, 0, "trial \(trial): tasks ran twice, such as \(twice.prefix(3))")
      XCTAssertEqual(probe.allRuns.count, 201, "trial \(trial)")
      let ran = results.compactMap { $0 }.map { result in result.records.filter { $0.status == .succeeded }.count }
      XCTAssertEqual(ran.reduce(0, +), 201, "trial \(trial): the summaries claim \(ran) runs")
    }
  }
}

extension TaskLockTests {
  /// `--no-lock` means what it means in Luigi: another run of the same command may start in the
  /// folder. Each task still runs holding its lock, so two such runs at once never run one task twice.
  func testTwoNoLockRunsAtOnceStillNeverRunATaskTwice() throws {
    let command = PipelineCommand(name: "nolock", tasks: [NoLockFanIn.self, NoLockLeaf.self])
    for trial in 1...3 {
      let folder = try TemporaryFolder(removedAfter: self)
      let codes = Mutex<[Int32]>([])
      let ended = (1...2).map { expectation(description: "run \($0) ends") }
      for (index, end) in ended.enumerated() {
        let arguments = ["NoLockFanIn", "--trial", "\(trial)", "--no-lock", "--quiet", "--workers", "\(index + 1)"]
        Thread {
          let code = command.run(
            arguments: arguments, workingDirectory: folder.path, environment: folder.environment,
            standardOutput: { _ in }, standardError: { _ in })
          codes.withLock { $0.append(code) }
          end.fulfill()
        }.start()
      }
      wait(for: ended, timeout: 60)

      XCTAssertEqual(codes.withLock { $0 }, [0, 0], "trial \(trial): both runs succeed; the process lock is off")
      let runs = NoLockLeaf.probe.allRuns.filter { $0.key.hasPrefix("\(trial)-") }
      XCTAssertEqual(runs.count, 101, "trial \(trial): every task ran")
      let twice = runs.filter { $0.value > 1 }.keys.sorted()
      XCTAssertEqual(twice, [], "trial \(trial): tasks ran twice")
    }
  }
}

/// A leaf of ``NoLockFanIn``, noting its runs in a probe all trials share (by trial number).
struct NoLockLeaf: PipelineTask {
  static let probe = RunProbe()
  @Parameter(help: "the trial") var trial: Int = 0
  @Parameter(help: "the leaf's number") var index: Int = 0

  func output() -> LocalTarget { LocalTarget("leaf-\(index).txt") }
  func run() throws {
    Self.probe.start("\(trial)-leaf-\(index)")
    defer { Self.probe.end("\(trial)-leaf-\(index)") }
    try output().write("\(index)")
  }
}

struct NoLockFanIn: PipelineTask {
  @Parameter(help: "the trial") var trial: Int = 0

  func requires() -> [NoLockLeaf] { (0..<100).map { NoLockLeaf(trial: trial, index: $0) } }
  func output() -> LocalTarget { LocalTarget("all.txt") }
  func run() throws {
    NoLockLeaf.probe.start("\(trial)-all")
    defer { NoLockLeaf.probe.end("\(trial)-all") }
    try output().write("all")
  }
}

/// A task that notes each run of itself in a probe shared by the test.
private struct Counted: PipelineTask {
  @Parameter(help: "the task's name") var name: String = ""
  var probe = RunProbe()

  func output() -> LocalTarget { LocalTarget("\(name).txt") }
  func run() throws {
    probe.start(name)
    defer { probe.end(name) }
    try output().write(name)
  }
}

private struct CountedFanIn: PipelineTask {
  @Parameter(help: "how many") var count: Int = 0
  var probe = RunProbe()

  func requires() -> [Counted] { (0..<count).map { Counted(name: "leaf-\($0)", probe: probe) } }
  func output() -> LocalTarget { LocalTarget("all.txt") }
  func run() throws {
    probe.start("all")
    defer { probe.end("all") }
    try output().write("\(count)")
  }
}

/// A `build` of one task on its own thread, whose result the test can wait for.
private final class BackgroundRun: @unchecked Sendable {
  private let done = DispatchSemaphore(value: 0)
  private var outcome: RunResult?

  init(_ task: any PipelineTask, options: RunOptions) {
    Thread {
      self.outcome = try? build([task], options: options)
      self.done.signal()
    }.start()
  }

  /// The run's result, once it has finished (at most 20 s from now), or `nil` if it threw or hung.
  func result() -> RunResult? {
    if done.wait(timeout: .now() + 20) == .success { done.signal() }
    return outcome
  }
}

/// A run alone in its folder does not check a task's completeness again before running it; a run
/// that another run of the folder may have overtaken does, whether the other joined the folder
/// before it or after it.
extension TaskLockTests {
  func testARunAloneInItsFolderChecksEachTaskOnce() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    SelfChecked.checks.store(0, ordering: .relaxed)
    XCTAssertEqual(try build([SelfChecked()], options: folder.options()).status(of: SelfChecked()), .succeeded)
    XCTAssertEqual(SelfChecked.checks.load(ordering: .relaxed), 1, "complete() was called again before the run")
  }

  func testARunThatJoinsLaterAndFinishesATaskFirstIsNoticed() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    Overtaken.runs.store(0, ordering: .relaxed)
    StartsALaterRun.options = folder.options()
    let result = try build([OvertakenByALaterRun()], options: folder.options(workers: 1))
    XCTAssertEqual(result.status(of: StartsALaterRun()), .succeeded, "the later run did not finish the task")
    XCTAssertEqual(result.status(of: Overtaken()), .alreadyComplete)
    XCTAssertEqual(Overtaken.runs.load(ordering: .relaxed), 1, "the task ran in both runs")
  }

  func testARunThatWasThereFirstAndFinishesATaskLaterIsNoticed() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    Overtaken.runs.store(0, ordering: .relaxed)
    HoldsTheFolder.holding = DispatchSemaphore(value: 0)
    HoldsTheFolder.mayGoOn = DispatchSemaphore(value: 0)
    let earlier = BackgroundRun(EarlierRun(), options: folder.options(workers: 1))
    XCTAssertEqual(HoldsTheFolder.holding.wait(timeout: .now() + 20), .success, "the earlier run never started")
    WaitsForTheEarlierRun.earlier = earlier

    let result = try build([OvertakenByAnEarlierRun()], options: folder.options(workers: 1))

    XCTAssertEqual(earlier.result()?.status(of: Overtaken()), .succeeded, "the earlier run did not run the task")
    XCTAssertEqual(result.status(of: WaitsForTheEarlierRun()), .succeeded)
    XCTAssertEqual(result.status(of: Overtaken()), .alreadyComplete)
    XCTAssertEqual(Overtaken.runs.load(ordering: .relaxed), 1, "the task ran in both runs")
  }
}

/// Counts the calls of its `complete()`.
private struct SelfChecked: PipelineTask {
  static let checks = Atomic<Int>(0)

  func output() -> LocalTarget { LocalTarget("self-checked.txt") }
  func complete() throws -> Bool {
    Self.checks.add(1, ordering: .relaxed)
    return try output().exists()
  }
  func run() throws { try output().write("done\n") }
}

/// The task that two runs of one folder both schedule, and that one of them finishes first.
private struct Overtaken: PipelineTask {
  static let runs = Atomic<Int>(0)

  func output() -> LocalTarget { LocalTarget("overtaken.txt") }
  func run() throws {
    Self.runs.add(1, ordering: .relaxed)
    try output().write("done\n")
  }
}

/// Runs first (its priority) and, before it ends, has a second run of the folder run ``Overtaken``.
private struct StartsALaterRun: PipelineTask {
  nonisolated(unsafe) static var options = RunOptions()

  var priority: Int { 10 }
  func output() -> LocalTarget { LocalTarget("later-run.txt") }
  func run() throws {
    guard BackgroundRun(Overtaken(), options: Self.options).result()?.status(of: Overtaken()) == .succeeded else {
      throw TestFailure(description: "the later run did not run the task")
    }
    try output().write("done\n")
  }
}

private struct OvertakenByALaterRun: WrapperTask {
  func requires() -> TaskList { TaskList([StartsALaterRun(), Overtaken()]) }
}

/// Keeps the earlier run in the folder, having found ``Overtaken`` incomplete, until the test's
/// run has found it incomplete too.
private struct HoldsTheFolder: PipelineTask {
  nonisolated(unsafe) static var holding = DispatchSemaphore(value: 0)
  nonisolated(unsafe) static var mayGoOn = DispatchSemaphore(value: 0)

  var priority: Int { 10 }
  func output() -> LocalTarget { LocalTarget("holds.txt") }
  func run() throws {
    Self.holding.signal()
    guard Self.mayGoOn.wait(timeout: .now() + 20) == .success else {
      throw TestFailure(description: "the test never let the earlier run go on")
    }
    try output().write("done\n")
  }
}

private struct EarlierRun: WrapperTask {
  func requires() -> TaskList { TaskList([HoldsTheFolder(), Overtaken()]) }
}

/// Runs first in the test's run: lets the earlier run go on and waits until it has ended.
private struct WaitsForTheEarlierRun: PipelineTask {
  nonisolated(unsafe) static var earlier: BackgroundRun?

  var priority: Int { 10 }
  func output() -> LocalTarget { LocalTarget("waits.txt") }
  func run() throws {
    HoldsTheFolder.mayGoOn.signal()
    guard Self.earlier?.result() != nil else { throw TestFailure(description: "the earlier run did not end") }
    try output().write("done\n")
  }
}

private struct OvertakenByAnEarlierRun: WrapperTask {
  func requires() -> TaskList { TaskList([WaitsForTheEarlierRun(), Overtaken()]) }
}
