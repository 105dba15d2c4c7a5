import Foundation

/// Lines from any thread (a run's log sink, say), kept in order for a test to read.
final class LineCollector: @unchecked Sendable {
  // `collected` is read and written only under `lock`.
  private let lock = NSLock()
  private var collected: [String] = []

  func append(_ line: String) {
    lock.lock()
    collected.append(line)
    lock.unlock()
  }

  var lines: [String] {
    lock.lock()
    defer { lock.unlock() }
    return collected
  }
}
