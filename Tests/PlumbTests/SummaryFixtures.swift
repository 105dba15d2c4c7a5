import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbBuild
@testable import PlumbCore
@testable import PlumbReporting
@testable import PlumbWorkers

/// A task that writes one file named by its id, so any family and parameters get an output.
protocol MarkerTask: PipelineTask where Output == LocalTarget {}

extension MarkerTask {
  /// The output's path relative to the working folder.
  var fileName: String { "\(TaskInfo(self).id).txt" }
  func output() -> LocalTarget { LocalTarget(fileName) }
  func run() throws { try output().write("done\n") }
}

/// A run's failure in a test task.
struct TestFailure: Error, CustomStringConvertible {
  let description: String
}

/// A fresh folder per test, and runs of pipelines in it with quiet logging.
class SummaryTestCase: XCTestCase {
  private(set) var folder: TemporaryFolder!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
  }

  /// Runs `tasks` in the folder with errors logged nowhere. The summary is Luigi's layout alone,
  /// without Plumb's "Why tasks failed" lines, so it can be compared with Luigi's own output;
  /// ExecutionSummaryTests checks those lines separately.
  func run(_ tasks: [any PipelineTask], configure: (inout RunOptions) -> Void = { _ in }) throws -> RunResult {
    var options = folder.options(readingConfigFiles: true)
    options.summaryShowsErrors = false
    configure(&options)
    return try build(tasks, options: options)
  }

  /// A whole summary: `body` between the two frame lines, after the empty line Luigi's starts with.
  func framed(_ body: String) -> String {
    "\n===== Plumb Execution Summary =====\n\n" + body + "\n\n===== Plumb Execution Summary =====\n"
  }

  /// The summary of a run in which every task ran successfully, listed by `lines`.
  func allRan(_ count: Int, _ lines: [String]) -> String {
    framed(
      "Scheduled \(count) tasks of which:\n* \(count) ran successfully:\n" + lines.map { "    " + $0 + "\n" }.joined()
        + "\nThis progress looks :) because there were no failed tasks or missing dependencies")
  }
}
