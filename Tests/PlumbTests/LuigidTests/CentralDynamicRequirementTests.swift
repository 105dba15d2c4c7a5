import Foundation
import PlumbTestSupport
import XCTest

@testable import Plumb

private struct Part: PipelineTask {
  @Parameter var n: Int = 1
  @Parameter var fails: Bool = false
  func output() -> LocalTarget { LocalTarget("part-\(n).txt") }
  func run() throws {
    if fails { throw CocoaError(.fileWriteNoPermission) }
    try output().write("\(n)\n")
  }
}

/// Finds its parts while running; async.
private struct Discover: PipelineTask {
  @Parameter var count: Int = 3
  func output() -> LocalTarget { LocalTarget("discover.txt") }
  func run() async throws {
    let parts = try await require((1...count).map { Part(n: $0) })
    try output().write(try parts.map { try $0.read() }.joined())
  }
}

/// The same from a synchronous run(), with one part that fails.
private struct DiscoverSync: PipelineTask {
  func output() -> LocalTarget { LocalTarget("discover-sync.txt") }
  func run() throws {
    _ = try require([Part(n: 7), Part(n: 8, fails: true)])
    try output().write("never")
  }
}

/// `require(_:)` with luigid: the requirements run through luigid with one worker, and luigid
/// knows them as the waiting task's dependencies (`new_deps`).
final class CentralDynamicRequirementTests: XCTestCase {
  private var folder: TemporaryFolder!
  private var luigid: LuigidServer!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
    luigid = try LuigidServer(for: self)
  }

  private func options() -> RunOptions {
    var options = folder.options(workers: 1)
    var scheduler = luigid.scheduler
    scheduler.waitInterval = 0.05
    options.scheduler = .central(scheduler)
    return options
  }

  func testRequirementsRunThroughLuigidAndAreItsNewDependencies() throws {
    let result = try build([Discover()], options: options())

    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(folder.contents(of: "discover.txt"), "1\n2\n3\n")
    XCTAssertTrue(result.summary.contains("* 4 ran successfully:"), result.summary)
    let done = try luigid.api("task_list", ["status": "DONE", "upstream_status": "", "search": ""])
    XCTAssertEqual(done[TaskInfo(Discover()).id]?["status"], "DONE", done.text)
    let graph = try luigid.api("dep_graph", ["task_id": .string(TaskInfo(Discover()).id), "include_done": true])
    let discover = try XCTUnwrap(graph[TaskInfo(Discover()).id], graph.text)
    guard case .array(let list)? = discover["deps"] else { return XCTFail("no deps in \(discover.text)") }
    let deps = Set(list.compactMap(\.string))
    XCTAssertEqual(deps, Set((1...3).map { TaskInfo(Part(n: $0)).id }), discover.text)
    for n in 1...3 { XCTAssertEqual(done[TaskInfo(Part(n: n)).id]?["status"], "DONE") }
  }

  func testAFailureAmongThemFailsTheSynchronousTask() throws {
    let result = try build([DiscoverSync()], options: options())

    XCTAssertEqual(result.status(of: DiscoverSync()), .failed)
    XCTAssertEqual(result.status(of: Part(n: 7)), .succeeded)
    XCTAssertEqual(
      result.record(of: DiscoverSync())?.errorMessage,
      "a requirement it discovered while running did not complete: Part(n=8, fails=True)")
  }
}
