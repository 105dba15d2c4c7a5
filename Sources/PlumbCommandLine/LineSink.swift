import Foundation

/// Passes lines from any thread to a caller's closure, one call at a time, and only until closed.
///
/// ``PipelineCommand/run(arguments:workingDirectory:environment:standardOutput:standardError:)`` takes
/// a non-escaping closure, but worker threads log through ``RunOptions/logSink``. Closing the sink
/// before `run` returns drops its hold on the closure, so nothing can call it afterwards.
///
/// Unchecked Sendable, because the caller's closure is not Sendable: it is called and dropped only
/// under `lock`, so never by two threads at once, and never after ``close()``.
final class LineSink: @unchecked Sendable {
  private let lock = NSLock()
  private var write: ((String) -> Void)?

  init(_ write: @escaping (String) -> Void) {
    self.write = write
  }

  func callAsFunction(_ line: String) {
    lock.lock()
    defer { lock.unlock() }
    write?(line)
  }

  func close() {
    lock.lock()
    write = nil
    lock.unlock()
  }
}
