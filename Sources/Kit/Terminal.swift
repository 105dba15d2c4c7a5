import Foundation
import Synchronization

/// What the kit prints: plain lines, with colour when standard output is a terminal.
enum Terminal {
  /// Whether standard output is a terminal a person watches.
  static let isInteractive = isatty(STDOUT_FILENO) != 0 && ProcessInfo.processInfo.environment["TERM"] != "dumb"

  static let usesColour: Bool = isInteractive && ProcessInfo.processInfo.environment["NO_COLOR"] == nil

  /// Clears the screen and moves to its top, so a new verdict replaces the last one.
  static func clearScreen() {
    print("\u{1B}[H\u{1B}[2J", terminator: "")
    flush()
  }

  static func green(_ text: String) -> String { paint(text, "32") }
  static func red(_ text: String) -> String { paint(text, "31") }
  static func yellow(_ text: String) -> String { paint(text, "33") }
  static func bold(_ text: String) -> String { paint(text, "1") }
  static func dim(_ text: String) -> String { paint(text, "2") }

  private static func paint(_ text: String, _ code: String) -> String {
    usesColour ? "\u{1B}[\(code)m\(text)\u{1B}[0m" : text
  }

  /// Prints a line and flushes it, so it shows before a long command starts.
  static func say(_ text: String = "") {
    print(text)
    flush()
  }

  /// Flushes what `print` buffered. `fflush(nil)` flushes every C output stream: the kit opens none
  /// but standard output (standard error is unbuffered), so it does what `fflush(stdout)` did, without
  /// reading C's global `stdout`: a mutable global, which Swift 6 does not let this code read.
  private static func flush() {
    fflush(nil)
  }

  /// Runs `work` while a line shows how long it has been running and what it is doing
  /// (`Building… 12 s  [120/412] Compiling Plumb`), rewritten in place each second, so that a long
  /// run does not look like a hang. Only on a terminal: in a log the rewrites would be noise. The
  /// line is gone by the time `work` returns, so what follows prints where it started.
  static func showingElapsed<T>(_ label: String, _ work: () -> T) -> T {
    guard isInteractive else { return work() }
    showActivity("")
    let ticker = Ticker(label: label)
    defer { ticker.stop() }
    return work()
  }

  /// What the work under `showingElapsed` is doing now, shown after the time.
  private static let activity = Mutex("")

  static func showActivity(_ text: String) {
    activity.withLock { $0 = text }
  }

  /// The terminal's width in characters: a line longer than that wraps, and `\r` then rewrites
  /// only its last part.
  private static var columns: Int {
    var size = winsize()
    return ioctl(STDOUT_FILENO, UInt(TIOCGWINSZ), &size) == 0 && size.ws_col > 0 ? Int(size.ws_col) : 80
  }

  /// The thread behind `showingElapsed`. It writes with `FileHandle` (unbuffered), and the main
  /// thread prints nothing meanwhile, so the two never mix on a line.
  private final class Ticker: Sendable {
    private let stopRequest = DispatchSemaphore(value: 0)
    private let stopped = DispatchSemaphore(value: 0)

    init(label: String) {
      Thread.detachNewThread { [self] in
        let start = Date()
        repeat {
          let seconds = Int(Date().timeIntervalSince(start))
          let line = "\(label) \(seconds) s  \(activity.withLock { $0 })"
          FileHandle.standardOutput.write(Data("\r\(line.prefix(columns - 1))\u{1B}[K".utf8))
        } while stopRequest.wait(timeout: .now() + 1) == .timedOut
        FileHandle.standardOutput.write(Data("\r\u{1B}[K".utf8))
        stopped.signal()
      }
    }

    /// Clears the line and returns once the thread has stopped writing.
    func stop() {
      stopRequest.signal()
      stopped.wait()
    }
  }

  /// Prints a one-line error to standard error.
  static func error(_ text: String) {
    FileHandle.standardError.write(Data("kit: \(text)\n".utf8))
  }
}
