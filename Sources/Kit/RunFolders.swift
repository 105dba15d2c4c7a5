import Foundation
import Synchronization

/// The temporary folders the kit gives its test runs as TMPDIR. What a run leaves in its folder
/// (a graded test's workspace when a crash or the time limit ends the test process before the test
/// cleans up, SwiftPM's lock files) goes with the folder: at the end of the run, whatever ended it,
/// and when the kit is stopped (see `Interrupt`). A kit killed outright cannot clean up; the next
/// kit to start removes what it left.
enum RunFolders {
  /// The folders made and not removed yet, and whether the kit is exiting (``removeAll()``).
  private static let state = Mutex<(made: Set<String>, isClosed: Bool)>(([], false))
  private static let prefix = "kit-run-"

  /// Runs `body` with a new empty folder, `kit-run-<the kit's pid>-XXXXXX` in the temporary
  /// folder, and removes the folder afterwards; `body` gets `nil` when no folder could be made.
  ///
  /// Once the kit is exiting on a signal, the calling thread waits here for the exit instead: the
  /// step after a stopped one (a second build, the tests) would otherwise make a folder, and start
  /// a child, after the exit's clean-up had run.
  static func using<T>(_ body: (String?) -> T) -> T {
    let template = FileManager.default.temporaryDirectory.path + "/\(prefix)\(getpid())-XXXXXX"
    var bytes = Array(template.utf8CString)
    let folder = state.withLock { state -> String?? in
      guard !state.isClosed else { return .none }
      guard let made = mkdtemp(&bytes) else { return .some(nil) }
      let folder = String(cString: made)
      state.made.insert(folder)
      return .some(folder)
    }
    guard let folder else { waitForTheExit() }
    guard let folder else { return body(nil) }
    defer { remove(folder) }
    return body(folder)
  }

  /// Removes every folder still there, and makes no more: for a kit that exits on a signal, once
  /// its children have stopped.
  static func removeAll() {
    let made = state.withLock { state in
      state.isClosed = true
      return state.made
    }
    for folder in made { remove(folder) }
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
    _ = state.withLock { $0.made.remove(folder) }
  }

  /// Parks the calling thread until the exit under way ends the process.
  private static func waitForTheExit() -> Never {
    while true { pause() }
  }
}
