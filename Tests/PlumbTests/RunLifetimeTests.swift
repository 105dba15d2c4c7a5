import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// The edges of a test's graph, which every task of it holds: a test watches it with a weak
/// reference, so it is freed once no task value is left.
private final class WatchedGraph: Sendable {
  let edges: [String: [String]]
  init(_ edges: [String: [String]]) { self.edges = edges }
}

private struct Watched: PipelineTask {
  @Parameter(help: "the task's name") var name: String = ""
  var plan: WatchedGraph?

  init() {}

  init(_ name: String, plan: WatchedGraph) {
    self.name = name
    self.plan = plan
  }

  func requires() -> [Watched] { (plan?.edges[name] ?? []).map { Watched($0, plan: plan!) } }
  func output() -> LocalTarget { LocalTarget("\(name).txt") }
  func run() throws { try output().write(name) }
}

final class RunLifetimeTests: XCTestCase {
  /// Builds `root` of a graph with `edges` and returns a weak reference to the graph's plan,
  /// taken before the run.
  private func planAfterBuilding(_ edges: [String: [String]], options: RunOptions) -> () -> WatchedGraph? {
    let plan = WatchedGraph(edges)
    _ = try? build([Watched("root", plan: plan)], options: options)
    return { [weak plan] in plan }
  }

  func testARunLetsGoOfItsTasksWhenItEnds() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let watcher = planAfterBuilding(
      ["root": ["middle", "leaf"], "middle": ["leaf"]], options: folder.options(workers: 2))
    XCTAssertEqual(folder.files(), ["leaf.txt", "middle.txt", "root.txt"])
    XCTAssertNil(watcher(), "tasks still held after the run")
  }

  func testARunRefusedForACycleLetsGoOfItsTasksToo() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let watcher = planAfterBuilding(
      ["root": ["first"], "first": ["second"], "second": ["first"]], options: folder.options())
    XCTAssertEqual(folder.files(), [])
    XCTAssertNil(watcher(), "tasks still held after the refused run")
  }
}
