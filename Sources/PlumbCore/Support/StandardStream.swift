#if canImport(Glibc)
  import Glibc
#endif

/// Standard output or error written with `write(2)`, where a reader that went away is no error.
///
/// `FileHandle.write(_:)` stops the process when the pipe's reader has gone (`plumb … 2>&1 | head`),
/// and a run's log must not end the run: with SIGPIPE ignored, `write(2)` fails with EPIPE, and the
/// line is dropped. (Usable from inline: it is the default of a public default argument.)
@usableFromInline
package struct StandardStream: Sendable {
  let descriptor: Int32

  static let output = StandardStream(descriptor: 1)
  @usableFromInline package static let error = StandardStream(descriptor: 2)

  @usableFromInline package func write(_ text: String) {
    // A task's print() waits in stdio's buffer (all of it when standard output is a pipe), while
    // this writes at once: without the flush, a log line or the summary would come before output
    // the task printed earlier, wherever both streams end up together (`2>&1`, `make run`).
    fflush(nil)
    let bytes = Array(text.utf8)
    bytes.withUnsafeBytes { bytes in
      var offset = 0
      while offset < bytes.count {
        let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          return
        }
        offset += written
      }
    }
  }
}
