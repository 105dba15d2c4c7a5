import Foundation
import Plumb
import PlumbTestSupport
import Synchronization
import XCTest

/// Every feature of Plumb once, through its public API, in a release build: an async run, dynamic
/// requirements with 1 and 4 workers, a range, a schedule pass, retries, `--force`, a webhook,
/// luigid, S3 (moto) and PostgreSQL.
final class ReleaseSmokeTests: XCTestCase {
  static var allTests: [(String, (ReleaseSmokeTests) -> () throws -> Void)] {
    [
      ("testAnAsyncRun", testAnAsyncRun),
      ("testDynamicRequirementsWithOneAndFourWorkers", testDynamicRequirementsWithOneAndFourWorkers),
      ("testARangeAndASchedulePass", testARangeAndASchedulePass),
      ("testRetriesThenSuccess", testRetriesThenSuccess),
      ("testForceRunsACompleteTaskAgain", testForceRunsACompleteTaskAgain),
      ("testAWebhookHearsOfAFailure", testAWebhookHearsOfAFailure),
      ("testARunThroughLuigid", testARunThroughLuigid),
      ("testAnObjectOnS3", testAnObjectOnS3),
      ("testCopyToPostgres", testCopyToPostgres),
    ]
  }

  private var folder: TemporaryFolder!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
  }

  private func options(workers: Int = 1) -> RunOptions {
    var options = RunOptions()
    options.workingDirectory = folder.path
    options.configuration = Configuration()
    options.logLevel = .error
    options.logSink = { _ in }
    options.workers = workers
    return options
  }

  private let command = PipelineCommand(
    name: "smoke", tasks: [SmokeDay.self, SmokeFlaky.self, SmokeFailing.self, SmokeCopy.self])

  /// Runs `arguments` as the command line would, in the test's folder: the exit code and the output.
  private func invoke(_ arguments: String...) -> (code: Int32, output: String) {
    var output: [String] = []
    let code = command.run(
      arguments: arguments, workingDirectory: folder.path, environment: ["TMPDIR": NSTemporaryDirectory()],
      standardOutput: { output.append($0) }, standardError: { output.append($0) })
    return (code, output.joined(separator: "\n"))
  }

  func testAnAsyncRun() throws {
    let result = try build([SmokeAsync(text: "hello")], options: options())
    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(folder.contents(of: "async-hello.txt"), "hello")
  }

  func testDynamicRequirementsWithOneAndFourWorkers() throws {
    for workers in [1, 4] {
      let gather = SmokeGather(prefix: "w\(workers)", count: 20)
      let result = try build([gather], options: options(workers: workers))
      XCTAssertTrue(result.success, result.summary)
      let expected = (0..<20).map { "w\(workers)-\($0)" }.joined(separator: ",")
      XCTAssertEqual(folder.contents(of: "gather-w\(workers).txt"), expected, "\(workers) workers")
    }
  }

  func testARangeAndASchedulePass() {
    let range = invoke("RangeDaily", "--of", "SmokeDay", "--start", "2024-01-01", "--stop", "2024-01-11")
    XCTAssertEqual(range.code, 0, range.output)
    XCTAssertEqual(folder.files().filter { $0.hasPrefix("day-") }.count, 10, range.output)
    let schedule = invoke(
      "schedule", "SmokeDay", "--every", "1 day", "--start", "2024-01-01", "--end", "2024-01-15", "--no-lock")
    XCTAssertEqual(schedule.code, 0, schedule.output)
    // As in Airflow, the interval that starts on the end date is one of the schedule's: 1 to 15 January.
    XCTAssertEqual(folder.files().filter { $0.hasPrefix("day-") }.count, 15, schedule.output)
  }

  func testRetriesThenSuccess() throws {
    let result = try build([SmokeFlaky(failures: 2)], options: options())
    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(folder.contents(of: "flaky-tries.txt"), "3")
  }

  func testForceRunsACompleteTaskAgain() {
    XCTAssertEqual(invoke("SmokeDay", "--date", "2024-03-01").code, 0)
    try? folder.write("old", to: "day-2024-03-01.txt")
    let forced = invoke("SmokeDay", "--date", "2024-03-01", "--force", "SmokeDay")
    XCTAssertEqual(forced.code, 0, forced.output)
    XCTAssertEqual(folder.contents(of: "day-2024-03-01.txt"), "2024-03-01", forced.output)
  }

  func testAWebhookHearsOfAFailure() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .text("ok")])
    defer { server.stop() }
    try folder.write("[webhook]\nurl = \(server.url("/hook").absoluteString)\n", to: "plumb.cfg")
    let failed = invoke("SmokeFailing")
    XCTAssertNotEqual(failed.code, 0, failed.output)
    XCTAssertEqual(server.requests.count, 2, "the task's failure, then the run's end")
  }

  func testARunThroughLuigid() throws {
    let luigid = try LuigidServer(for: self)
    var options = options(workers: 2)
    options.scheduler = .central(luigid.scheduler)
    let result = try build([SmokeGather(prefix: "central", count: 5)], options: options)
    XCTAssertTrue(result.success, result.summary)
    XCTAssertNotNil(folder.contents(of: "gather-central.txt"))
  }

  func testAnObjectOnS3() throws {
    let moto = try MotoServer(for: self)
    let store = moto.store()
    try store.createBucket("smoke")
    let target = ObjectStoreTarget(bucket: "smoke", key: "model.json", store: store)
    try target.write("{\"k\": 3}\n")
    XCTAssertEqual(try target.read(), "{\"k\": 3}\n")
  }

  func testCopyToPostgres() throws {
    let server = try PostgresServer()
    defer { server.stop() }
    try folder.write(server.configuration, to: "plumb.cfg")
    let copied = invoke("SmokeCopy", "--count", "1000")
    XCTAssertEqual(copied.code, 0, copied.output)
    let connection = try PostgresConnection(server.settings())
    defer { connection.close() }
    XCTAssertEqual(try connection.query("SELECT count(*) FROM smoke"), [["1000"]])
  }
}

