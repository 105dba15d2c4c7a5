import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbBuild
@testable import PlumbCommandLine
@testable import PlumbCore

/// Fails when `text` would print over several lines: it holds a line break scalar, CR+LF (one
/// Character, which `contains("\n")` misses), NEL or U+2028 and U+2029 among them.
func assertOneLine(_ text: String, file: StaticString = #filePath, line: UInt = #line) {
  let breaks = text.unicodeScalars.filter { [0x0A, 0x0B, 0x0C, 0x0D, 0x85, 0x2028, 0x2029].contains($0.value) }
  XCTAssertTrue(breaks.isEmpty, "line breaks in: \(text.debugDescription)", file: file, line: line)
}

private struct Crlf: Error, CustomStringConvertible {
  let description: String
}

final class OneLineMessageTests: XCTestCase {
  /// What users type by mistake or on purpose: Windows line ends, a paste with a line separator, a NUL.
  private let awkward = ["a\r\nb", "a\nb", "a\rb", "a\u{2028}b", "a\u{2029}b", "a\u{85}b", "a\u{0}b", "a\u{1B}[31mb"]

  func testEscapingWritesOutEveryControlCharacter() {
    XCTAssertEqual(escapingControlCharacters("a\r\nb\tc"), #"a\r\nb\tc"#)
    XCTAssertEqual(escapingControlCharacters("a\u{0}b\u{7F}c\u{85}d\u{9F}"), #"a\u{0}b\u{7F}c\u{85}d\u{9F}"#)
    XCTAssertEqual(escapingControlCharacters("\u{2028}\u{2029}\u{1B}"), #"\u{2028}\u{2029}\u{1B}"#)
    XCTAssertEqual(escapingControlCharacters("plain ünïcödé, \"quoted\" \\n"), "plain ünïcödé, \"quoted\" \\n")
    XCTAssertEqual(escapingControlCharacters("\n\u{301}"), #"\n"# + "\u{301}", "a mark on a newline is kept")
    for text in awkward {
      let escaped = escapingControlCharacters(text)
      assertOneLine(escaped)
      XCTAssertEqual(escapingControlCharacters(escaped), escaped, "escaping twice changes nothing")
    }
  }

  func testJoiningLinesSplitsOnEveryLineBreakScalar() {
    XCTAssertEqual(joiningLines("disk full\r\nwhile writing\u{2028}out.txt\n"), "disk full while writing out.txt")
    XCTAssertEqual(joiningLines("a\u{85}b\u{2029}c\u{B}d\u{C}e\rf"), "a b c d e f")
    XCTAssertEqual(joiningLines("one line"), "one line")
  }

  func testDescribeGivesOneLineForAnyErrorText() {
    XCTAssertEqual(Crlf(description: "first\r\nsecond\u{2028}third").oneLineDescription, "first second third")
    for text in awkward { assertOneLine(Crlf(description: text).oneLineDescription) }
  }

  func testFoundationsFileErrorsSayWhatAndWhichFile() {
    let missing = NSTemporaryDirectory() + "no-such-folder-\(UUID().uuidString)/plays.tsv"
    XCTAssertThrowsError(try String(contentsOfFile: missing, encoding: .utf8)) { error in
      XCTAssertEqual(error.oneLineDescription, "The file doesn’t exist: \(missing)")
    }
  }

  func testEveryErrorTypeKeepsUserTextOnOneLine() {
    for text in awkward {
      let errors: [any Error] = [
        ParameterError.missing(family: "Greet" + text, parameter: text, flag: "--" + text),
        ParameterError.malformed(family: "Greet", parameter: "name", value: text, expected: "x", source: "--" + text),
        ParameterError.unknown(family: "Greet", flag: "--" + text, known: ["--name"]),
        CommandLineError.unknownTask(text, known: ["Greet"], suggestion: nil),
        CommandLineError.unexpectedArgument(text, task: "Greet"),
        CommandLineError.unknownOption("--" + text, taskExample: "x", helpCommand: "y", suggestion: nil),
        CommandLineError.missingValue(flag: "--" + text, expected: "x"),
        CommandLineError.invalidValue(flag: "--workers", value: text, expected: "x"),
        ConfigurationError(source: "dir\(text)/plumb.cfg", line: 3, problem: "found '\(text)'"),
        PipelineError.cycle(["A(name=\(text))", "B()", "A(name=\(text))"]),
        PipelineError.ambiguousTask("A(name=\(text))", difference: text),
        TargetError.notText(path: "out\(text).txt"),
        TargetError.unreadable(path: "out\(text).txt", reason: "is gone"),
        TargetError.io(path: "out\(text).txt", operation: "rename", code: 2),
      ]
      for error in errors {
        let message = "\(error)"
        assertOneLine(message)
        XCTAssertFalse(message.unicodeScalars.contains { $0.value == 0 || $0.value == 0x1B }, message.debugDescription)
        XCTAssertTrue(message.contains(escapingControlCharacters(text)), "\(message) shows what was typed")
      }
    }
  }
}

/// A task whose name carries a line break in a parameter value.
private struct Shout: PipelineTask {
  @Parameter(help: "what to say") var words: String = ""
  func output() -> LocalTarget { LocalTarget("shout.txt") }
  func run() throws { try output().write(words) }
}

final class OneLineLogTests: XCTestCase {
  func testLogLinesStayOneLineWhateverAParameterHolds() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let lines = LineCollector()
    var options = folder.options()
    options.logLevel = .info
    options.logSink = { lines.append($0) }

    XCTAssertTrue(try build([Shout(words: "a\r\nb\u{2028}c")], options: options).success)

    XCTAssertTrue(lines.lines.contains("plumb: running Shout(words=a\\r\\nb\\u{2028}c)"), "\(lines.lines)")
    for line in lines.lines {
      XCTAssertFalse(line.unicodeScalars.contains { $0 == "\n" || $0 == "\r" || $0 == "\u{2028}" }, line)
    }
  }
}
