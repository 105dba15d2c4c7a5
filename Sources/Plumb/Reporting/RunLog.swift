/// Writes a run's log lines: short, one per event, prefixed `plumb:`.
struct RunLog {
  let level: LogLevel
  let sink: @Sendable (String) -> Void

  func info(_ message: @autoclosure () -> String) {
    if level >= .info { sink("plumb: " + message()) }
  }

  func warning(_ message: @autoclosure () -> String) {
    if level >= .warning { sink("plumb: warning: " + message()) }
  }

  func error(_ message: @autoclosure () -> String) {
    sink("plumb: error: " + message())
  }
}
