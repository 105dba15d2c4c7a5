import Foundation
import PlumbCore

/// Writes a run's log lines: short, one per event, prefixed `plumb:`.
///
/// Worker threads log at the same time; the sink gets one line at a time, as observers get one
/// event at a time, so a sink that collects lines needs no locking of its own.
package struct RunLog {
  package let level: LogLevel
  private let sink: @Sendable (String) -> Void
  private let lock = NSLock()

  package init(level: LogLevel, sink: @escaping @Sendable (String) -> Void) {
    self.level = level
    self.sink = sink
  }

  package func info(_ message: @autoclosure () -> String) {
    if level >= .info { write("plumb: " + message()) }
  }

  package func warning(_ message: @autoclosure () -> String) {
    if level >= .warning { write("plumb: warning: " + message()) }
  }

  package func error(_ message: @autoclosure () -> String) {
    write("plumb: error: " + message())
  }

  /// Hands `line` to the sink as one line: task names carry parameter values, which may hold any
  /// character, so control characters are written out (`\r\n` as `\r\n`).
  private func write(_ line: String) {
    let line = escapingControlCharacters(line)
    lock.lock()
    defer { lock.unlock() }
    sink(line)
  }
}
