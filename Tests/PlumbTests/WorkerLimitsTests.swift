import Foundation
import Plumb
import PlumbTestSupport
import Synchronization
import XCTest

@testable import PlumbBuild
@testable import PlumbCommandLine
@testable import PlumbCore
@testable import PlumbWorkers

private struct Note: PipelineTask {
  @Parameter(help: "what to write") var text: String = "note"
  func output() -> LocalTarget { LocalTarget("\(text).txt") }
  func run() throws { try output().write(text) }
}

/// How many worker threads a run asks for, and what happens when the system refuses some.
final class WorkerLimitsTests: XCTestCase {
  private func invoke(_ arguments: String..., in folder: TemporaryFolder) -> CommandOutcome {
    var errors: [String] = []
    let code = PipelineCommand(name: "notes", tasks: [Note.self]).run(
      arguments: arguments, workingDirectory: folder.path, environment: folder.environment,
      standardOutput: { _ in }, standardError: { errors.append($0) })
    return CommandOutcome(code: code, output: "", errorLines: errors)
  }

  func testTheCommandLineRefusesMoreWorkersThanPlumbUses() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    invoke("Note", "--workers", "2000", in: folder).assertError(
      code: 2, "--workers", "2000", "from 1 to \(RunOptions.maximumWorkers)")
    XCTAssertEqual(folder.files(), [])
  }

  func testTheConfigFileCannotAskForMoreWorkersEither() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[core]\nworkers = 5000\n", to: "plumb.cfg")
    invoke("Note", in: folder).assertError(code: 2, "[core] workers must be at most 256, not 5000")
    XCTAssertEqual(folder.files(), ["plumb.cfg"])
  }

  func testBuildRunsWithTheMostWorkersWhenAskedForMore() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let warnings = LineCollector()
    var options = folder.options(workers: 100_000)
    options.logLevel = .warning
    options.logSink = { warnings.append($0) }
    XCTAssertTrue(try build([Note()], options: options).success)
    XCTAssertEqual(warnings.lines, ["plumb: warning: 100000 workers asked for; running with 256, the most Plumb uses"])
  }

  func testThreadsThatCannotStartLeaveFewerWorkersThatStillRunEverything() async throws {
    let attempts = LineCollector()
    let threads = WorkerThreads(count: 4) { thread, attributes, body, argument in
      attempts.append("start")
      return attempts.lines.count > 2 ? EAGAIN : pthread_create(&thread, attributes, body, argument)
    }
    defer { threads.stop() }
    XCTAssertEqual(threads.count, 2)
    XCTAssertEqual(threads.failure, EAGAIN)
    let value = await withTaskExecutorPreference(threads) {
      await withTaskGroup(of: Int.self) { group in
        for number in 1...10 { group.addTask { number } }
        return await group.reduce(0, +)
      }
    }
    XCTAssertEqual(value, 55)
  }

  func testWithoutAnyThreadThePoolHasNoneAndTheErrorSaysWhatToDo() {
    let threads = WorkerThreads(count: 3) { _, _, _, _ in EAGAIN }
    XCTAssertEqual(threads.count, 0)
    XCTAssertEqual(
      PipelineError.noWorkerThread(reason: String(cString: strerror(EAGAIN))).description,
      "no worker thread could start (Resource temporarily unavailable); close other programs or raise the limit on processes"
    )
  }

  /// Jobs that reach the threads once none is left (an abandoned task going on after its stopped
  /// run returned) share one thread, however many there are and however long each blocks.
  func testLateJobsStartNoThreadPerJob() async {
    let threads = WorkerThreads(count: 2) { _, _, _, _ in EAGAIN }
    XCTAssertEqual(threads.count, 0, "no thread of the run's own: every job is late")
    // As the run's end does; the shared late thread ends once no job is left.
    threads.stop()
    let jobs = LateJobs()
    let tasks = (0..<6).map { _ in Task(executorPreference: threads) { jobs.runHeldAtTheGate() } }
    XCTAssertTrue(jobs.waitUntilOneStarted())
    jobs.openGate(times: tasks.count)
    for task in tasks { await task.value }
    XCTAssertEqual(jobs.threadCount, 1)
  }
}

/// Jobs that block until a test opens their gate, and the threads they ran on.
private final class LateJobs: Sendable {
  private let started = DispatchSemaphore(value: 0)
  private let gate = DispatchSemaphore(value: 0)
  /// Kept, so that no thread's object is freed and its address given to another.
  private let threads = Mutex<[Thread]>([])

  func runHeldAtTheGate() {
    threads.withLock { $0.append(Thread.current) }
    started.signal()
    gate.wait()
  }

  func waitUntilOneStarted() -> Bool { started.wait(timeout: .now() + 60) == .success }

  func openGate(times: Int) {
    for _ in 0..<times { gate.signal() }
  }

  var threadCount: Int { Set(threads.withLock { $0.map(ObjectIdentifier.init) }).count }
}
