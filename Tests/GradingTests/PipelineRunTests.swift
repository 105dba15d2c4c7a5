import Foundation
import Grading
import Plumb
import PlumbTestSupport
import XCTest

/// What the grader reads from a run: where a learner's relative writes land, and why a task did not
/// run, which verdicts name instead of the output file that is missing.
final class PipelineRunTests: GradedTestCase {
  func testRelativeWriteLandsInTheWorkspace() throws {
    let before = FileManager.default.currentDirectoryPath
    let run = try XCTUnwrap(run(WritesByName()))
    XCTAssertEqual(run.status(of: WritesByName()), .succeeded)
    XCTAssertEqual(workspace.contents(of: "by-name.txt"), "written by name\n")
    XCTAssertEqual(FileManager.default.currentDirectoryPath, before)
  }

  func testMissingExternalDataIsWhyItDidNotRun() throws {
    let run = try XCTUnwrap(run(NeedsData()))
    guard case .missingData(let records, let paths)? = run.whyNotDone(NeedsData()) else {
      return XCTFail("found \(String(describing: run.whyNotDone(NeedsData())))")
    }
    XCTAssertEqual(records.map(\.info), [TaskInfo(Delivered())])
    XCTAssertEqual(paths, [workspace.path(of: "delivered.txt")])
    XCTAssertEqual(
      run.whyNotDone(NeedsData())?.found,
      "it did not run, because the data of Delivered() is missing, no file \(workspace.path(of: "delivered.txt"))")
  }

  func testFailedDependencyIsWhyItDidNotRun() throws {
    let run = try XCTUnwrap(run(NeedsFailing()))
    guard case .failedDependency(let record)? = run.whyNotDone(NeedsFailing()) else {
      return XCTFail("found \(String(describing: run.whyNotDone(NeedsFailing())))")
    }
    XCTAssertEqual(record.info, TaskInfo(Failing()))
    XCTAssertEqual(run.whyNotDone(NeedsFailing())?.found, "it did not run, because Failing() failed: broken")
  }

  func testOwnFailureAndAbsenceAreReported() throws {
    let run = try XCTUnwrap(run(Failing()))
    XCTAssertEqual(run.whyNotDone(Failing())?.found, "it failed: broken")
    XCTAssertEqual(run.whyNotDone(WritesByName())?.found, "the run did not schedule it")
  }

  func testDoneTaskHasNoReason() throws {
    let run = try XCTUnwrap(run(WritesByName()))
    XCTAssertNil(run.whyNotDone(WritesByName()))
    let again = try XCTUnwrap(self.run(WritesByName()))
    XCTAssertNil(again.whyNotDone(WritesByName()))
  }
}

/// Writes its file by name, as a learner who skips `output()` does.
private struct WritesByName: PipelineTask {
  func output() -> LocalTarget { LocalTarget("by-name.txt") }
  func run() throws { try "written by name\n".write(toFile: "by-name.txt", atomically: true, encoding: .utf8) }
}

/// Data nobody delivers.
private struct Delivered: ExternalTask {
  func output() -> LocalTarget { LocalTarget("delivered.txt") }
}

private struct NeedsData: PipelineTask {
  func requires() -> Delivered { Delivered() }
  func output() -> LocalTarget { LocalTarget("counted.txt") }
  func run() throws {}
}

private struct Broken: Error, CustomStringConvertible {
  var description: String { "broken" }
}

private struct Failing: PipelineTask {
  func output() -> LocalTarget { LocalTarget("never.txt") }
  func run() throws { throw Broken() }
}

private struct NeedsFailing: PipelineTask {
  func requires() -> Failing { Failing() }
  func output() -> LocalTarget { LocalTarget("after.txt") }
  func run() throws {}
}
