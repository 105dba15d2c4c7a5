import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbBuild
@testable import PlumbCommandLine
@testable import PlumbCore

// Each task writes the values it ran with (`Pair(first=1, second=x)`), so a test sees what a run
// resolved, not only whether it ran.

private struct Pair: PipelineTask {
  @Parameter var first: Int = .required
  @Parameter var second: String = .required
  func output() -> LocalTarget { LocalTarget("ran.txt") }
  func run() throws { try output().write(TaskInfo(self).description) }
}

private struct Triple: PipelineTask {
  @Parameter var a: Int = .required
  @Parameter var b: Int = .required
  @Parameter var c: String = .required
  func output() -> LocalTarget { LocalTarget("ran.txt") }
  func run() throws { try output().write(TaskInfo(self).description) }
}

/// The required parameter given in code has the placeholder's value ("") and comes first.
private struct Report: PipelineTask {
  @Parameter var first: String = .required
  @Parameter var second: Int = .required
  func output() -> LocalTarget { LocalTarget("ran.txt") }
  func run() throws { try output().write(TaskInfo(self).description) }
}

private struct Count: PipelineTask {
  @Parameter(help: "any integer") var n: Int = .required
  func output() -> LocalTarget { LocalTarget("ran.txt") }
  func run() throws { try output().write(TaskInfo(self).description) }
}

/// An optional value that must still be given, if only as None.
private struct Since: PipelineTask {
  @Parameter(help: "the last day, or None") var until: Day? = .required
  func output() -> LocalTarget { LocalTarget("ran.txt") }
  func run() throws { try output().write(TaskInfo(self).description) }
}

/// An optional value with no value by default.
private struct Maybe: PipelineTask {
  @Parameter(help: "the last day, if any") var until: Day? = nil
  func output() -> LocalTarget { LocalTarget("ran.txt") }
  func run() throws { try output().write(TaskInfo(self).description) }
}

final class RequiredParameterTests: XCTestCase {
  /// The values `task` ran with, or the error that stopped the run; each run in a folder of its own.
  private func outcome(_ task: any PipelineTask, familyValues: [String: [String: String]] = [:]) -> String {
    do {
      let folder = try TemporaryFolder(removedAfter: self)
      var options = folder.options()
      options.familyValues = familyValues
      let result = try build([task], options: options)
      guard result.success else { return "failed: \(result.summary)" }
      return folder.contents(of: "ran.txt") ?? "(nothing ran)"
    } catch {
      return "\(error)"
    }
  }

  private func missing(_ family: String, _ parameter: String) -> String {
    "\(family) requires the '\(parameter)' parameter to be set: pass --\(parameter) VALUE, or set \(parameter)"
      + " in section [\(family)] of plumb.cfg"
  }

  func testARequiredParameterLeftOutOfTheMemberwiseInitializerIsUnset() {
    XCTAssertEqual(outcome(Pair(first: 1)), missing("Pair", "second"))
    XCTAssertEqual(
      outcome(Pair(first: 1), familyValues: ["Pair": ["second": "x"]]), "Pair(first=1, second=x)")
    XCTAssertEqual(outcome(Pair(second: "x")), missing("Pair", "first"))
    XCTAssertEqual(outcome(Pair()), missing("Pair", "first"))
  }

  func testEveryRequiredParameterLeftOutIsUnset() {
    XCTAssertEqual(
      outcome(Triple(c: "z"), familyValues: ["Triple": ["a": "1"]]), missing("Triple", "b"))
    XCTAssertEqual(
      outcome(Triple(a: 1), familyValues: ["Triple": ["b": "2"]]), missing("Triple", "c"))
    XCTAssertEqual(
      outcome(Triple(a: 1), familyValues: ["Triple": ["b": "2", "c": "z"]]),
      "Triple(a=1, b=2, c=z)")
  }

  func testAValueEqualToThePlaceholderIsAValue() {
    XCTAssertEqual(outcome(Report(first: "")), missing("Report", "second"))
    XCTAssertEqual(
      outcome(Report(first: ""), familyValues: ["Report": ["first": "cfg", "second": "7"]]),
      "Report(first=, second=7)", "the empty first was set in code, which beats a family value")
    XCTAssertEqual(outcome(Count(n: 0)), "Count(n=0)")
  }

  func testReadingRequiredElsewhereChangesNoParameter() {
    // Exercise 5's suite once wrote this; it must not make the next parameter required.
    let stray: Day? = Day(parameterText: "not a day") ?? .required
    XCTAssertNil(stray)
    XCTAssertEqual(outcome(Count(n: 0)), "Count(n=0)")
    _ = Day(parameterText: "not a day") ?? .required
    XCTAssertEqual(outcome(Count(n: 5)), "Count(n=5)")
  }

  func testAnOptionalParameterMayBeRequired() {
    XCTAssertEqual(outcome(Since()), missing("Since", "until"))
    XCTAssertEqual(
      outcome(Since(), familyValues: ["Since": ["until": "None"]]), "Since(until=None)")
    XCTAssertEqual(
      outcome(Since(until: Day(year: 2024, month: 1, day: 3))), "Since(until=2024-01-03)")
    XCTAssertEqual(outcome(Since(until: Day?.none)), "Since(until=None)", "None given in code is a value")
    XCTAssertEqual(outcome(Since(until: nil)), missing("Since", "until"), "nil is the argument left out")
    XCTAssertEqual(ParameterSchema.declarations(of: Since.self).map(\.defaultText), [nil])
  }

  func testAnOptionalParameterDefaultingToNilIsOptional() {
    XCTAssertEqual(outcome(Maybe()), "Maybe(until=None)")
    XCTAssertEqual(
      outcome(Maybe(until: Day(year: 2024, month: 1, day: 3))), "Maybe(until=2024-01-03)")
    XCTAssertEqual(ParameterSchema.declarations(of: Maybe.self).map(\.defaultText), ["None"])
  }

  func testTheCommandLineSetsARequiredOptionalParameter() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let command = PipelineCommand(name: "required-test", tasks: [Since.self, Maybe.self])
    func invoke(_ arguments: String...) -> (code: Int32, errors: [String]) {
      try? FileManager.default.removeItem(atPath: folder.path(of: "ran.txt"))
      var errors: [String] = []
      let code = command.run(
        arguments: arguments, workingDirectory: folder.path, environment: folder.environment,
        standardOutput: { _ in }, standardError: { errors.append($0) })
      return (code, errors.filter { !$0.hasPrefix("plumb: ") })
    }
    let refused = invoke("Since")
    XCTAssertNotEqual(refused.code, 0)
    XCTAssertEqual(refused.errors, ["required-test: error: " + missing("Since", "until")])
    XCTAssertEqual(invoke("Since", "--until", "None").code, 0)
    XCTAssertEqual(folder.contents(of: "ran.txt"), "Since(until=None)")
    XCTAssertEqual(invoke("Since", "--until", "2024-01-03").code, 0)
    XCTAssertEqual(folder.contents(of: "ran.txt"), "Since(until=2024-01-03)")
    XCTAssertEqual(invoke("Maybe").code, 0)
    XCTAssertEqual(folder.contents(of: "ran.txt"), "Maybe(until=None)")
  }
}
