import Foundation
import PlumbTestSupport
import XCTest

extension TemporaryFolder {
  /// The lines `script` prints, run by the venv's Python (Luigi 3.8.1, installed by
  /// `make luigid-venv`) in this folder, with no Luigi config file of the environment's; fails the
  /// test with Python's errors when the script fails.
  func runLuigi(_ script: String, file: StaticString = #filePath, line: UInt = #line) throws -> [String] {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: LuigidServer.python)
    process.arguments = ["-c", script]
    process.currentDirectoryURL = URL(fileURLWithPath: path)
    process.environment = ProcessInfo.processInfo.environment.filter { !$0.key.hasSuffix("_CONFIG_PATH") }
    let output = Pipe()
    let errors = Pipe()
    process.standardOutput = output
    process.standardError = errors
    try process.run()
    let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    let problems = String(decoding: errors.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
    process.waitUntilExit()
    XCTAssertEqual(
      process.terminationStatus, 0, "Luigi's side failed (run `make luigid-venv` once): \(problems)", file: file,
      line: line)
    return text.split(separator: "\n", omittingEmptySubsequences: false).dropLast().map(String.init)
  }
}
