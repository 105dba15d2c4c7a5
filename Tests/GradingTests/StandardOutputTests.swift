import Foundation
import XCTest

@testable import Grading

/// What the grader keeps of what the tasks print: all of a normal output, the start and the end of
/// an endless one, and no file anywhere.
final class StandardOutputTests: XCTestCase {
  func testAnOutputIsKeptWhole() {
    let (result, printed) = capturingStandardOutput { () -> Int in
      print("Hello World")
      return 7
    }
    XCTAssertEqual(result, 7)
    XCTAssertEqual(printed, "Hello World\n")
  }

  func testAnOverLongOutputKeepsItsStartAndEndAndSaysHowMuchWasCut() {
    let lines = (0..<200_000).map { "line \($0)\n" }
    let total = lines.reduce(0) { $0 + $1.utf8.count }
    let (_, printed) = capturingStandardOutput {
      for line in lines { print(line, terminator: "") }
    }
    XCTAssertTrue(printed.hasPrefix("line 0\nline 1\nline 2\n"), String(printed.prefix(40)))
    XCTAssertTrue(printed.hasSuffix("line 199998\nline 199999\n"), String(printed.suffix(40)))
    let start = printed.utf8.prefix(KeptOutput.shownWhenCut).count
    let end = printed.utf8.suffix(KeptOutput.shownWhenCut).count
    XCTAssertTrue(
      printed.contains("[… \(total - start - end) bytes cut: the output had \(total) bytes in all …]"),
      String(printed.prefix(600)))
    XCTAssertLessThan(printed.utf8.count, 2 * KeptOutput.shownWhenCut + 100)
  }

  func testACutNeverSplitsACharacter() {
    let (_, printed) = capturingStandardOutput {
      print("a" + String(repeating: "é", count: 100_000), terminator: "")
    }
    XCTAssertFalse(printed.contains("\u{FFFD}"), "a character was split")
    XCTAssertTrue(printed.hasPrefix("aé"))
    XCTAssertTrue(printed.hasSuffix("éé"))
  }

  /// The capture once went through `plumb-kit-output-<pid>-<n>` in the temporary folder, which a
  /// crash or a stopped run left behind.
  func testTheCaptureMakesNoFile() throws {
    let folder = FileManager.default.temporaryDirectory.path
    let (made, _) = capturingStandardOutput {
      print("written while captured")
      return ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
        .filter { $0.hasPrefix("plumb-kit-output-\(getpid())-") }
    }
    XCTAssertEqual(made, [])
  }

  func testALongQuotedTextShowsItsStartAndEnd() {
    let text = "<" + String(repeating: "x", count: 5000) + ">"
    XCTAssertEqual(
      Feedback.quoted(text),
      "\"<" + String(repeating: "x", count: 499) + "\" … 4002 characters cut … \"" + String(repeating: "x", count: 499)
        + ">\"")
    XCTAssertEqual(Feedback.quoted("short\n"), "\"short\\n\"")
  }
}
