import Foundation
import Synchronization

/// Single key presses for `make watch`: standard input without line editing or echo, so a key
/// arrives as it is pressed, without Enter. Ctrl-C arrives as a key too, not as a signal to the
/// whole process group: make would report that signal as "*** Interrupt", as if something had
/// broken. A thread reads the keys all along, so q and Ctrl-C end the kit even during a check.
enum Keyboard {
  /// The terminal's own settings while the kit has changed them.
  private static let saved = Mutex<termios?>(nil)
  /// Keys read and not yet asked for, oldest first; `arrivals` counts them.
  private static let pressed = Mutex<[Character]>([])
  private static let arrivals = DispatchSemaphore(value: 0)

  /// Switches the terminal to single keys until the kit exits, whichever way it exits (`exit`, or a
  /// signal, whose handler exits too). Returns false when standard input is not a terminal: then
  /// there are no keys to read.
  static func start() -> Bool {
    var settings = termios()
    guard isatty(STDIN_FILENO) != 0, tcgetattr(STDIN_FILENO, &settings) == 0 else { return false }
    saved.withLock { $0 = settings }
    atexit { Keyboard.restore() }
    settings.c_lflag &= ~tcflag_t(ICANON | ECHO | ISIG)
    // Each read returns as soon as one byte is there.
    withUnsafeMutableBytes(of: &settings.c_cc) { cc in
      cc[Int(VMIN)] = 1
      cc[Int(VTIME)] = 0
    }
    guard tcsetattr(STDIN_FILENO, TCSANOW, &settings) == 0 else { return false }
    Thread.detachNewThread { readKeys() }
    return true
  }

  /// Reads keys until standard input ends (the terminal is gone); q and Ctrl-C quit at once.
  private static func readKeys() {
    var byte: UInt8 = 0
    while read(STDIN_FILENO, &byte, 1) == 1 {
      if byte == 3 || byte == UInt8(ascii: "q") { Interrupt.quit() }
      pressed.withLock { $0.append(Character(Unicode.Scalar(byte))) }
      arrivals.signal()
    }
  }

  /// Puts back the terminal's settings, if the kit changed them.
  static func restore() {
    saved.withLock { saved in
      guard var settings = saved else { return }
      tcsetattr(STDIN_FILENO, TCSANOW, &settings)
      saved = nil
    }
  }

  /// The key pressed within `seconds` (or pressed earlier and not yet asked for), or nil.
  static func key(within seconds: TimeInterval) -> Character? {
    guard arrivals.wait(timeout: .now() + seconds) == .success else { return nil }
    return pressed.withLock { $0.removeFirst() }
  }
}
