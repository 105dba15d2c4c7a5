import Foundation

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

  /// Prints a one-line error to standard error.
  static func error(_ text: String) {
    FileHandle.standardError.write(Data("kit: \(text)\n".utf8))
  }
}
