import Foundation
import Plumb
import PlumbTestSupport
import XCTest

final class ParallelismTests: XCTestCase {
  /// Layers of tasks where each task requires every task of the layer below: many diamonds.
  private func layeredPlan(layers: Int, width: Int) -> (plan: Plan, top: String) {
    var edges: [String: [String]] = ["top": (0..<width).map { "L\(layers - 1)-\($0)" }]
    for layer in 1..<layers {
      for index in 0..<width {
        edges["L\(layer)-\(index)"] = (0..<width).map { "L\(layer - 1)-\($0)" }
      }
    }
    return (Plan(edges), "top")
  }

  func testTwoIndependentTasksOverlapWithTwoWorkers() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let plan = Plan(["both": ["left", "right"]])
    plan.meetings = ["left": 2, "right": 2]

    let result = try build([plan.task("both")], options: folder.options(workers: 2))

    XCTAssertEqual(result.record(of: plan.task("left"))?.errorMessage, nil)
    XCTAssertEqual(result.record(of: plan.task("right"))?.errorMessage, nil)
    XCTAssertTrue(result.success)
    XCTAssertEqual(plan.probe.mostAtOnce, 2)
  }

  func testNeverMoreTasksAtOnceThanWorkers() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let leaves = (0..<12).map { "leaf\($0)" }
    let plan = Plan(["all": leaves])
    for leaf in leaves { plan.meetings[leaf] = 3 }

    let result = try build([plan.task("all")], options: folder.options(workers: 3))

    XCTAssertTrue(result.success, result.records.compactMap(\.errorMessage).joined(separator: "; "))
    XCTAssertEqual(plan.probe.mostAtOnce, 3)
  }

  func testARequirementAlwaysFinishesBeforeItsDependentStarts() throws {
    for workers in [2, 4, 8] {
      let folder = try TemporaryFolder(removedAfter: self)
      let (plan, top) = layeredPlan(layers: 4, width: 6)

      let result = try build([plan.task(top)], options: folder.options(workers: workers))

      XCTAssertTrue(result.success)
      let log = plan.probe.log
      for (task, requirements) in plan.edges {
        guard let started = log.firstIndex(of: "start \(task)") else {
          XCTFail("\(task) never started with \(workers) workers")
          continue
        }
        for requirement in requirements {
          let ended = log.firstIndex(of: "end \(requirement)") ?? Int.max
          XCTAssertLessThan(ended, started, "\(requirement) must end before \(task) starts (\(workers) workers)")
        }
      }
    }
  }

  func testNoTaskRunsTwiceInDiamondsWithManyWorkers() throws {
    for round in 0..<20 {
      let folder = try TemporaryFolder(removedAfter: self)
      let (plan, top) = layeredPlan(layers: 3, width: 10)
      let requested = [plan.task(top), plan.task("L1-3"), plan.task("L0-0"), plan.task(top)]

      let result = try build(requested, options: folder.options(workers: 8))

      XCTAssertEqual(result.records.count, 31, "round \(round)")
      XCTAssertTrue(result.records.allSatisfy { $0.status == .succeeded }, "round \(round)")
      let runs = plan.probe.allRuns
      XCTAssertEqual(runs.count, 31, "round \(round)")
      XCTAssertEqual(runs.values.filter { $0 != 1 }, [], "round \(round): a task ran more than once")
    }
  }

  func testAFailureUnderManyWorkersStopsOnlyItsDependents() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let (plan, top) = layeredPlan(layers: 3, width: 5)
    plan.probe.planFailures(of: "L1-2", times: 100)

    let result = try build([plan.task(top)], options: folder.options(workers: 4))

    XCTAssertEqual(result.status(of: plan.task("L1-2")), .failed)
    for index in 0..<5 {
      XCTAssertEqual(result.status(of: plan.task("L0-\(index)")), .succeeded)
      XCTAssertEqual(result.status(of: plan.task("L2-\(index)")), .pending)
      XCTAssertEqual(plan.probe.runCount("L2-\(index)"), 0)
      if index != 2 { XCTAssertEqual(result.status(of: plan.task("L1-\(index)")), .succeeded) }
    }
    XCTAssertEqual(result.status(of: plan.task(top)), .pending)
  }
}
