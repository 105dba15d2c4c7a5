import PlumbCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#endif

/// The command line's line about a crash: `plumb: the run crashed while running TopSongs(tld=rs)`.
///
/// A Swift runtime trap (an index out of range, `!` on nil) ends the whole process at once, and the
/// runtime's report names a function but not the task. Each worker thread keeps the line for the
/// task it starts in a slot of its own, written before the task runs; the handler of the crash
/// signals only reads the slots of its thread and calls `write(2)`, `sigaction(2)` and `raise(3)`,
/// which are safe in a signal handler, then hands the signal to the handler installed before (the
/// Swift runtime's backtracer), which prints the trap and the stack.
///
/// An asynchronous task may resume on another worker thread after an `await`; a trap there names the
/// task that started on that thread, or none; so may a trap while more than 64 tasks run.
package enum CrashReport {
  private static let slotCount = 64
  private static let lineSize = 256
  /// A slot's owner while its line is being written: no thread has this identity.
  private static let claiming = UInt.max

  private static let isInstalled = Atomic<Bool>(false)
  /// Each slot's thread (`pthread_self()`), or 0 when the slot is free.
  nonisolated(unsafe) private static let owners: UnsafeMutablePointer<Atomic<UInt>> = {
    let owners = UnsafeMutablePointer<Atomic<UInt>>.allocate(capacity: slotCount)
    for slot in 0..<slotCount { (owners + slot).initialize(to: Atomic(0)) }
    return owners
  }()
  nonisolated(unsafe) private static let lines = UnsafeMutablePointer<UInt8>.allocate(capacity: slotCount * lineSize)
  nonisolated(unsafe) private static let lengths = UnsafeMutablePointer<Int>.allocate(capacity: slotCount)
  /// The actions the crash signals had before, by signal number.
  nonisolated(unsafe) private static let previous = UnsafeMutablePointer<sigaction>.allocate(capacity: 65)

  private static let signals = [SIGILL, SIGTRAP, SIGSEGV, SIGBUS, SIGABRT, SIGFPE]

  /// Installs the handlers; tasks started from then on are named in a crash report.
  package static func install() {
    // Everything the handler touches exists before it can run: lazy globals take a lock on first use.
    _ = owners
    _ = lines
    _ = lengths
    for signal in signals {
      var action = sigaction()
      action.__sigaction_handler.sa_sigaction = handle
      action.sa_flags = SA_SIGINFO | SA_ONSTACK | Int32(bitPattern: UInt32(SA_RESETHAND))
      sigemptyset(&action.sa_mask)
      sigaction(signal, &action, previous + Int(signal))
    }
    isInstalled.store(true, ordering: .releasing)
  }

  /// Keeps the line naming `task` for the calling thread; `nil` (and nothing kept) until
  /// ``install()`` has run.
  static func taskStarted(_ task: TaskInfo) -> Int? {
    guard isInstalled.load(ordering: .acquiring) else { return nil }
    for slot in 0..<slotCount
    where owners[slot].compareExchange(expected: 0, desired: claiming, ordering: .relaxed).exchanged {
      var line = Array("plumb: the run crashed while running \(task)".utf8.prefix(lineSize - 1))
      line.append(10)
      line.withUnsafeBufferPointer { line in
        (lines + slot * lineSize).update(from: line.baseAddress!, count: line.count)
      }
      lengths[slot] = line.count
      owners[slot].store(UInt(bitPattern: Int(bitPattern: pthread_self())), ordering: .releasing)
      return slot
    }
    return nil
  }

  /// Frees the slot ``taskStarted(_:)`` returned, from whatever thread the task ended on.
  static func taskEnded(_ slot: Int?) {
    guard let slot else { return }
    owners[slot].store(0, ordering: .releasing)
  }

  private static let handle:
    @convention(c) (Int32, UnsafeMutablePointer<siginfo_t>?, UnsafeMutableRawPointer?) -> Void =
      { signal, info, _ in
        let thread = UInt(bitPattern: Int(bitPattern: pthread_self()))
        for slot in 0..<slotCount where owners[slot].load(ordering: .acquiring) == thread {
          _ = write(2, lines + slot * lineSize, lengths[slot])
        }
        sigaction(signal, previous + Int(signal), nil)
        // A trap's instruction runs again when the handler returns and meets the previous action; a
        // signal that was sent (abort(3), kill) has to be sent again.
        if let info, info.pointee.si_code <= 0 { raise(signal) }
      }
}
