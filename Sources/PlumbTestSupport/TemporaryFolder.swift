import Foundation
import XCTest

/// A fresh, empty temporary folder for one test: the working folder of the pipelines it runs,
/// removed when the test ends.
///
/// Names inside it are relative paths, such as `"plumb.cfg"` or `"store/models/model.json"`.
///
/// ```swift
/// let folder = try TemporaryFolder(removedAfter: self)
/// try folder.write("[Greet]\nname = Ana\n", to: "plumb.cfg")
/// var options = RunOptions()
/// options.workingDirectory = folder.path
/// _ = try build([Greet()], options: options)
/// XCTAssertEqual(folder.contents(of: "greeting.txt"), "Hello Ana\n")
/// ```
public final class TemporaryFolder: Sendable {
  /// The folder's absolute path.
  public let path: String

  /// Creates a new empty folder under the system's temporary folder, removed with everything in it
  /// when `test` ends.
  ///
  /// - Throws: `CocoaError` when the folder cannot be created.
  public init(removedAfter test: XCTestCase) throws {
    let template = FileManager.default.temporaryDirectory.path + "/plumb-test-XXXXXX"
    var bytes = Array(template.utf8CString)
    guard let made = mkdtemp(&bytes) else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: template])
    }
    path = String(cString: made)
    test.addTeardownBlock { [path] in try? FileManager.default.removeItem(atPath: path) }
  }

  /// The absolute path of `name` inside the folder.
  public func path(of name: String) -> String {
    path + "/" + name
  }

  /// The text of file `name`, or `nil` when it does not exist or is not UTF-8 text.
  public func contents(of name: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path(of: name)) else { return nil }
    return String(data: data, encoding: .utf8)
  }

  /// Whether file or folder `name` exists.
  public func contains(_ name: String) -> Bool {
    FileManager.default.fileExists(atPath: path(of: name))
  }

  /// Writes `text` to file `name`, creating the folders on its way, as if a task or the outside
  /// world had written it.
  public func write(_ text: String, to name: String) throws {
    let url = URL(fileURLWithPath: path(of: name))
    try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
    try Data(text.utf8).write(to: url)
  }

  /// Deletes file or folder `name` if it is there.
  public func delete(_ name: String) {
    try? FileManager.default.removeItem(atPath: path(of: name))
  }

  /// Every file and folder inside, as relative paths, sorted.
  public func listing() -> [String] {
    (FileManager.default.subpaths(atPath: path) ?? []).sorted()
  }

  /// Every file inside, at any depth, as relative paths, sorted; folders are left out.
  public func files() -> [String] {
    listing().filter { name in
      var isFolder: ObjCBool = false
      return FileManager.default.fileExists(atPath: path(of: name), isDirectory: &isFolder) && !isFolder.boolValue
    }
  }
}
