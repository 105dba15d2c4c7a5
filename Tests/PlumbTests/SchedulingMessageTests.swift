import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// What a run says when something it needs is missing: the flag that sets a requested task's
/// parameter, and the path of external data that is not there.
final class SchedulingMessageTests: XCTestCase {
  private struct Source: ExternalTask {
    @Parameter(help: "the day") var day: String = .required
    func output() -> LocalTarget { LocalTarget("raw/\(day).txt") }
  }

  private struct CleanDay: PipelineTask {
    @Parameter(help: "the day") var day: String = .required
    func requires() -> Source { Source(day: day) }
    func output() -> LocalTarget { LocalTarget("clean-\(day).txt") }
    func run() throws { try output().write(input().read()) }
  }

  func testAMissingParameterOfTheRequestedTaskSuggestsItsOwnFlag() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    XCTAssertThrowsError(try build([CleanDay()], options: folder.options())) { error in
      XCTAssertEqual(
        "\(error)",
        "CleanDay requires the 'day' parameter to be set: pass --day VALUE, or set day in section [CleanDay] of plumb.cfg"
      )
    }
  }

  func testMissingExternalDataNamesTheMissingFile() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let log = RunProbe()
    var options = folder.options()
    options.logLevel = .warning
    options.logSink = { log.note($0) }
    let result = try build([CleanDay(day: "2024-02-01")], options: options)
    XCTAssertEqual(result.exitCode, 20)
    XCTAssertEqual(
      log.log,
      [
        "plumb: warning: Data for Source(day=2024-02-01) does not exist (yet?) (missing: \(folder.path(of: "raw/2024-02-01.txt"))). The task is an external data dependency, so it cannot be run from this plumb process."
      ])
  }
}
