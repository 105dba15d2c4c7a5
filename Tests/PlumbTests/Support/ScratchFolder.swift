import Foundation
import Plumb
import XCTest

/// A fresh temporary folder for one test's pipeline runs, deleted when the test ends.
final class ScratchFolder {
  let path: String

  init(_ test: XCTestCase) throws {
    path =
      FileManager.default.temporaryDirectory
      .appendingPathComponent("plumb-test-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    let path = path
    test.addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
  }

  /// Run options for this folder: quiet, and relative paths land here.
  func options(workers: Int = 1, retries: Int = 0) -> RunOptions {
    var options = RunOptions()
    options.workingDirectory = path
    options.logLevel = .error
    options.logSink = { _ in }
    options.configuration = Configuration()
    options.workers = workers
    options.retries = retries
    return options
  }

  /// The absolute path of `relative` inside the folder.
  func file(_ relative: String) -> String { path + "/" + relative }

  func exists(_ relative: String) -> Bool { FileManager.default.fileExists(atPath: file(relative)) }

  func read(_ relative: String) throws -> String { try String(contentsOfFile: file(relative), encoding: .utf8) }

  func write(_ relative: String, _ text: String) throws {
    let url = URL(fileURLWithPath: file(relative))
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }

  /// Every file below the folder, relative to it, sorted.
  func allFiles() -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: path)
    var files: [String] = []
    while let next = enumerator?.nextObject() as? String {
      var isFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: file(next), isDirectory: &isFolder), !isFolder.boolValue {
        files.append(next)
      }
    }
    return files.sorted()
  }
}
