import Foundation
import Plumb
import XCTest

/// A fresh temporary folder for one parameter test's runs and config files, deleted when the test ends.
struct ParameterTestFolder {
  let path: String

  init(_ test: XCTestCase) throws {
    path = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-params-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    let path = path
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
  }

  /// Writes `text` to `name` in the folder.
  func write(_ name: String, _ text: String) throws {
    try Data(text.utf8).write(to: URL(fileURLWithPath: path + "/" + name))
  }

  func read(_ name: String) throws -> String {
    try String(contentsOfFile: path + "/" + name, encoding: .utf8)
  }

  /// Quiet run options for this folder. The configuration is left `nil`, so that a run reads
  /// `plumb.cfg` and `luigi.cfg` from the folder as a real one does.
  var options: RunOptions {
    var options = RunOptions()
    options.workingDirectory = path
    options.logLevel = .error
    options.logSink = { _ in }
    return options
  }
}
