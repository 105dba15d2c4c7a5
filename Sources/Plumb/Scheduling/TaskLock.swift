import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// An exclusive lock on one task of one working folder, held while the task runs, so that two
/// runs of a pipeline (two processes, or two `build` calls) never run the same task at once.
///
/// The lock is an `flock(2)` on a file in `$TMPDIR/plumb-locks-<user>/`, named after a hash of the
/// working folder and the task id. The file is removed while still locked, so a waiter that then locks the removed
/// file notices (its inode no longer matches the path) and tries again on a fresh one.
struct TaskLock {
  private let descriptor: Int32
  private let path: String
  /// Whether another holder had the lock when this one asked, so the task may be done by now.
  let waited: Bool

  /// Takes the lock for `taskID` in `workingDirectory`, waiting while another run holds it, and
  /// calls `waiting` once if it has to wait. Returns `nil` when no lock file can be made (a
  /// read-only temporary folder, say); the task then runs unlocked, as it would without this.
  static func acquire(taskID: String, workingDirectory: String, waiting: () -> Void) -> TaskLock? {
    let temporary = NSTemporaryDirectory().hasSuffix("/") ? NSTemporaryDirectory() : NSTemporaryDirectory() + "/"
    let folder = temporary + "plumb-locks-\(getuid())"
    guard mkdir(folder, 0o700) == 0 || errno == EEXIST else { return nil }
    let workingFolder = URL(fileURLWithPath: workingDirectory).standardizedFileURL.path
    let path = folder + "/" + MD5.hex(Array(workingFolder.utf8)).prefix(16) + "-" + taskID + ".lock"
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
        return TaskLock(descriptor: descriptor, path: path, waited: waited)
      }
      close(descriptor)
    }
  }

  /// Removes the lock file and lets the next waiter in.
  func release() {
    unlink(path)
    close(descriptor)
  }
}
