import Foundation
import XCTest

@testable import kit

/// The verdict agrees with XCTest's own outcome for every way a check can fail. The outputs are what
/// `swift test` really printed (Tests/Fixtures/xctest, made by make-fixtures.sh there).
final class XCTestOutcomeTests: XCTestCase {
  private func fixture(_ name: String, stoppedAfter timeLimit: Int? = nil) throws -> TestReport {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
      .appendingPathComponent("Fixtures/xctest")
    let output = try String(contentsOf: folder.appendingPathComponent("\(name).txt"), encoding: .utf8)
    let status = try String(contentsOf: folder.appendingPathComponent("\(name).status"), encoding: .utf8)
    let exitStatus = try XCTUnwrap(Int32(status.trimmingCharacters(in: .whitespacesAndNewlines)))
    return TestReport(output: output, exitStatus: exitStatus, stoppedAfter: timeLimit)
  }

  private func message(_ report: TestReport, _ suite: String, _ test: String) throws -> String {
    let found = try XCTUnwrap(report.cases(of: suite).first { $0.name == test }, "\(test) was not read")
    XCTAssertNotEqual(found.passed, true, "\(test) should not be a pass")
    return try XCTUnwrap(found.failures.first, "\(test) has no message")
  }

  func testEveryKindOfFailureIsAFailureWithAMessageOfItsKind() throws {
    let report = try fixture("kinds")
    XCTAssertEqual(report.cases(of: "KindsTests").first { $0.name == "testPasses" }?.passed, true)

    let assertion = try message(report, "KindsTests", "testAssertionFails")
    XCTAssertTrue(assertion.hasPrefix("This check failed.\n  found:    XCTAssertEqual failed"), assertion)
    XCTAssertTrue(assertion.contains("the greeting differs"), assertion)
    XCTAssertTrue(assertion.contains("KindsTests.swift:6"), assertion)

    let thrown = try message(report, "KindsTests", "testThrowsOwnError")
    XCTAssertTrue(thrown.hasPrefix("This check stopped because an error was thrown through it."), thrown)
    XCTAssertTrue(thrown.contains("found:    it threw InsecureWebhook()"), thrown)

    let unwrapped = try message(report, "KindsTests", "testUnwrapsNil")
    XCTAssertTrue(unwrapped.hasPrefix("This check expected a value and found nil."), unwrapped)
    XCTAssertTrue(unwrapped.contains("KindsTests.swift:8"), unwrapped)

    let waited = try message(report, "KindsTests", "testExpectationTimesOut")
    XCTAssertTrue(waited.hasPrefix("This check waited for something your code should do"), waited)
    XCTAssertTrue(waited.contains("the webhook is posted"), waited)

    let silent = try message(report, "KindsTests", "testFailsWithoutMessage")
    XCTAssertTrue(silent.hasPrefix("This check failed without saying why."), silent)
    XCTAssertTrue(silent.contains("KindsTests.swift:13"), silent)

    let skipped = try message(report, "KindsTests", "testSkips")
    XCTAssertTrue(skipped.hasPrefix("This check was skipped, so it checked nothing: not on Linux"), skipped)

    let setUp = try message(report, "SetUpThrowsTests", "testNeverReached")
    XCTAssertTrue(setUp.contains("found:    it threw InsecureWebhook()"), setUp)
  }

  func testXCTestsCountsAreReadPerSuiteAndForTheRun() throws {
    let report = try fixture("kinds")
    XCTAssertEqual(report.counts["KindsTests"], TestReport.Count(executed: 7, skipped: 1, failures: 5))
    XCTAssertEqual(report.counts["SetUpThrowsTests"], TestReport.Count(executed: 1, skipped: 1, failures: 1))
    XCTAssertEqual(report.counts["Selected tests"], TestReport.Count(executed: 8, skipped: 2, failures: 6))
    XCTAssertNotNil(report.disagreement(with: "KindsTests", declared: []))
  }

  func testAPassIsConfirmedByXCTestsCountAndTheExitStatus() throws {
    let report = try fixture("passes")
    XCTAssertEqual(report.cases.map(\.passed), [true])
    XCTAssertNil(report.disagreement(with: "KindsTests", declared: ["testPasses"]))
    let missing = try XCTUnwrap(report.disagreement(with: "KindsTests", declared: ["testPasses", "testOther"]))
    XCTAssertTrue(missing.contains("XCTest runs the 2 checks of KindsTests"), missing)
    XCTAssertTrue(missing.contains("found:    XCTest ran 1 test: 0 failed; swift test exited with 0"), missing)
  }

