import Foundation
import XCTest

extension XCTestCase {
  /// A fresh empty folder for this test, deleted when the test ends.
  func makeScratchFolder() throws -> String {
    let path = FileManager.default.temporaryDirectory
      .appendingPathComponent("plumb-tests-\(UUID().uuidString)").path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    addTeardownBlock { try? FileManager.default.removeItem(atPath: path) }
    return path
  }

  /// Every file below `folder`, as paths relative to it, sorted.
  func filesBelow(_ folder: String) -> [String] {
    let enumerator = FileManager.default.enumerator(atPath: folder)
    var files: [String] = []
    while let path = enumerator?.nextObject() as? String {
      var isFolder: ObjCBool = false
      if FileManager.default.fileExists(atPath: folder + "/" + path, isDirectory: &isFolder), !isFolder.boolValue {
        files.append(path)
      }
    }
    return files.sorted()
  }
}
