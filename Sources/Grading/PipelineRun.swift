import Foundation
import Plumb

/// What happened when the grader ran a learner's tasks: Plumb's result, what the tasks printed,
/// the log, and the errors that failed tasks threw.
public struct PipelineRun {
  /// Plumb's result: each task's status, the summary, the exit code.
  public let result: RunResult
  /// Everything the tasks printed to standard output.
  public let printed: String
  /// Plumb's log lines.
  public let log: [String]
  /// Each failed task with the error its run threw.
  public let failures: [(task: TaskInfo, error: any Error)]

  /// The summary without its frame lines and the blank lines around them.
  public var summaryBody: String { Self.body(ofSummary: result.summary) }

  /// The status of `task` in this run, or `nil` when it was not scheduled.
  public func status(of task: any PipelineTask) -> TaskStatus? {
    result.status(of: task)
  }

  /// The lines between the `===== … =====` frames of a summary, without leading or trailing blank lines.
  public static func body(ofSummary summary: String) -> String {
    var lines = summary.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
      .filter { !($0.hasPrefix("=====") && $0.hasSuffix("=====")) }
    while lines.first?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeFirst() }
    while lines.last?.trimmingCharacters(in: .whitespaces).isEmpty == true { lines.removeLast() }
    return lines.joined(separator: "\n")
  }
}

/// What a command line run through ``GradedTestCase/runCommand(_:tasks:)`` did.
public struct CommandRun {
  /// The process's exit code: 0 when all is done.
  public let exitCode: Int32
  /// What the command printed as its result: the summary, or the help text.
  public let output: String
  /// Its log lines and error messages, one per line.
  public let errors: [String]
  /// What the tasks themselves printed.
  public let printed: String

  /// The error lines, without Plumb's log lines (`plumb: …`).
  public var errorMessages: [String] { errors.filter { !$0.hasPrefix("plumb: ") } }
}
