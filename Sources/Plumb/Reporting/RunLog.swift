import Foundation

/// Writes a run's log lines: short, one per event, prefixed `plumb:`.
///
/// Worker threads log at the same time; the sink gets one line at a time, as observers get one
/// event at a time, so a sink that collects lines needs no locking of its own.
struct RunLog {
  let level: LogLevel
  private let sink: @Sendable (String) -> Void
  private let lock = NSLock()

  init(level: LogLevel, sink: @escaping @Sendable (String) -> Void) {
    self.level = level
    self.sink = sink
  }

  func info(_ message: @autoclosure () -> String) {
    if level >= .info { write("plumb: " + message()) }
  }

  func warning(_ message: @autoclosure () -> String) {
    if level >= .warning { write("plumb: warning: " + message()) }
  }

  func error(_ message: @autoclosure () -> String) {
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
