import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// Counts runs by task text, from any worker thread.
private final class RunCounter: @unchecked Sendable {
  private let lock = NSLock()
  private var counts: [String: Int] = [:]

  func note(_ name: String) {
    lock.lock()
    counts[name, default: 0] += 1
    lock.unlock()
  }

  func runs(_ name: String) -> Int {
    lock.lock()
    defer { lock.unlock() }
    return counts[name, default: 0]
  }

  var all: [String: Int] {
    lock.lock()
    defer { lock.unlock() }
    return counts
  }
}

private let counter = RunCounter()

/// Writes its name; fails when `fails` is set.
private struct Leaf: PipelineTask {
  @Parameter var name: String = .required
  @Parameter var fails: Bool = false
  func output() -> LocalTarget { LocalTarget("leaf-\(name).txt") }
  func run() throws {
    counter.note("Leaf(\(name))")
    if fails { throw CocoaError(.fileWriteNoPermission) }
    try output().write(name)
  }
}

/// Requires `Leaf(name: needs)` statically.
private struct AfterLeaf: PipelineTask {
  @Parameter var name: String = .required
  @Parameter var needs: String = .required
  func requires() -> Leaf { Leaf(name: needs, fails: true) }
  func output() -> LocalTarget { LocalTarget("after-\(name).txt") }
  func run() throws { try output().write(name) }
}

/// Discovers `count` leaves while it runs and joins what they wrote; async.
private struct Gather: PipelineTask {
  @Parameter var prefix: String = .required
  @Parameter var count: Int = 3
  func output() -> LocalTarget { LocalTarget("gather-\(prefix).txt") }
  func run() async throws {
    counter.note("Gather(\(prefix))")
    let names = (0..<count).map { "\(prefix)-\($0)" }
    let files = try await require(names.map { Leaf(name: $0) })
    try output().write(try files.map { try $0.read() }.joined(separator: ","))
  }
}

/// The same, from a synchronous run().
private struct GatherSync: PipelineTask {
  @Parameter var prefix: String = .required
  @Parameter var count: Int = 3
  func output() -> LocalTarget { LocalTarget("gather-sync-\(prefix).txt") }
  func run() throws {
    counter.note("GatherSync(\(prefix))")
    let names = (0..<count).map { "\(prefix)-\($0)" }
    let files = try require(names.map { Leaf(name: $0) })
    try output().write(try files.map { try $0.read() }.joined(separator: ","))
  }
}

/// Requires, while running, tasks that require more while running: `levels` deep, `width` wide.
private struct Nest: PipelineTask {
  @Parameter var path: String = .required
  @Parameter var levels: Int = 3
  @Parameter var width: Int = 2
  @Parameter var synchronous: Bool = false
  func output() -> LocalTarget { LocalTarget("nest-\(path).txt") }

  private var children: [Nest] {
    (0..<width).map { Nest(path: "\(path).\($0)", levels: levels - 1, width: width, synchronous: !synchronous) }
  }

  func run() async throws {
    counter.note("Nest(\(path))")
    guard levels > 0 else { return try output().write("1") }
    let totals: [LocalTarget]
    if synchronous {
      totals = try requireFromSynchronousCode(children)
    } else {
      totals = try await require(children)
    }
    let sum = try totals.map { Int(try $0.read())! }.reduce(1, +)
    try output().write("\(sum)")
  }

  /// A synchronous function called from run(), as a learner's helper would be.
  private func requireFromSynchronousCode(_ tasks: [Nest]) throws -> [LocalTarget] {
    try require(tasks)
  }
}

/// Requires a leaf that fails and a task after it, while running.
private struct GatherWithFailure: PipelineTask {
  func output() -> LocalTarget { LocalTarget("with-failure.txt") }
  func run() async throws {
    _ = try await require([Leaf(name: "fine")])
    _ = try await require(AllOf(Leaf(name: "broken", fails: true), AfterLeaf(name: "after", needs: "broken")))
    try output().write("never")
  }
}

/// Requires, while running, a task whose requirement is itself.
private struct Loops: PipelineTask {
  func output() -> LocalTarget { LocalTarget("loops.txt") }
  func run() async throws {
    _ = try await require(LoopsBack())
    try output().write("never")
  }
}

private struct LoopsBack: PipelineTask {
  func requires() -> Loops { Loops() }
  func output() -> LocalTarget { LocalTarget("loops-back.txt") }
  func run() throws { try output().write("never") }
}

/// Requires, while running, a task in a cycle with it and a sibling that is fine.
private struct LoopsWithSibling: PipelineTask {
  func output() -> LocalTarget { LocalTarget("loops-sibling.txt") }
  func run() async throws {
    _ = try await require(AllOf(Leaf(name: "sibling"), LoopsBackToSibling()))
    try output().write("never")
  }
}

