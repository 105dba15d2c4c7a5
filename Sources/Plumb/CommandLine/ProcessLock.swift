import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Luigi's process lock: the same command line in the same folder runs once at a time.
///
/// An exclusive `flock` on a file in the temporary folder whose name is a hash of the program, the
/// folder and the arguments. The kernel drops the lock when the process ends, however it ends, so a
/// crashed run never blocks the next one. The file is left in place: removing it would let a
/// third process lock a new file while a second still holds the old one.
final class ProcessLock {
  /// The lock file.
  let path: String
  private var descriptor: Int32

  private init(path: String, descriptor: Int32) {
    self.path = path
    self.descriptor = descriptor
  }

  /// The lock file for a command line, in `TMPDIR` (from `environment`) or `/tmp`.
  static func path(program: String, directory: String, arguments: [String], environment: [String: String]) -> String {
    let folder = URL(fileURLWithPath: directory).resolvingSymlinksInPath().path
    let key = ([program, folder] + arguments).joined(separator: "\u{0}")
    let temporary = environment["TMPDIR"].flatMap { $0.isEmpty ? nil : $0 } ?? "/tmp"
    return "\(temporary)/plumb-\(MD5.hex(Array(key.utf8)).prefix(16)).lock"
  }

  /// Takes the lock at `path`, or throws ``CommandLineError/alreadyRunning(program:lockPath:holder:)``
  /// naming the process that holds it.
  static func acquire(path: String, program: String) throws -> ProcessLock {
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
    // The holder's process id, for the message another invocation prints.
    let pid = Array("\(getpid())\n".utf8)
    if ftruncate(descriptor, 0) == 0 {
      _ = pid.withUnsafeBytes { pwrite(descriptor, $0.baseAddress, $0.count, 0) }
    }
    return ProcessLock(path: path, descriptor: descriptor)
  }

  /// Lets the next invocation run.
  func release() {
    guard descriptor >= 0 else { return }
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
