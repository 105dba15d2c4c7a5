import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// A task object a test can watch with a weak reference: it is freed once nothing holds it.
private final class Watched: PipelineTask {
  @Parameter(help: "the task's name") var name: String = ""
  /// What it requires; a requirement on itself makes a cycle.
  var requirements: [Watched] = []

  required init() {}

  convenience init(_ name: String, requiring requirements: [Watched] = []) {
    self.init()
    self.name = name
    self.requirements = requirements
  }

  func requires() -> [Watched] { requirements }
  func output() -> LocalTarget { LocalTarget("\(name).txt") }
  func run() throws { try output().write(name) }
}

final class RunLifetimeTests: XCTestCase {
  /// Builds `make()`'s tasks and returns weak references to them, taken before the run.
  private func tasksAfterBuilding(
    _ make: () -> [Watched], options: RunOptions
  ) -> [() -> Watched?] {
    var watchers: [() -> Watched?] = []
    do {
      let tasks = make()
      for task in tasks {
        watchers.append { [weak task] in task }
      }
      _ = try? build(tasks.filter { $0.name == "root" }, options: options)
    }
    return watchers
  }

  func testARunLetsGoOfItsTasksWhenItEnds() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let watchers = tasksAfterBuilding(
      {
        let leaf = Watched("leaf")
        let middle = Watched("middle", requiring: [leaf])
        return [Watched("root", requiring: [middle, leaf]), middle, leaf]
      }, options: folder.options(workers: 2))
    XCTAssertEqual(folder.files(), ["leaf.txt", "middle.txt", "root.txt"])
    XCTAssertEqual(watchers.compactMap { $0()?.name }, [], "tasks still held after the run")
  }

  func testARunRefusedForACycleLetsGoOfItsTasksToo() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let watchers = tasksAfterBuilding(
      {
        let first = Watched("first")
        let second = Watched("second", requiring: [first])
        first.requirements = [second]
        let root = Watched("root", requiring: [first])
        return [root, first, second]
      }, options: folder.options())
    XCTAssertEqual(folder.files(), [])
    // The test's own cycle (first <-> second through `requirements`) is broken here, so only
    // references the run kept could hold them.
    watchers[1]()?.requirements = []
    XCTAssertEqual(watchers.compactMap { $0()?.name }, [], "tasks still held after the refused run")
  }
}
