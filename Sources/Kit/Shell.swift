import Foundation
import Synchronization

/// Runs the tools the kit drives (swift, git, diff) and collects what they print.
enum Shell {
  /// The outcome of a finished command.
  struct Outcome {
    let status: Int32
    let output: String
    /// Whether the command was stopped for running past its time limit.
    var timedOut = false
    var succeeded: Bool { status == 0 }
  }

  /// Runs `arguments` (found on PATH) and returns its exit status with its standard output and
  /// standard error, interleaved as printed. With a `timeLimit`, a command still running after that
  /// many seconds is killed with every process it started (`swift test` runs the tests in a
  /// process of its own, which must not be left looping). `onLine` sees each line as it is printed.
  static func capture(
    _ arguments: [String], environment: [String: String] = [:], in directory: String? = nil, timeLimit: Int? = nil,
    onLine: ((String) -> Void)? = nil
  ) -> Outcome {
    let pipe = Pipe()
    let process = makeProcess(arguments, environment: environment, in: directory)
    process.standardOutput = pipe
    process.standardError = pipe
    do {
      try process.run()
    } catch {
      return Outcome(status: 127, output: "could not start \(arguments[0]): \(error)")
    }
    let pid = process.processIdentifier
    Interrupt.track(pid)
    defer { Interrupt.untrack(pid) }
    let watchdog = timeLimit.map { Watchdog(process: process, seconds: $0) }
    let data = read(pipe.fileHandleForReading, onLine: onLine)
    process.waitUntilExit()
    watchdog?.cancel()
    return Outcome(
      status: exitStatus(of: process), output: String(decoding: data, as: UTF8.self),
      timedOut: watchdog?.fired ?? false)
  }

  /// Reads `handle` to its end, handing each complete line to `onLine` as it arrives.
  private static func read(_ handle: FileHandle, onLine: ((String) -> Void)?) -> Data {
    guard let onLine else { return handle.readDataToEndOfFile() }
    var data = Data()
    var line: [UInt8] = []
    while case let chunk = handle.availableData, !chunk.isEmpty {
      data.append(chunk)
      for byte in chunk {
        if byte == UInt8(ascii: "\n") {
          onLine(String(decoding: line, as: UTF8.self))
          line.removeAll(keepingCapacity: true)
        } else {
          line.append(byte)
        }
      }
    }
    if !line.isEmpty { onLine(String(decoding: line, as: UTF8.self)) }
    return data
  }

  /// Kills a process and its descendants when it runs longer than allowed.
  ///
  /// The timer fires on a Dispatch thread while the caller waits on the process, so what both
  /// touch lives in a `Mutex`. The kill happens while holding it: once `cancel()` returns, the
  /// watchdog kills nothing (the process has been reaped by then and its pid may be reused).
  private final class Watchdog: Sendable {
    private let state = Mutex((done: false, fired: false))

    init(process: Process, seconds: Int) {
      let pid = process.processIdentifier
      DispatchQueue.global().asyncAfter(deadline: .now() + .seconds(seconds)) { [self] in
        state.withLock { state in
          guard !state.done else { return }
          state.fired = true
          for victim in [pid] + ProcessTree.descendants(of: pid) { kill(victim, SIGKILL) }
        }
      }
    }

    var fired: Bool {
      state.withLock { $0.fired }
    }

    func cancel() {
      state.withLock { $0.done = true }
    }
  }

  /// Runs `arguments` with the terminal as its input and output, and returns its exit status.
  /// With `handingOnStop`, the first Ctrl-C goes to the command, to stop itself (see `Interrupt`).
  /// With `showingLines`, only the lines of its output that it accepts are shown (to `show`):
  /// standard output and error then come through one pipe, so that its log lines and what its
  /// tasks print are shown in the order it wrote them, as in a terminal.
  @discardableResult
  static func run(
    _ arguments: [String], environment: [String: String] = [:], in directory: String? = nil,
    handingOnStop: Bool = false, showingLines: (@Sendable (String) -> Bool)? = nil,
    show: @escaping @Sendable (String) -> Void = { FileHandle.standardOutput.write(Data(($0 + "\n").utf8)) }
  ) -> Int32 {
    let process = makeProcess(arguments, environment: environment, in: directory)
    let lines = showingLines.map { _ in Pipe() }
    if let lines {
      process.standardOutput = lines
      process.standardError = lines
    }
    do {
      try process.run()
    } catch {
      Terminal.error("could not start \(arguments[0]): \(error)")
      return 127
    }
    let pid = process.processIdentifier
    Interrupt.track(pid)
    defer { Interrupt.untrack(pid) }
    let relayed = DispatchSemaphore(value: 0)
    if let lines, let showingLines {
      Thread.detachNewThread {
        _ = read(lines.fileHandleForReading) { line in
          if showingLines(line) { show(line) }
        }
        relayed.signal()
      }
    }
    if handingOnStop {
      Interrupt.handingSignals(to: pid) { process.waitUntilExit() }
    } else {
      process.waitUntilExit()
    }
    // Every line is shown before the caller prints what follows the command.
    if lines != nil { relayed.wait() }
    return exitStatus(of: process)
  }

  private static func makeProcess(_ arguments: [String], environment: [String: String], in directory: String?)
    -> Process
  {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = arguments
    var merged = ProcessInfo.processInfo.environment
    // A learner's shell must not switch the kit to the solutions or a pristine copy by accident.
    merged["KIT_SOLUTIONS"] = nil
    merged["KIT_EXERCISES_ROOT"] = nil
    merged[Sandbox.variable] = nil
    // SwiftPM caches what Package.swift evaluates to, keyed by its text and the environment, not
    // by the exercise folders it lists: naming them here makes a new exercise part of the build.
    merged["KIT_EXERCISE_FOLDERS"] = Exercise.all().map(\.folder).joined(separator: ",")
    merged.merge(environment) { $1 }
    process.environment = merged
    if let directory { process.currentDirectoryURL = URL(fileURLWithPath: directory) }
    return process
  }

  /// The exit status, or 128 + the signal for a process that was killed, as shells report it.
  private static func exitStatus(of process: Process) -> Int32 {
    process.terminationReason == .uncaughtSignal ? 128 + process.terminationStatus : process.terminationStatus
  }
}