  func testANonZeroExitStatusIsNotAPassWhateverTheLinesSay() throws {
    let output = try String(
      contentsOf: URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures/xctest/passes.txt"), encoding: .utf8)
    let report = TestReport(output: output, exitStatus: 1)
    let disagreement = try XCTUnwrap(report.disagreement(with: "KindsTests", declared: ["testPasses"]))
    XCTAssertTrue(disagreement.contains("swift test exited with 1"), disagreement)
  }

  /// The defect this guards against: exercise 9 solved, then `webhookSettings` made to throw an
  /// error of the learner's own, was graded "all 5 checks pass".
  func testAnErrorThrownThroughAnExercisesCheckFailsItsVerdict() throws {
    let report = try fixture("exercise9-thrown")
    let nine = try XCTUnwrap(Exercise.all().first { $0.number == 9 })
    let verdict = Grader.verdict(of: nine, in: report)
    XCTAssertEqual(verdict.state, .failing)
    XCTAssertTrue(verdict.note.contains("it threw InsecureWebhook()"), verdict.note)
    XCTAssertEqual(report.firstFailure(of: "Exercise9Tests")?.test, "testTheAlertsReachTheTeam")
  }

  /// XCTest's count is a second witness: lines that read as passes do not make a pass when the
  /// count says a check failed.
  func testXCTestsCountOverrulesLinesThatReadAsPasses() throws {
    let folder = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
    let real = try String(
      contentsOf: folder.appendingPathComponent("Fixtures/xctest/exercise9-thrown.txt"), encoding: .utf8)
    let doctored = real.split(separator: "\n", omittingEmptySubsequences: false)
      .filter { !$0.contains(": error: ") }
      .map {
        $0.replacingOccurrences(of: "testTheAlertsReachTheTeam' failed", with: "testTheAlertsReachTheTeam' passed")
      }
      .joined(separator: "\n")
    let report = TestReport(output: doctored, exitStatus: 1)
    XCTAssertTrue(report.cases.allSatisfy { $0.passed == true })
    let nine = try XCTUnwrap(Exercise.all().first { $0.number == 9 })
    let verdict = Grader.verdict(of: nine, in: report)
    XCTAssertEqual(verdict.state, .failing)
    XCTAssertTrue(verdict.note.contains("XCTest ran 5 tests: 1 failed; swift test exited with 1"), verdict.note)
  }

  func testACrashIsAFailureAndLeavesNoCountToConfirmAPass() throws {
    let report = try fixture("crash")
    XCTAssertEqual(report.cases.map(\.passed), [true, nil])
    XCTAssertEqual(report.cases[1].crash?.reason, "Fatal error: Range requires lowerBound <= upperBound")
    XCTAssertTrue(try message(report, "CrashTests", "testBCrashes").contains("crashed"))
    XCTAssertNil(report.counts["CrashTests"])
    let disagreement = try XCTUnwrap(report.disagreement(with: "CrashTests", declared: ["testAPasses"]))
    XCTAssertTrue(disagreement.contains("XCTest printed no count for CrashTests"), disagreement)
  }

  func testACheckKilledAtTheTimeLimitIsAFailure() throws {
    let report = try fixture("hang-killed", stoppedAfter: 60)
    XCTAssertTrue(report.timedOut)
    XCTAssertEqual(report.cases.map(\.passed), [true, false])
    XCTAssertTrue(
      try message(report, "HangTests", "testBLoops").hasPrefix("This check did not finish within 60 seconds"))
    XCTAssertNotNil(report.disagreement(with: "HangTests", declared: ["testAPasses"]))
  }

  /// The verdict on a thrown error names the line of the learner's code that throws it.
  func testAThrownErrorIsTracedToTheLineThatThrowsIt() throws {
    let root = NSTemporaryDirectory() + "outcome-tests-\(UUID().uuidString)"
    let folder = root + "/Exercises/9-failures"
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let previous = FileManager.default.currentDirectoryPath
    defer {
      _ = FileManager.default.changeCurrentDirectoryPath(previous)
      try? FileManager.default.removeItem(atPath: root)
    }
    try """
    struct InsecureWebhook: Error {}
    enum Refusal: Error { case plainHTTP }
    struct InsecureWebhookTwo: Error {}

    func webhookSettings(url: String) throws -> String {
      if url.isEmpty { throw InsecureWebhookTwo() }
      if url.hasPrefix("http://") { throw InsecureWebhook() }
      if url.hasPrefix("ftp://") { throw Refusal.plainHTTP }
      return url
    }
    """.write(toFile: folder + "/Alerts.swift", atomically: true, encoding: .utf8)
    XCTAssertTrue(FileManager.default.changeCurrentDirectoryPath(root))
    let nine = Exercise(number: 9, folder: "9-failures")

    XCTAssertEqual(nine.line(throwing: "InsecureWebhook()"), "Exercises/9-failures/Alerts.swift:7")
    XCTAssertEqual(nine.line(throwing: "plainHTTP"), "Exercises/9-failures/Alerts.swift:8")
    XCTAssertNil(nine.line(throwing: "Unrelated()"))
    let message = TestReport.thrown("InsecureWebhook()", suite: "Exercise9Tests")
    XCTAssertTrue(message.contains("where:    Exercises/9-failures/Alerts.swift:7"), message)
  }
}
