import Foundation
import PlumbCore
import Synchronization

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
/// A run checks a task's completeness again under its lock only when another run may have finished
/// the task since this run checked it (``othersMayHaveRun``): that takes a system call per task,
/// whereas a run alone in its folder, the common case, can know it is alone from memory. The first
/// 8 bytes of the file count the runs that ever joined it, in memory every run maps: a run adds
/// one once it holds byte 0, before it checks any task, then asks whether any other run holds byte
/// 0. If one does, it checks every task again; if none does, no run was there before it (a run
/// that joined earlier and is gone finished its tasks before this one checked any), and a run that
/// joins later adds one before checking a task, so the count tells this run when to check again.
/// Writers that are not runs of the folder holding its locks (a run with ``RunOptions/locksTasks``
/// off, another folder's run writing the same absolute path, another program) were never kept out
/// by the locks, and this check does not look for them either.
///
/// Every run holds a shared lock on byte 0 while it uses the file. A run that starts removes the
/// lock files no run holds (it can take byte 0 exclusively), so the folder keeps one file per
/// folder being run in, not one per folder ever run in; a run that opened a file just before it was
/// removed notices (the file's inode no longer matches the path) and opens a fresh one.
final class TaskLocks: Sendable {
  private let descriptor: Int32
  /// The count of runs that joined the file, mapped from its first 8 bytes; `nil` when the file
  /// cannot be mapped, and then every task is checked again. Unchecked, being shared memory that
  /// only atomic operations touch.
  nonisolated(unsafe) private let joins: UnsafeMutablePointer<Atomic<UInt64>>?
  /// The count just after this run joined.
  private let joinedAt: UInt64
  /// Whether another run held the file when this one joined.
  private let othersWereThere: Bool

  /// Locks for the tasks of `workingDirectory`, or `nil` without a usable temporary folder: tasks
  /// then run unlocked, as they would with `--no-lock`.
  init?(workingDirectory: String) {
    guard let folder = LockFolder.path() else { return nil }
    let name = Self.fileName(for: workingDirectory)
    LockFolder.removeUnused(in: folder, except: name)
    guard let descriptor = Self.openSharing(folder + "/" + name) else { return nil }
    self.descriptor = descriptor
    joins = Self.mapJoins(descriptor)
    // Counted before asking who else is there: a run that joins later either is seen holding the
    // file or counts after this run did (see the type's comment).
    joinedAt = joins?.pointee.wrappingAdd(1, ordering: .sequentiallyConsistent).newValue ?? 0
    othersWereThere = LockFolder.othersHoldByteZero(descriptor)
  }

  deinit {
    if let joins { munmap(UnsafeMutableRawPointer(joins), Self.joinsSize) }
    close(descriptor)
  }

  /// Whether a run other than this one has held the file since this one joined it, and so may have
  /// finished a task since this run found it incomplete: always when the count cannot be read.
  var othersMayHaveRun: Bool {
    guard let joins, !othersWereThere else { return true }
    return joins.pointee.load(ordering: .sequentiallyConsistent) != joinedAt
  }

  private static let joinsSize = MemoryLayout<UInt64>.size

  /// Maps the count of joined runs, growing the file to hold it (the other runs map the same bytes;
  /// the file only grows, so a run that grows it late erases nothing).
  private static func mapJoins(_ descriptor: Int32) -> UnsafeMutablePointer<Atomic<UInt64>>? {
    var info = stat()
    guard fstat(descriptor, &info) == 0 else { return nil }
    if info.st_size < joinsSize && ftruncate(descriptor, off_t(joinsSize)) != 0 { return nil }
    let mapped = mmap(nil, joinsSize, PROT_READ | PROT_WRITE, MAP_SHARED, descriptor, 0)
    guard let mapped, mapped != MAP_FAILED else { return nil }
    return mapped.bindMemory(to: Atomic<UInt64>.self, capacity: 1)
  }

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
