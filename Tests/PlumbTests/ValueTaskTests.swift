import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// Writes the word its run resolved into `word.txt`.
private struct Echo: PipelineTask {
  @Parameter(help: "the word to write") var word: String = "unset"
  func output() -> LocalTarget { LocalTarget("word.txt") }
  func run() throws { try output().write(word) }
}

/// Writes its label into a file named after the label's bytes, so that two spellings make two files.
private struct Label: PipelineTask {
  @Parameter(help: "the label") var text: String = .required
  func output() -> LocalTarget {
    LocalTarget("label-" + text.unicodeScalars.map { String($0.value, radix: 16) }.joined(separator: "-") + ".txt")
  }
  func run() throws { try output().write(text) }
}

private struct Count: PipelineTask {
  @Parameter(help: "any integer") var number: Int = .required
  func output() -> LocalTarget { LocalTarget("count.txt") }
  func run() throws { try output().write("\(number)") }
}

private enum Speed: String, CaseIterable, RequirableParameterValue { case slow, fast }

private struct Drive: PipelineTask {
  @Parameter(help: "how fast") var speed: Speed = .required
  func output() -> LocalTarget { LocalTarget("drive-\(speed).txt") }
  func run() throws { try output().write(speed.rawValue) }
}

/// Makes targets from child tasks of its asynchronous run, which inherit the run's context.
private struct Spread: PipelineTask {
  func output() -> LocalTarget { LocalTarget("spread.txt") }
  func run() async throws {
    async let child = LocalTarget("child.txt").path
    let unstructured = await Task { LocalTarget("unstructured.txt").path }.value
    let detached = await Task.detached { LocalTarget("detached.txt").path }.value
    try output().write([await child, unstructured, detached].joined(separator: "\n"))
  }
}

final class ValueTaskTests: XCTestCase {
  func testOneTaskValueBuiltByTwoConcurrentRunsGivesEachRunItsOwnValues() async throws {
    let echo = Echo()
    for trial in 1...50 {
      let first = try TemporaryFolder(removedAfter: self)
      let second = try TemporaryFolder(removedAfter: self)
      var firstOptions = first.options()
      firstOptions.configuration = try Configuration(text: "[Echo]\nword = first-\(trial)\n")
      var secondOptions = second.options()
      secondOptions.configuration = try Configuration(text: "[Echo]\nword = second-\(trial)\n")

      let (firstReady, secondReady) = (firstOptions, secondOptions)
      async let firstRun = build([echo], options: firstReady)
      async let secondRun = build([echo], options: secondReady)
      let results = try await [firstRun, secondRun]

      XCTAssertEqual(results.map(\.success), [true, true])
      XCTAssertEqual(first.contents(of: "word.txt"), "first-\(trial)", "trial \(trial)")
      XCTAssertEqual(second.contents(of: "word.txt"), "second-\(trial)", "trial \(trial)")
    }
    XCTAssertEqual(echo.word, "unset", "the runs changed the value they were given")
  }

  func testStringsThatSwiftCallsEqualButWhoseBytesDifferAreTwoTasks() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let composed = Label(text: "caf\u{e9}")
    let decomposed = Label(text: "cafe\u{301}")
    XCTAssertEqual(composed.text, decomposed.text, "the premise: Swift compares strings canonically")

    let result = try build([composed, decomposed], options: folder.options())

    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(result.records.count, 2)
    XCTAssertEqual(folder.files(), ["label-63-61-66-65-301.txt", "label-63-61-66-e9.txt"])
    XCTAssertNotEqual(TaskInfo(composed), TaskInfo(decomposed))
    XCTAssertNotEqual(TaskInfo(composed).id, TaskInfo(decomposed).id)
    XCTAssertEqual(result.record(of: decomposed)?.info.parameters.first?.value.unicodeScalars.count, 5)
  }

  func testEveryIntegerIsALegalValueOfARequiredParameter() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    var errors: [String] = []
    let code = PipelineCommand(name: "count", tasks: [Count.self]).run(
      arguments: ["Count", "--number", "-9223372036854775808", "--no-lock", "--quiet"], workingDirectory: folder.path,
      standardOutput: { _ in }, standardError: { errors.append($0) })
    XCTAssertEqual(errors, [])
    XCTAssertEqual(code, 0)
    XCTAssertEqual(folder.contents(of: "count.txt"), "-9223372036854775808")

    folder.delete("count.txt")
    XCTAssertTrue(try build([Count(number: .min)], options: folder.options()).success)
    XCTAssertEqual(folder.contents(of: "count.txt"), "-9223372036854775808")
    XCTAssertTrue(try build([Count(number: 0)], options: folder.options()).success, "0 is the placeholder's value")
  }

  func testARequiredParameterWithoutAValueIsStillRefused() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    XCTAssertThrowsError(try build([Count()], options: folder.options())) { error in
      XCTAssertEqual(error as? ParameterError, .missing(family: "Count", parameter: "number", flag: "--number"))
    }
    XCTAssertEqual(folder.files(), [])
  }

  func testAChoiceCanBeRequired() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    XCTAssertThrowsError(try build([Drive()], options: folder.options()))
    XCTAssertTrue(try build([Drive(speed: .slow)], options: folder.options()).success)
    XCTAssertEqual(folder.files(), ["drive-slow.txt"])
  }

  func testChildTasksOfARunSeeItsFolderButDetachedOnesDoNot() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    XCTAssertTrue(try build([Spread()], options: folder.options()).success)
    let processFolder = FileManager.default.currentDirectoryPath
    XCTAssertEqual(
      folder.contents(of: "spread.txt")?.split(separator: "\n").map(String.init),
      [folder.path(of: "child.txt"), folder.path(of: "unstructured.txt"), processFolder + "/detached.txt"])
  }
}
