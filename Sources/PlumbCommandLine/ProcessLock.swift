import Foundation
import PlumbCore
import PlumbWorkers

#if canImport(Glibc)
  import Glibc
#endif

/// Luigi's process lock: the same command line in the same folder runs once at a time.
///
/// An exclusive `flock` on a file in the lock folder (`$TMPDIR/plumb-locks-<uid>/`) whose name is
/// a hash of the program, the folder and the arguments. The kernel drops the lock when the process
/// ends, however it ends, so a crashed run never blocks the next one. The file is removed when the
/// lock is released, and a crashed run's file when a later run starts, so the folder does not
/// fill up with one file per command line ever typed. An invocation that locked a file just as it
/// was removed notices (the path names another file now) and tries again.
final class ProcessLock {
  /// The lock file.
  let path: String
  private var descriptor: Int32

  private init(path: String, descriptor: Int32) {
    self.path = path
    self.descriptor = descriptor
  }

  /// The lock file for a command line, in the lock folder under `TMPDIR` (from `environment`) or `/tmp`.
  static func path(program: String, directory: String, arguments: [String], environment: [String: String]) -> String {
    let folder = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
    let key = ([program, folder] + arguments).joined(separator: "\u{0}")
    let name = "command-\(MD5.hex(Array(key.utf8)).prefix(16)).lock"
    if let locks = LockFolder.path(environment: environment) { return locks + "/" + name }
    let temporary = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    return temporary + "/plumb-" + name
  }

  /// Takes the lock at `path`, or throws ``CommandLineError/alreadyRunning(program:lockPath:holder:)``
  /// naming the process that holds it.
  static func acquire(path: String, program: String) throws -> ProcessLock {
    if let folder = path.range(of: "/", options: .backwards).map({ String(path[..<$0.lowerBound]) }) {
      LockFolder.removeUnused(in: folder, except: (path as NSString).lastPathComponent)
    }
    while true {
      let descriptor = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0o644)
      guard descriptor >= 0 else {
        throw CommandLineError.lockUnavailable(path: path, reason: String(cString: strerror(errno)))
      }
      guard flock(descriptor, LOCK_EX | LOCK_NB) == 0 else {
        let code = errno
        let holder = code == EWOULDBLOCK ? holder(of: descriptor) : nil
        close(descriptor)
        if code == EWOULDBLOCK {
          throw CommandLineError.alreadyRunning(program: program, lockPath: path, holder: holder)
        }
        throw CommandLineError.lockUnavailable(path: path, reason: String(cString: strerror(code)))
      }
      guard LockFolder.isStillAt(path, descriptor) else {
        close(descriptor)
        continue
      }
      // The holder's process id, for the message another invocation prints.
      let pid = Array("\(getpid())\n".utf8)
      if ftruncate(descriptor, 0) == 0 {
        _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
      }
      return ProcessLock(path: path, descriptor: descriptor)
    }
  }

  /// Lets the next invocation run, removing the lock file while still holding it.
  func release() {
    guard descriptor >= 0 else { return }
    unlink(path)
    close(descriptor)
    descriptor = -1
  }

  deinit { release() }

  private static func holder(of descriptor: Int32) -> String? {
    var buffer = [UInt8](repeating: 0, count: 32)
    let count = buffer.withUnsafeMutableBytes { pread(descriptor, $0.baseAddress, $0.count, 0) }
    guard count > 0 else { return nil }
    let text = String(decoding: buffer[..<count], as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
    return text.isEmpty ? nil : text
  }
}
