import Foundation

/// Runs the tools the kit drives (swift, git, diff) and collects what they print.
enum Shell {
  /// The outcome of a finished command.
  struct Outcome {
    let status: Int32
    let output: String
    var succeeded: Bool { status == 0 }
  }

  /// Runs `arguments` (found on PATH) and returns its exit status with its standard output and
  /// standard error, interleaved as printed.
  static func capture(_ arguments: [String], environment: [String: String] = [:], in directory: String? = nil)
    -> Outcome
  {
    let pipe = Pipe()
    let process = makeProcess(arguments, environment: environment, in: directory)
    process.standardOutput = pipe
    process.standardError = pipe
    do {
      try process.run()
    } catch {
      return Outcome(status: 127, output: "could not start \(arguments[0]): \(error)")
    }
    let data = pipe.fileHandleForReading.readDataToEndOfFile()
    process.waitUntilExit()
    return Outcome(status: exitStatus(of: process), output: String(decoding: data, as: UTF8.self))
  }

  /// Runs `arguments` with the terminal as its input and output, and returns its exit status.
  @discardableResult
  static func run(_ arguments: [String], environment: [String: String] = [:], in directory: String? = nil) -> Int32 {
    let process = makeProcess(arguments, environment: environment, in: directory)
    do {
      try process.run()
    } catch {
      Terminal.error("could not start \(arguments[0]): \(error)")
      return 127
    }
    process.waitUntilExit()
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
