import Foundation
import Synchronization

/// The temporary folders the kit gives its test runs as TMPDIR. What a run leaves in its folder
/// (a graded test's workspace when a crash or the time limit ends the test process before the test
/// cleans up, SwiftPM's lock files) goes with the folder: at the end of the run, whatever ended it,
/// and when the kit is stopped (see `Interrupt`). A kit killed outright cannot clean up; the next
/// kit to start removes what it left.
enum RunFolders {
  /// The folders made and not removed yet.
  private static let made = Mutex<Set<String>>([])
  private static let prefix = "kit-run-"

  /// Runs `body` with a new empty folder, `kit-run-<the kit's pid>-XXXXXX` in the temporary
  /// folder, and removes the folder afterwards; `body` gets `nil` when no folder could be made.
  static func using<T>(_ body: (String?) -> T) -> T {
    let template = FileManager.default.temporaryDirectory.path + "/\(prefix)\(getpid())-XXXXXX"
    var bytes = Array(template.utf8CString)
    guard let made = mkdtemp(&bytes) else { return body(nil) }
    let folder = String(cString: made)
    _ = Self.made.withLock { $0.insert(folder) }
    defer { remove(folder) }
    return body(folder)
  }

  /// Removes every folder still there: for a kit that exits on a signal, once its children have stopped.
  static func removeAll() {
    for folder in made.withLock({ $0 }) { remove(folder) }
  }

  /// Removes the folders in `root` made by kits that no longer run.
  static func removeAbandoned(in root: String = FileManager.default.temporaryDirectory.path) {
    for name in (try? FileManager.default.contentsOfDirectory(atPath: root)) ?? [] where name.hasPrefix(prefix) {
      guard let pid = pid_t(name.dropFirst(prefix.count).prefix { $0 != "-" }), !ProcessTree.isRunning(pid)
      else { continue }
      try? FileManager.default.removeItem(atPath: root + "/" + name)
    }
  }

  private static func remove(_ folder: String) {
    try? FileManager.default.removeItem(atPath: folder)
    _ = made.withLock { $0.remove(folder) }
  }
}
