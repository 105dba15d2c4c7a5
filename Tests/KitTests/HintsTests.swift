import XCTest

@testable import kit

/// `make hint` shows one more hint per call, so the first call must not print the whole solution.
final class HintsTests: XCTestCase {
  let exercise = Exercise(number: 4, folder: "4-dependencies")

  func testSplitsNumberedHintsKeepingTheirIndentedLinesAndCode() {
    let text = """
      1. `output()` must return a `LocalTarget`.
         The stub's `NoOutput` means "no outputs".
      2. The write looks like this:
         ```swift
         try output().write { file in
           file.write("Hello ")
         }
         ```
      10. A tenth hint.

      """
    let hints = Hints.split(text)
    XCTAssertEqual(hints.count, 3)
    XCTAssertEqual(
      hints[0], "1. `output()` must return a `LocalTarget`.\n   The stub's `NoOutput` means \"no outputs\".")
    XCTAssertTrue(hints[1].hasSuffix("   ```"))
    XCTAssertEqual(hints[2], "10. A tenth hint.")
    XCTAssertEqual(Hints.split("Read the README again.\nThen the TODO."), ["Read the README again.\nThen the TODO."])
  }

  func testEveryExercisesHintsFileHasSeveralHints() throws {
    for exercise in Exercise.all() {
      let text = try String(contentsOfFile: exercise.hintsPath, encoding: .utf8)
      XCTAssertGreaterThan(Hints.split(text).count, 1, exercise.hintsPath)
    }
  }

  func testThePageShowsTheHintsSoFarAndSaysHowManyRemain() {
    let hints = ["1. first", "2. second", "3. third"]
    let first = Hints.page(hints, shown: 1, newest: 1, for: exercise)
    XCTAssertTrue(first.hasPrefix("Hint 1 of 3 for exercise 4, "))
    XCTAssertTrue(first.contains("1. first"))
    XCTAssertFalse(first.contains("2. second"))
    XCTAssertTrue(
      first.contains(
        "That was hint 1 of 3; 2 more: `make hint N=4` again for the next, `make hint N=4 ALL=1` for all."))
    XCTAssertTrue(first.hasSuffix("  Then: make check N=4"))

    let second = Hints.page(hints, shown: 2, newest: 2, for: exercise)
    XCTAssertTrue(second.hasPrefix("Hints 1–2 of 3 for exercise 4, "))
    XCTAssertTrue(second.contains("1. first\n2. second\n"))
    XCTAssertTrue(second.contains("That was hint 2 of 3; 1 more:"))

    let all = Hints.page(hints, shown: 3, newest: nil, for: exercise)
    XCTAssertTrue(all.hasPrefix("All 3 hints for exercise 4, "))
    XCTAssertTrue(
      all.contains("That is every hint (3 of 3). Still stuck? make solution N=4 shows the solution."))
  }

  func testTheCountShownIsRememberedPerExerciseAndCanStartOver() throws {
    let folder = FileManager.default.temporaryDirectory.appendingPathComponent("kit-hints-\(UUID())").path
    defer { try? FileManager.default.removeItem(atPath: folder) }
    let path = folder + "/hints"
    XCTAssertEqual(Hints.Seen.load(from: path).count(for: 4), 0)

    var seen = Hints.Seen.load(from: path)
    seen.set(2, for: 4)
    seen.set(5, for: 6)
    seen.save(to: path)
    XCTAssertEqual(try String(contentsOfFile: path, encoding: .utf8), "4\t2\n6\t5\n")
    XCTAssertEqual(Hints.Seen.load(from: path).count(for: 4), 2)
    XCTAssertEqual(Hints.Seen.load(from: path).count(for: 6), 5)

    try Data("garbled\n4\tmany\n".utf8).write(to: URL(fileURLWithPath: path))
    XCTAssertEqual(Hints.Seen.load(from: path).count(for: 4), 0)
  }
}
