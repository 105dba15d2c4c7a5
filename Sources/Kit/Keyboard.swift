import Foundation
import Synchronization

/// Single key presses for `make watch`: standard input without line editing or echo, so a key
/// arrives as it is pressed, without Enter. Signals stay on, so Ctrl-C still stops the kit.
enum Keyboard {
  /// The terminal's own settings while the kit has changed them.
  private static let saved = Mutex<termios?>(nil)

  /// Switches the terminal to single keys until the kit exits, whichever way it exits (`exit`, or a
  /// signal, whose handler exits too). Returns false when standard input is not a terminal: then
  /// there are no keys to read.
  static func start() -> Bool {
    var settings = termios()
    guard isatty(STDIN_FILENO) != 0, tcgetattr(STDIN_FILENO, &settings) == 0 else { return false }
    saved.withLock { $0 = settings }
    atexit { Keyboard.restore() }
    settings.c_lflag &= ~tcflag_t(ICANON | ECHO)
    // Each read returns as soon as one byte is there.
    withUnsafeMutableBytes(of: &settings.c_cc) { cc in
      cc[Int(VMIN)] = 1
      cc[Int(VTIME)] = 0
    }
    return tcsetattr(STDIN_FILENO, TCSANOW, &settings) == 0
  }

  /// Puts back the terminal's settings, if the kit changed them.
  static func restore() {
    saved.withLock { saved in
      guard var settings = saved else { return }
      tcsetattr(STDIN_FILENO, TCSANOW, &settings)
      saved = nil
    }
  }

  /// The key pressed within `seconds`, or nil.
  static func key(within seconds: TimeInterval) -> Character? {
    var input = pollfd(fd: STDIN_FILENO, events: Int16(POLLIN), revents: 0)
    guard poll(&input, 1, Int32(seconds * 1000)) > 0 else { return nil }
    var byte: UInt8 = 0
    guard read(STDIN_FILENO, &byte, 1) == 1 else {
      // The terminal is gone (poll keeps reporting it at once): wait as if no key came, not in a busy loop.
      Thread.sleep(forTimeInterval: seconds)
      return nil
    }
    return Character(Unicode.Scalar(byte))
  }
}
