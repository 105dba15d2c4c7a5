import Foundation
import Plumb
import PlumbTestSupport
import XCTest

private struct CatalogUnreadable: Error, CustomStringConvertible {
  let path: String
  var description: String { "cannot read \(path)" }
}

/// A task whose requirements cannot be worked out.
private struct NeedsCatalog: PipelineTask {
  func requires() throws -> [Step] { throw CatalogUnreadable(path: "catalog.tsv") }
  func output() -> LocalTarget { LocalTarget("needs-catalog.txt") }
  func run() throws { try output().write("ran") }
}

private struct Step: PipelineTask {
  @Parameter(help: "fails when true") var fails: Bool = false
  func output() -> LocalTarget { LocalTarget("step.txt") }
  func run() throws {
    if fails { throw CatalogUnreadable(path: "step-input.tsv") }
    try output().write("ran")
  }
}

private struct AfterCatalog: PipelineTask {
  func requires() -> NeedsCatalog { NeedsCatalog() }
  func output() -> LocalTarget { LocalTarget("after.txt") }
  func run() throws { try output().write("ran") }
}

final class FailureRecordTests: XCTestCase {
  func testARequiresThatThrowsIsASchedulingErrorAndItsDependentsDoNotRun() throws {
    let folder = try TemporaryFolder(removedAfter: self)

    let result = try build([AfterCatalog()], options: folder.options())

    XCTAssertEqual(result.exitCode, ExitCodes().schedulingError)
    let record = try XCTUnwrap(result.record(of: NeedsCatalog()))
    XCTAssertEqual(record.status, .schedulingFailed)
    XCTAssertEqual(record.errorMessage, "requires() failed: cannot read catalog.tsv")
    let failure = try XCTUnwrap(record.error as? SchedulingFailure)
    XCTAssertEqual((failure.underlying as? CatalogUnreadable)?.path, "catalog.tsv")
    XCTAssertEqual(result.status(of: AfterCatalog()), .pending)
    XCTAssertEqual(folder.files(), [])
  }

  func testARecordKeepsTheErrorTheRunThrew() throws {
    let folder = try TemporaryFolder(removedAfter: self)

    let result = try build([Step(fails: true)], options: folder.options())

    let record = try XCTUnwrap(result.record(of: Step(fails: true)))
    XCTAssertEqual((record.error as? CatalogUnreadable)?.path, "step-input.tsv")
    XCTAssertEqual(record.errorMessage, "cannot read step-input.tsv")
  }

  func testBuildTakesEngineSettingsFromTheConfigFileAsTheCommandLineDoes() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write(
      "[execution_summary]\nshow_errors = false\n[retcode]\ntask_failed = 7\n[scheduler]\nretry_count = 2\n",
      to: "plumb.cfg")
    // Not folder.options(), which sets the retries in code.
    var options = RunOptions()
    options.workingDirectory = folder.path
    options.logLevel = .error
    options.logSink = { _ in }

    let result = try build([Step(fails: true)], options: options)

    XCTAssertEqual(result.exitCode, 7)
    XCTAssertFalse(result.summary.contains("Why tasks failed"), result.summary)
    XCTAssertEqual(result.record(of: Step(fails: true))?.failureCount, 3)
  }

  func testSettingsGivenInCodeBeatTheConfigFile() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    try folder.write("[retcode]\ntask_failed = 7\n[scheduler]\nretry_count = 2\n", to: "plumb.cfg")
    var options = folder.options(readingConfigFiles: true)
    options.retries = 0
    var codes = ExitCodes()
    codes.taskFailed = 9
    options.exitCodes = codes

    let result = try build([Step(fails: true)], options: options)

    XCTAssertEqual(result.exitCode, 9)
    XCTAssertEqual(result.record(of: Step(fails: true))?.failureCount, 1)
  }
}