private struct LoopsBackToSibling: PipelineTask {
  func requires() -> LoopsWithSibling { LoopsWithSibling() }
  func output() -> LocalTarget { LocalTarget("loops-back-sibling.txt") }
  func run() throws { try output().write("never") }
}

/// Requires itself while running.
private struct RequiresItself: PipelineTask {
  func output() -> LocalTarget { LocalTarget("itself.txt") }
  func run() throws {
    _ = try require(self)
    try output().write("never")
  }
}

/// Requires a leaf statically and, while running, the same leaf and a new one.
private struct Mixed: PipelineTask {
  @Parameter var prefix: String = .required
  func requires() -> Leaf { Leaf(name: "\(prefix)-static") }
  func output() -> LocalTarget { LocalTarget("mixed-\(prefix).txt") }
  func run() async throws {
    let (again, new) = try await require(AllOf(Leaf(name: "\(prefix)-static"), Leaf(name: "\(prefix)-new")))
    try output().write(try again.read() + "+" + new.read())
  }
}

private struct MixedRoot: WrapperTask {
  @Parameter var prefix: String = .required
  func requires() -> AllOf<Mixed, Leaf> { AllOf(Mixed(prefix: prefix), Leaf(name: "\(prefix)-static")) }
}

final class DynamicRequirementTests: XCTestCase {
  private var folder: TemporaryFolder!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
  }

  private func unique(_ name: String = #function) -> String {
    "\(name.prefix(while: { $0 != "(" }))-\(UUID().uuidString.prefix(8))"
  }

  func testAsyncRequireRunsTheTasksOnceWithOneWorkerAndReturnsTheirOutputs() throws {
    let prefix = unique()
    let task = Gather(prefix: prefix, count: 3)

    let result = try build([task], options: folder.options(workers: 1))

    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(folder.contents(of: "gather-\(prefix).txt"), "\(prefix)-0,\(prefix)-1,\(prefix)-2")
    XCTAssertEqual(counter.runs("Gather(\(prefix))"), 1, "run() is not started again from the top")
    for index in 0..<3 { XCTAssertEqual(counter.runs("Leaf(\(prefix)-\(index))"), 1) }
    XCTAssertTrue(result.summary.contains("Scheduled 4 tasks of which:\n* 4 ran successfully:"), result.summary)
    XCTAssertEqual(
      result.record(of: task)?.dependencies, (0..<3).map { "Leaf(name=\(prefix)-\($0), fails=False)" },
      "the graph has an edge from each to the task that required it")
    XCTAssertTrue(DependencyGraph(result).dot.contains("\"Leaf(name=\(prefix)-0, fails=False)\" -> \"Gather("))
  }

  func testSynchronousRequireDoesNotDeadlockOneWorker() throws {
    let prefix = unique()

    let result = try build([GatherSync(prefix: prefix, count: 4)], options: folder.options(workers: 1))

    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(folder.contents(of: "gather-sync-\(prefix).txt")?.split(separator: ",").count, 4)
    XCTAssertEqual(counter.runs("GatherSync(\(prefix))"), 1)
  }

  func testNestedRequirementsSyncAndAsyncRunOnceEach() throws {
    for workers in [1, 3] {
      let path = unique() + "-w\(workers)"

      let result = try build([Nest(path: path, levels: 3, width: 2)], options: folder.options(workers: workers))

      XCTAssertTrue(result.success, result.summary)
      XCTAssertEqual(folder.contents(of: "nest-\(path).txt"), "15", "1 + 2 + 4 + 8 tasks")
      XCTAssertEqual(result.records.count, 15)
      let runs = counter.all.filter { $0.key.hasPrefix("Nest(\(path)") }
      XCTAssertEqual(runs.count, 15)
      XCTAssertEqual(Set(runs.values), [1], "each ran once")
    }
  }

  func testAFailureAmongThemFailsTheTaskWithAClearReason() throws {
    let task = GatherWithFailure()

    let result = try build([task], options: folder.options(workers: 1))

    XCTAssertEqual(result.status(of: task), .failed)
    XCTAssertEqual(result.status(of: Leaf(name: "fine")), .succeeded)
    XCTAssertEqual(result.status(of: Leaf(name: "broken", fails: true)), .failed)
    XCTAssertEqual(result.status(of: AfterLeaf(name: "after", needs: "broken")), .pending)
    XCTAssertEqual(
      result.record(of: task)?.errorMessage,
      "requirements it discovered while running did not complete: Leaf(name=broken, fails=True), "
        + "AfterLeaf(name=after, needs=broken)")
    XCTAssertTrue(
      result.summary.contains(
        """
        * 1 were left pending, among these:
            * 1 had failed dependencies:
                - 1 AfterLeaf(name=after, needs=broken)
        """), result.summary)
    XCTAssertEqual(result.exitCode, ExitCodes().taskFailed)
  }

  func testACycleAmongThemFailsTheTaskNamingTheCycle() throws {
    let result = try build([Loops()], options: folder.options(workers: 1))

    XCTAssertEqual(result.status(of: Loops()), .failed)
    XCTAssertEqual(
      result.record(of: Loops())?.errorMessage,
      "the requirements it discovered while running form a cycle: Loops() -> LoopsBack() -> Loops()")
    XCTAssertEqual(result.status(of: LoopsBack()), .pending)

    let sibling = try build([LoopsWithSibling()], options: folder.options(workers: 1))
    XCTAssertEqual(sibling.status(of: LoopsWithSibling()), .failed)
    XCTAssertEqual(sibling.status(of: Leaf(name: "sibling")), .succeeded, "a requirement outside the cycle still runs")
    XCTAssertEqual(sibling.status(of: LoopsBackToSibling()), .pending)

    let itself = try build([RequiresItself()], options: folder.options(workers: 2))
    XCTAssertEqual(
      itself.record(of: RequiresItself())?.errorMessage,
      "the requirements it discovered while running form a cycle: RequiresItself() -> RequiresItself()")
  }

  func testTenThousandFromOneTask() throws {
    let prefix = unique()

    let result = try build([Gather(prefix: prefix, count: 10_000)], options: folder.options(workers: 2))

    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(result.records.count, 10_001)
    XCTAssertEqual(folder.contents(of: "gather-\(prefix).txt")?.split(separator: ",").count, 10_000)
    XCTAssertEqual(counter.all.filter { $0.key.hasPrefix("Leaf(\(prefix)-") }.count, 10_000)
    XCTAssertEqual(Set(counter.all.filter { $0.key.hasPrefix("Leaf(\(prefix)-") }.values), [1])

    let syncPrefix = unique() + "-sync"
    let sync = try build([GatherSync(prefix: syncPrefix, count: 10_000)], options: folder.options(workers: 1))
    XCTAssertTrue(sync.success, sync.summary)
    XCTAssertEqual(sync.records.count, 10_001, "from a synchronous run() with one worker too")
  }

  func testATaskAlsoRequiredStaticallyRunsOnceAndCompleteOnesAreNotRunAgain() throws {
    let prefix = unique()

    let first = try build([MixedRoot(prefix: prefix)], options: folder.options(workers: 2))

    XCTAssertTrue(first.success, first.summary)
    XCTAssertEqual(folder.contents(of: "mixed-\(prefix).txt"), "\(prefix)-static+\(prefix)-new")
    XCTAssertEqual(counter.runs("Leaf(\(prefix)-static)"), 1)
    XCTAssertEqual(counter.runs("Leaf(\(prefix)-new)"), 1)

    try FileManager.default.removeItem(atPath: folder.path(of: "mixed-\(prefix).txt"))
    let second = try build([MixedRoot(prefix: prefix)], options: folder.options(workers: 1))

    XCTAssertTrue(second.success, second.summary)
    XCTAssertEqual(counter.runs("Leaf(\(prefix)-new)"), 1, "complete: not run again")
    XCTAssertEqual(second.status(of: Leaf(name: "\(prefix)-new")), .alreadyComplete)
  }

  func testRequireOutsideARunSaysSo() async {
    do {
      _ = try await require(Leaf(name: "outside"))
      XCTFail("no error")
    } catch {
      XCTAssertEqual(error as? DynamicRequirementError, .outsideRun)
    }
  }
}