struct SmokeAsync: PipelineTask {
  @Parameter var text: String = ""
  func output() -> LocalTarget { LocalTarget("async-\(text).txt") }
  func run() async throws {
    await Task.yield()
    try output().write(text)
  }
}

struct SmokeLeaf: PipelineTask {
  @Parameter var name: String = ""
  func output() -> LocalTarget { LocalTarget("leaf-\(name).txt") }
  func run() throws { try output().write(name) }
}

/// Discovers its leaves while it runs.
struct SmokeGather: PipelineTask {
  @Parameter var prefix: String = ""
  @Parameter var count: Int = 0
  func output() -> LocalTarget { LocalTarget("gather-\(prefix).txt") }
  func run() throws {
    let files = try require((0..<count).map { SmokeLeaf(name: "\(prefix)-\($0)") })
    try output().write(try files.map { try $0.read() }.joined(separator: ","))
  }
}

struct SmokeDay: PipelineTask {
  @Parameter(help: "the day") var date: Day = Day(parameterText: "2024-01-01")!
  func output() -> LocalTarget { LocalTarget("day-\(date).txt") }
  func run() throws { try output().write("\(date)") }
}

/// Fails `failures` times, counting its tries in a file, then succeeds.
struct SmokeFlaky: PipelineTask {
  struct NotYet: Error {}
  @Parameter var failures: Int = 0
  var retryPolicy: RetryPolicy? { RetryPolicy(retries: failures) }
  func output() -> LocalTarget { LocalTarget("flaky.txt") }
  func run() throws {
    let tries = LocalTarget("flaky-tries.txt")
    let count = ((try? tries.read()).flatMap { Int($0) } ?? 0) + 1
    try tries.write("\(count)")
    if count <= failures { throw NotYet() }
    try output().write("done")
  }
}

struct SmokeFailing: PipelineTask {
  struct Broken: Error {}
  func output() -> LocalTarget { LocalTarget("never.txt") }
  func run() throws { throw Broken() }
}

struct SmokeCopy: CopyToTable {
  @Parameter var count: Int = 0
  var table: String { "smoke" }
  var columns: [(name: String, type: String)] { [("id", "INT"), ("name", "TEXT")] }
  func rows() throws -> some Sequence<[String?]> {
    (0..<count).lazy.map { [String($0), "row \($0)"] }
  }
}
