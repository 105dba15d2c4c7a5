import Foundation
import Synchronization

/// Ends every process the kit started when the learner presses Ctrl-C, closes the terminal, or
/// something sends SIGTERM. Foundation starts each child in a process group of its own, and
/// `swift test` starts the test bundle in yet another, so the terminal's SIGINT reaches neither:
/// without this, a learner's endless loop keeps running after the kit has gone.
enum Interrupt {
  /// The children being waited on. A pid leaves the set once its process has been reaped.
  private static let children = Mutex<Set<pid_t>>([])

  /// The self-pipe: a signal handler may only do async-signal-safe work, so it writes the signal's
  /// number here and a thread of the kit's own does the rest. (A Dispatch signal source would do it
  /// for us, but loses signals on Linux.)
  private static let pipe: (read: Int32, write: Int32) = {
    var ends: [Int32] = [-1, -1]
    precondition(Glibc.pipe(&ends) == 0, "could not create the signal pipe")
    return (ends[0], ends[1])
  }()

  /// The child that owns the terminal while the kit waits for it (`make run`'s pipeline), which
  /// is handed the signal to stop itself cleanly, and whether it has been.
  private static let foreground = Mutex<(pid: pid_t, signalled: Bool)?>(nil)

  /// Seconds a pipeline handed Ctrl-C has to stop and print its summary: Plumb's grace period for
  /// running tasks (5 s by default) and a margin.
  private static let pipelineGrace: TimeInterval = 10

  /// Handles SIGINT, SIGTERM and SIGHUP for the rest of the kit's life: stops the children and
  /// exits with 128 + the signal (130 for Ctrl-C), as shells report it. A pipeline that `make run`
  /// started gets the signal itself first, so it ends its run as Plumb does (the summary, its own
  /// exit code), and the kit goes on to say how it ended.
  static func install() {
    // Creates the pipe before any handler can run, so the handler never runs its initialiser.
    let ends = pipe
    Thread.detachNewThread {
      while true {
        var byte: UInt8 = 0
        guard read(ends.read, &byte, 1) == 1 else { continue }
        let signal = Int32(byte)
        if let pipeline = handOn(signal) {
          // Stop everything after all if the pipeline does not end in time.
          DispatchQueue.global().asyncAfter(deadline: .now() + pipelineGrace) {
            guard ProcessTree.isRunning(pipeline) else { return }
            stopChildrenAndExit(128 + signal)
          }
          continue
        }
        // Ends the line of a "Running… 12 s" ticker, so the shell's prompt starts on a line of its own.
        if Terminal.isInteractive { FileHandle.standardOutput.write(Data("\n".utf8)) }
        let name = [SIGINT: "Ctrl-C", SIGTERM: "SIGTERM", SIGHUP: "SIGHUP"][signal] ?? "signal \(signal)"
        FileHandle.standardOutput.write(
          Data("Stopped (\(name)): what was running was ended, and no verdict was recorded for it.\n".utf8))
        stopChildrenAndExit(128 + signal)
      }
    }
    takeTheTerminal()
    var action = sigaction()
    action.__sigaction_handler.sa_handler = { signal in
      var byte = UInt8(truncatingIfNeeded: signal)
      _ = write(Interrupt.pipe.write, &byte, 1)
    }
    action.sa_flags = SA_RESTART
    sigemptyset(&action.sa_mask)
    for signal in [SIGINT, SIGTERM, SIGHUP] { sigaction(signal, &action, nil) }
  }

  /// Ends the kit because the learner asked to (q or Ctrl-C in `make watch`): stops the children
  /// and exits with 0, since nothing went wrong.
  static func quit() -> Never {
    FileHandle.standardOutput.write(Data("\n".utf8))
    stopChildrenAndExit(0)
  }

  /// Stops the children, removes the temporary folders of their test runs (nothing writes there
  /// any more), and exits.
  private static func stopChildrenAndExit(_ code: Int32) -> Never {
    isExiting.withLock { $0 = true }
    stopChildren()
    RunFolders.removeAll()
    exit(code)
  }

