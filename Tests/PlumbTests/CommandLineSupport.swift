import Foundation
import XCTest

@testable import Plumb

/// A fresh temporary folder for one command-line test: the run's working folder, its `TMPDIR`
/// (so lock files stay inside) and its config file. Deleted when the test ends.
final class CommandLineFolder {
  let path: String

  init(_ test: XCTestCase) throws {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-cli-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    let path = path
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
  }

  /// An environment without the caller's config variables, with `TMPDIR` in this folder.
  var environment: [String: String] { ["TMPDIR": path] }

  func file(_ relative: String) -> String { path + "/" + relative }

  func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: file(relative)) }

  func read(_ relative: String) throws -> String { try String(contentsOfFile: file(relative), encoding: .utf8) }

  func write(_ relative: String, _ text: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: file(relative)))
  }
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
    XCTAssertFalse(message.contains("\n"), "the error spans several lines: \(message)", file: file, line: line)
    for fragment in fragments {
      XCTAssertTrue(message.contains(fragment), "'\(fragment)' missing from: \(message)", file: file, line: line)
    }
    return message
  }
}
