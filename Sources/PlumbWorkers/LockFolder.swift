import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// The folder where runs keep their lock files, `$TMPDIR/plumb-locks-<uid>/`, and the locking
/// calls that ``TaskLocks`` and the command line's process lock share.
package enum LockFolder {
  /// Linux's open-file-description locks: owned by a descriptor, not by the whole process.
  private static let setLock: Int32 = 37  // F_OFD_SETLK
  private static let setLockWaiting: Int32 = 38  // F_OFD_SETLKW
  private static let getLock: Int32 = 36  // F_OFD_GETLK

  /// The folder, created (readable by this user only) if missing; `nil` if it cannot be used.
  package static func path(environment: [String: String] = ProcessInfo.processInfo.environment) -> String? {
    let temporary = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    let folder = (temporary.hasSuffix("/") ? String(temporary.dropLast()) : temporary) + "/plumb-locks-\(getuid())"
    return mkdir(folder, 0o700) == 0 || errno == EEXIST ? folder : nil
  }

  /// Takes (`F_RDLCK`, `F_WRLCK`) or releases (`F_UNLCK`) the lock on the byte at `offset`, waiting
  /// for it if `waiting`; false with `errno` set when it is not taken.
  static func lock(_ descriptor: Int32, type: Int32, at offset: Int, waiting: Bool) -> Bool {
    var request = Glibc.flock()
    request.l_type = Int16(type)
    request.l_whence = Int16(SEEK_SET)
    request.l_start = off_t(offset)
    request.l_len = 1
    while fcntl(descriptor, waiting ? setLockWaiting : setLock, &request) != 0 {
      guard errno == EINTR else { return false }
    }
    return true
  }

  /// Whether a descriptor other than `descriptor` (another run, in this process or another) holds
  /// a lock on byte 0 of its file; `true` when the system cannot tell.
  static func othersHoldByteZero(_ descriptor: Int32) -> Bool {
    var request = Glibc.flock()
    request.l_type = Int16(F_WRLCK)
    request.l_whence = Int16(SEEK_SET)
    request.l_start = 0
    request.l_len = 1
    guard fcntl(descriptor, getLock, &request) == 0 else { return true }
    return request.l_type != Int16(F_UNLCK)
  }

  /// Whether `path` still names the file open at `descriptor` (it was not removed and replaced).
  package static func isStillAt(_ path: String, _ descriptor: Int32) -> Bool {
    var held = stat()
    var named = stat()
    return fstat(descriptor, &held) == 0 && stat(path, &named) == 0 && held.st_ino == named.st_ino
      && held.st_dev == named.st_dev
  }

  /// Removes the task-lock files in `folder` that no run is using (no shared lock on byte 0),
  /// other than `kept`, and the files of earlier Plumb versions that nobody holds.
  package static func removeUnused(in folder: String, except kept: String) {
    guard let names = try? FileManager.default.contentsOfDirectory(atPath: folder) else { return }
    for name in names where name != kept && (name.hasSuffix(".tasks") || name.hasSuffix(".lock")) {
      let path = folder + "/" + name
      let descriptor = open(path, O_RDWR | O_CLOEXEC)
      guard descriptor >= 0 else { continue }
      // Process locks and the task locks of earlier versions lock whole files with flock(2).
      let isUnused =
        name.hasSuffix(".tasks")
        ? lock(descriptor, type: F_WRLCK, at: 0, waiting: false) : flock(descriptor, LOCK_EX | LOCK_NB) == 0
      if isUnused { unlink(path) }
      close(descriptor)
    }
  }
}