  /// Sends `signal` to the foreground child, the first time only; returns its pid if it did.
  private static func handOn(_ signal: Int32) -> pid_t? {
    foreground.withLock { child in
      guard let current = child, !current.signalled else { return nil }
      child = (current.pid, true)
      kill(current.pid, signal)
      return current.pid
    }
  }

  /// Runs `body` while `pid` is the child to hand the first signal to.
  static func handingSignals<T>(to pid: pid_t, _ body: () -> T) -> T {
    foreground.withLock { $0 = (pid, false) }
    defer { foreground.withLock { $0 = nil } }
    return body()
  }

  /// The process group that had the terminal when the kit started (make's), given back at exit.
  private static let terminalOwner = Mutex<pid_t?>(nil)

  /// Makes the kit's own process group the terminal's foreground group, so that Ctrl-C goes to the
  /// kit alone: make, in the group the kit leaves, would print "*** Interrupt" as if something had
  /// broken. The terminal goes back to make's group when the kit exits.
  private static func takeTheTerminal() {
    let owner = tcgetpgrp(STDIN_FILENO)
    guard isatty(STDIN_FILENO) != 0, owner == getpgrp(), setpgid(0, 0) == 0 else { return }
    // A process outside the foreground group that changes it gets SIGTTOU, which would stop it.
    signal(SIGTTOU, SIG_IGN)
    guard tcsetpgrp(STDIN_FILENO, getpgrp()) == 0 else { return }
    terminalOwner.withLock { $0 = owner }
    atexit {
      Interrupt.terminalOwner.withLock { owner in
        if let owner { tcsetpgrp(STDIN_FILENO, owner) }
      }
    }
  }

  /// Whether the kit is exiting on a signal: a child started meanwhile is ended at once.
  private static let isExiting = Mutex(false)

  static func track(_ pid: pid_t) {
    _ = children.withLock { $0.insert(pid) }
    // Started by a thread that had not yet seen the exit: nothing will wait for it.
    if isExiting.withLock({ $0 }) { kill(pid, SIGKILL) }
  }

  static func untrack(_ pid: pid_t) {
    _ = children.withLock { $0.remove(pid) }
  }

  /// Sends SIGTERM to every process the kit's children started, and to their process groups, so
  /// that they can clean up; whatever still runs after a short grace gets SIGKILL.
  static func stopChildren(grace: TimeInterval = 2) {
    let roots = children.withLock { $0 }
    let victims = roots.flatMap { [$0] + ProcessTree.descendants(of: $0) }
    // Never the kit's own group: make and the kit share it.
    let groups = Set(victims.map { getpgid($0) }).subtracting([-1, getpgrp()])
    func send(_ signal: Int32) {
      for group in groups { kill(-group, signal) }
      for victim in victims { kill(victim, signal) }
    }
    send(SIGTERM)
    let deadline = Date() + grace
    while victims.contains(where: ProcessTree.isRunning), Date() < deadline {
      Thread.sleep(forTimeInterval: 0.05)
    }
    send(SIGKILL)
  }
}

/// The processes below one of the kit's children, read from /proc.
enum ProcessTree {
  /// Every process below `root` (each /proc/PID/stat names its parent).
  static func descendants(of root: pid_t) -> [pid_t] {
    var children: [pid_t: [pid_t]] = [:]
    for entry in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
      guard let pid = pid_t(entry), let fields = statFields(of: pid), fields.count > 1, let parent = pid_t(fields[1])
      else { continue }
      children[parent, default: []].append(pid)
    }
    var found: [pid_t] = []
    var queue = children[root] ?? []
    while let next = queue.popLast() {
      found.append(next)
      queue += children[next] ?? []
    }
    return found
  }

  /// Whether `pid` exists and has not ended: a zombie has ended, it only waits to be reaped.
  static func isRunning(_ pid: pid_t) -> Bool {
    guard kill(pid, 0) == 0 else { return false }
    return statFields(of: pid)?.first != "Z"
  }

  /// The fields of /proc/PID/stat after the name: state, parent, process group, …
  private static func statFields(of pid: pid_t) -> [Substring]? {
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
      let close = stat.lastIndex(of: ")")
    else { return nil }
    // "PID (name) STATE PPID …": the name may hold spaces, so read after its closing bracket.
    return stat[stat.index(after: close)...].split(separator: " ")
  }
}
