import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// A task with a priority, requiring the tasks it is given.
private struct Ranked: PipelineTask {
  @Parameter(help: "the task's name") var name: String = ""
  var rank = 0
  var requirements: [Ranked] = []
  var probe = RunProbe()

  var priority: Int { rank }
  func requires() -> [Ranked] { requirements }
  func output() -> LocalTarget { LocalTarget("\(name).txt") }
  func run() throws {
    probe.start(name)
    try output().write(name)
  }
}

final class PriorityTests: XCTestCase {
  private func startOrder(_ probe: RunProbe) -> [String] {
    probe.log.filter { $0.hasPrefix("start ") }.map { String($0.dropFirst("start ".count)) }
  }

  func testAUrgentTasksRequirementsRunBeforeLessUrgentWork() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let probe = RunProbe()
    let slow = Ranked(name: "slow", rank: 0, probe: probe)
    let middle = Ranked(name: "middle", rank: 0, requirements: [slow], probe: probe)
    let urgent = Ranked(name: "urgent", rank: 10, requirements: [middle], probe: probe)
    let routine = Ranked(name: "routine", rank: 5, probe: probe)

    let result = try build([routine, urgent], options: folder.options())

    XCTAssertTrue(result.success)
    XCTAssertEqual(
      startOrder(probe), ["slow", "middle", "urgent", "routine"],
      "as in Luigi, a task's priority passes to everything it requires")
  }

  func testARequirementKeepsItsOwnHigherPriority() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let probe = RunProbe()
    let first = Ranked(name: "first", rank: 20, probe: probe)
    let second = Ranked(name: "second", rank: 3, probe: probe)
    let top = Ranked(name: "top", rank: 1, requirements: [second, first], probe: probe)
    let routine = Ranked(name: "routine", rank: 2, probe: probe)

    _ = try build([routine, top], options: folder.options())

    XCTAssertEqual(startOrder(probe), ["first", "second", "routine", "top"])
  }
}
