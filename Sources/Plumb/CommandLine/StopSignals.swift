import Dispatch
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// SIGINT, SIGTERM and SIGHUP for ``PipelineCommand/main()``: the first stops the run through a
/// ``RunStop``, so running tasks get their grace period and the summary is printed; a second one
/// ends the process at once, after removing the temporary files of writes in progress.
///
/// Also ignores SIGPIPE, so that a reader that goes away (`| head`) does not end the run: writes to
/// it fail with EPIPE instead, and are dropped.
final class StopSignals: Sendable {
  private let stop: RunStop
  private let received = Mutex<Int32?>(nil)
  // Dispatch sources are thread-safe; they are kept only so they stay alive.
  nonisolated(unsafe) private var sources: [any DispatchSourceSignal] = []

  init(stop: RunStop) {
    self.stop = stop
    signal(SIGPIPE, SIG_IGN)
    let queue = DispatchQueue(label: "plumb-signals")
    for number in [SIGINT, SIGTERM, SIGHUP] {
      // Ignored, the signal no longer ends the process; the source still sees it.
      signal(number, SIG_IGN)
      let source = DispatchSource.makeSignalSource(signal: number, queue: queue)
      source.setEventHandler { [self, source] in
        for _ in 0..<max(1, source.data) { receive(number) }
      }
      source.resume()
      sources.append(source)
    }
  }

  /// 128 plus the number of the first signal received, the shell's convention, or `nil`.
  var exitCode: Int32? { received.withLock { $0.map { 128 + $0 } } }

  private func receive(_ number: Int32) {
    let isFirst = received.withLock { received in
      defer { received = received ?? number }
      return received == nil
    }
    let name = Self.name(of: number)
    guard isFirst else {
      StandardStream.error.write("plumb: \(name) again: stopping at once\n")
      TemporaryFiles.removeAll()
      _exit(128 + number)
    }
    StandardStream.error.write("plumb: \(name): stopping; \(name) again stops at once\n")
    stop.request(reason: name)
  }

  private static func name(of number: Int32) -> String {
    switch number {
    case SIGINT: return "SIGINT"
    case SIGTERM: return "SIGTERM"
    case SIGHUP: return "SIGHUP"
    default: return "signal \(number)"
    }
  }
}
