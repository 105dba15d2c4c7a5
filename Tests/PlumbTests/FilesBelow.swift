import Foundation
import XCTest

extension XCTestCase {
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
