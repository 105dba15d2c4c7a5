import Foundation
import Plumb
import PlumbTestSupport
import XCTest

private struct Broken: PipelineTask {
  func output() -> LocalTarget { LocalTarget("broken.txt") }
  func run() throws { throw CocoaError(.fileReadCorruptFile) }
}

private struct AfterBroken: PipelineTask {
  func requires() -> Broken { Broken() }
  func output() -> LocalTarget { LocalTarget("after.txt") }
  func run() throws { try output().write("after") }
}

private struct FarAfterBroken: PipelineTask {
  func requires() -> AfterBroken { AfterBroken() }
  func output() -> LocalTarget { LocalTarget("far.txt") }
  func run() throws { try output().write("far") }
}

/// Collects the tasks named by `.upstreamFailed` events.
private final class UpstreamFailures: @unchecked Sendable {
  private let lock = NSLock()
  private var names: [String] = []

  var observer: TaskObserver {
    { [self] event in
      guard case .upstreamFailed(let task) = event else { return }
      lock.lock()
      names.append(task.description)
      lock.unlock()
    }
  }

  var seen: [String] {
    lock.lock()
    defer { lock.unlock() }
    return names
  }
}

final class UpstreamFailedTests: XCTestCase {
  private func run() throws -> (RunResult, [String]) {
    let folder = try TemporaryFolder(removedAfter: self)
    let failures = UpstreamFailures()
    var options = folder.options()
    options.observers.append(failures.observer)
    let result = try build([FarAfterBroken()], options: options)
    return (result, failures.seen)
  }

  func testTheEventsNameTheTasksTheSummaryListsAsHavingFailedDependencies() throws {
    let (result, named) = try run()

    XCTAssertEqual(named, ["FarAfterBroken()", "AfterBroken()"])
    XCTAssertTrue(
      result.summary.contains(
        """
            * 2 had failed dependencies:
                - 1 AfterBroken()
                - 1 FarAfterBroken()
        """), result.summary)
  }

  func testTheGraphColoursThemApartFromFailedOnes() throws {
    let (result, _) = try run()
    let graph = DependencyGraph(result)

    let lines = graph.dot.split(separator: "\n")
    let broken = try XCTUnwrap(lines.first { $0.contains("label=\"Broken()\"") })
    let after = try XCTUnwrap(lines.first { $0.contains("label=\"AfterBroken()\"") })
    XCTAssertTrue(broken.contains("#e53935"), "failed is red: \(broken)")
    XCTAssertTrue(after.contains("#fb8c00"), "upstream failed is orange: \(after)")
    XCTAssertTrue(after.contains("had failed dependencies (upstream failed)"), String(after))
    XCTAssertTrue(graph.mermaid.contains("classDef upstreamFailed"), graph.mermaid)
    XCTAssertTrue(graph.svg.contains("had failed dependencies (upstream failed) (2)"), "the legend counts them")
  }
}
