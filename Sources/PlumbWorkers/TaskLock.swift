import Foundation
import PlumbCore

#if canImport(Glibc)
  import Glibc
#endif

/// Exclusive locks on the tasks of one working folder, held while a task is checked and run, so
/// that two runs of a pipeline (two processes, or two `build` calls in one) never run the same task:
/// the second waits, then finds the task complete.
///
/// All the tasks of a folder share one lock file, `$TMPDIR/plumb-locks-<uid>/<folder hash>.tasks`,
/// and each task locks one byte of it, at an offset made from a hash of the task's name: an
/// open-file-description lock (`F_OFD_SETLK`), which belongs to the run's own descriptor, so two runs
/// in one process exclude each other as two processes do, and which the kernel drops when a process
/// ends, however it ends. Taking and releasing a task's lock is one system call each.
///
/// Every run holds a shared lock on byte 0 while it uses the file. A run that starts removes the
/// lock files no run holds (it can take byte 0 exclusively), so the folder keeps one file per
/// folder being run in, not one per folder ever run in; a run that opened a file just before it was
/// removed notices (the file's inode no longer matches the path) and opens a fresh one.
final class TaskLocks: Sendable {
  private let descriptor: Int32

  /// Locks for the tasks of `workingDirectory`, or `nil` without a usable temporary folder: tasks
  /// then run unlocked, as they would with `--no-lock`.
  init?(workingDirectory: String) {
    guard let folder = LockFolder.path() else { return nil }
    let name = Self.fileName(for: workingDirectory)
    LockFolder.removeUnused(in: folder, except: name)
    guard let descriptor = Self.openSharing(folder + "/" + name) else { return nil }
    self.descriptor = descriptor
  }

  deinit { close(descriptor) }

  /// Opens the lock file at `path` holding the shared lock on byte 0, retrying if the file it
  /// opened was removed before the lock was taken.
  /// The name of the lock file of the tasks of `workingDirectory`, in the lock folder.
  static func fileName(for workingDirectory: String) -> String {
    let workingFolder = URL(fileURLWithPath: workingDirectory).standardizedFileURL.path
    return String(MD5.hex(Array(workingFolder.utf8)).prefix(16)) + ".tasks"
  }

  private static func openSharing(_ path: String) -> Int32? {
    while true {
      let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o600)
      guard descriptor >= 0 else { return nil }
      guard LockFolder.lock(descriptor, type: F_RDLCK, at: 0, waiting: true) else {
        close(descriptor)
        return nil
      }
      if LockFolder.isStillAt(path, descriptor) { return descriptor }
      close(descriptor)
    }
  }

  /// Takes the lock for the task named `task`, waiting while another run holds it, and calls
  /// `waiting` once if it has to wait. `nil` if the system refuses the lock (the task then runs
  /// unlocked, as it would without locks).
  func acquire(_ task: TaskInfo, waiting: () -> Void) -> Lock? {
    let offset = Self.offset(of: task)
    if LockFolder.lock(descriptor, type: F_WRLCK, at: offset, waiting: false) {
      return Lock(descriptor: descriptor, offset: offset, waited: false)
    }
    guard errno == EAGAIN || errno == EACCES else { return nil }
    waiting()
    guard LockFolder.lock(descriptor, type: F_WRLCK, at: offset, waiting: true) else { return nil }
    return Lock(descriptor: descriptor, offset: offset, waited: true)
  }

  /// A held lock.
  struct Lock {
    fileprivate let descriptor: Int32
    fileprivate let offset: Int
    /// Whether another run held the lock when this one asked.
    let waited: Bool

    /// Lets the next waiter in.
    func release() {
      _ = LockFolder.lock(descriptor, type: F_UNLCK, at: offset, waiting: false)
    }
  }

  /// The byte that stands for `task`: from 1 up, since byte 0 marks the file as in use. Two tasks
  /// whose names hash alike only wait for each other needlessly; both still run.
  private static func offset(of task: TaskInfo) -> Int {
    // FNV-1a over the name's parts, each followed by a 0 byte so that parts cannot run together.
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    func add(_ text: String) {
      for byte in text.utf8 { hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3 }
      hash = hash &* 0x100_0000_01b3
    }
    add(task.family)
    for parameter in task.parameters {
      add(parameter.name)
      add(parameter.value)
    }
    return 1 + Int(hash >> 2)
  }
}