/// Waits until the run stops (its Swift task is cancelled), then throws the cancellation.
private struct WaitsForTheStop: PipelineTask {
  func output() -> LocalTarget { LocalTarget("waits.txt") }
  func run() async throws {
    while !Task.isCancelled { await Task.yield() }
    throw CancellationError()
  }
}

/// Requires the task that waits for the stop.
private struct RequiresTheWaiter: PipelineTask {
  func output() -> LocalTarget { LocalTarget("requires-waiter.txt") }
  func run() throws {
    _ = try require(WaitsForTheStop())
    try output().write("never")
  }
}

extension DynamicRequirementTests {
  func testAStopWakesTheWaitingTaskAndCancelsItsRequirements() throws {
    let stop = RunStop()
    var options = folder.options(workers: 1)
    options.stop = stop
    options.stopGracePeriod = 60
    options.willRun = { task in
      if task.family == "WaitsForTheStop" { stop.request(reason: "enough") }
    }

    let result = try build([RequiresTheWaiter()], options: options)

    XCTAssertEqual(result.stopReason, "enough")
    XCTAssertEqual(result.status(of: RequiresTheWaiter()), .pending)
    XCTAssertEqual(result.record(of: RequiresTheWaiter())?.isInterrupted, true)
    XCTAssertEqual(
      result.record(of: WaitsForTheStop())?.isInterrupted, true, "cancelled, it ended within the grace period")
    XCTAssertFalse(folder.contains("requires-waiter.txt"))
  }
}
