import Foundation
import PlumbTestSupport
import XCTest

extension TemporaryFolder {
  /// The environment for a command-line run in this folder: none of the caller's config variables,
  /// and `TMPDIR` here, so that lock files stay inside.
  var environment: [String: String] { ["TMPDIR": path] }
}

/// What one invocation printed and returned.
struct CommandOutcome {
  let code: Int32
  let output: String
  let errorLines: [String]

  /// The lines on standard error that are not the engine's log (`plumb: ...`).
  var messages: [String] { errorLines.filter { !$0.hasPrefix("plumb: ") } }

  /// Fails unless the invocation printed exactly one error line, containing every fragment, and
  /// exited with `code`. Returns the line.
  @discardableResult
  func assertError(
    code expected: Int32, _ fragments: String..., file: StaticString = #filePath, line: UInt = #line
  ) -> String {
    XCTAssertEqual(code, expected, "exit code; stderr: \(errorLines)", file: file, line: line)
    XCTAssertEqual(messages.count, 1, "one error line expected, got \(messages)", file: file, line: line)
    let message = messages.first ?? ""
    assertOneLine(message, file: file, line: line)
    for fragment in fragments {
      XCTAssertTrue(message.contains(fragment), "'\(fragment)' missing from: \(message)", file: file, line: line)
    }
    return message
  }
}
