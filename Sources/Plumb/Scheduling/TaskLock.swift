import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Exclusive locks on the tasks of one working folder, held while a task runs, so that two runs of
/// a pipeline (two processes, or two `build` calls) never run the same task at once.
///
/// A lock is an `flock(2)` on a file in `$TMPDIR/plumb-locks-<user>/`, named after a hash of the
/// working folder and the task's name. Two different tasks whose names clean up to the same file
/// name only wait for each other needlessly; they still both run. The file is removed while still
/// locked, so a waiter that then locks the removed file notices (its inode no longer matches the
/// path) and tries again on a fresh one.
final class TaskLocks: Sendable {
  private let prefix: String?

  /// Locks for the tasks of `workingDirectory`. Without a usable temporary folder, every
  /// ``acquire(_:waiting:)`` returns `nil` and tasks run unlocked, as they would without this.
  init(workingDirectory: String) {
    let temporary = NSTemporaryDirectory().hasSuffix("/") ? NSTemporaryDirectory() : NSTemporaryDirectory() + "/"
    let folder = temporary + "plumb-locks-\(getuid())"
    let workingFolder = URL(fileURLWithPath: workingDirectory).standardizedFileURL.path
    let usable = mkdir(folder, 0o700) == 0 || errno == EEXIST
    prefix = usable ? folder + "/" + MD5.hex(Array(workingFolder.utf8)).prefix(12) + "-" : nil
  }

  /// Takes the lock for the task named `task`, waiting while another run holds it, and calls
  /// `waiting` once if it has to wait.
  func acquire(_ task: TaskInfo, waiting: () -> Void) -> Lock? {
    guard let prefix else { return nil }
    let path = prefix + Self.fileName(for: task.description) + ".lock"
    var waited = false
    while true {
      let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
      guard descriptor >= 0 else { return nil }
      if flock(descriptor, LOCK_EX | LOCK_NB) != 0 {
        if !waited {
          waited = true
          waiting()
        }
        while flock(descriptor, LOCK_EX) != 0 {
          guard errno == EINTR else {
            close(descriptor)
            return nil
          }
        }
      }
      var held = stat()
      var named = stat()
      if fstat(descriptor, &held) == 0, stat(path, &named) == 0, held.st_ino == named.st_ino,
        held.st_dev == named.st_dev
      {
        return Lock(descriptor: descriptor, path: path, waited: waited)
      }
      close(descriptor)
    }
  }

  /// A held lock.
  struct Lock {
    fileprivate let descriptor: Int32
    fileprivate let path: String
    /// Whether another run held the lock when this one asked, so the task may be done by now.
    let waited: Bool

    /// Removes the lock file and lets the next waiter in.
    func release() {
      unlink(path)
      close(descriptor)
    }
  }

  /// The task's name with every byte a file name should not hold replaced by `_`, cut to 200 bytes.
  private static func fileName(for name: String) -> String {
    var bytes: [UInt8] = []
    bytes.reserveCapacity(min(name.utf8.count, 200))
    for byte in name.utf8.prefix(200) {
      let isPlain =
        (byte >= 0x30 && byte <= 0x39) || (byte >= 0x41 && byte <= 0x5A) || (byte >= 0x61 && byte <= 0x7A)
        || byte == 0x2D || byte == 0x2E || byte == 0x3D || byte == 0x2C || byte == 0x28 || byte == 0x29
      bytes.append(isPlain ? byte : 0x5F)
    }
    return String(decoding: bytes, as: UTF8.self)
  }
}
