import Foundation

/// A fresh, empty temporary folder for one test: the working folder of the pipelines it runs.
public final class Workspace {
  /// The folder's absolute path.
  public let path: String

  /// Creates a new empty folder under the system's temporary folder.
  public init() throws {
    let template = FileManager.default.temporaryDirectory.path + "/plumb-kit-XXXXXX"
    var bytes = Array(template.utf8CString)
    guard let made = mkdtemp(&bytes) else {
      throw CocoaError(.fileWriteUnknown, userInfo: [NSFilePathErrorKey: template])
    }
    path = String(cString: made)
  }

  /// The absolute path of `name` inside the workspace.
  public func path(of name: String) -> String {
    path + "/" + name
  }

  /// The text of file `name`, or `nil` when it does not exist or is not text.
  public func contents(of name: String) -> String? {
    guard let data = FileManager.default.contents(atPath: path(of: name)) else { return nil }
    return String(data: data, encoding: .utf8)
  }

  /// Whether file `name` exists.
  public func contains(_ name: String) -> Bool {
    FileManager.default.fileExists(atPath: path(of: name))
  }

  /// Deletes file `name` if it is there.
  public func delete(_ name: String) {
    try? FileManager.default.removeItem(atPath: path(of: name))
  }

  /// Every file and folder in the workspace, as relative paths, sorted.
  public func listing() -> [String] {
    (FileManager.default.subpaths(atPath: path) ?? []).sorted()
  }

  /// Deletes the workspace and everything in it.
  public func remove() {
    try? FileManager.default.removeItem(atPath: path)
  }
}
