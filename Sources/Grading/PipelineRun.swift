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

  /// Why `task` did not run to the end in this run, read from the run's records; `nil` when it
  /// succeeded or was already complete. A missing output file is then explained by what stopped the
  /// task rather than blamed on the code that writes it.
  public func whyNotDone(_ task: any PipelineTask) -> NotDone? {
    guard let record = result.record(of: task) else { return .notScheduled }
    switch record.status {
    case .succeeded, .alreadyComplete:
      return nil
    case .failed, .schedulingFailed:
      return .failed(record)
    case .pending, .runByOtherWorker:
      // Records do not say which task waited on which; a graded run asks for one task, so a
      // failure or missing data anywhere in it is what kept that task waiting.
      if let failed = result.records.first(where: {
        $0.info != record.info && [.failed, .schedulingFailed].contains($0.status)
      }) {
        return .failedDependency(failed)
      }
      let missing = result.records.filter { $0.isExternal && $0.status == .pending }
      if !missing.isEmpty { return .missingData(missing, paths: missingPaths) }
      return .pending(record)
    }
  }

  /// The files Plumb's log names as missing external data, in the order it checked them.
  private var missingPaths: [String] {
    log.compactMap { line in
      guard let start = line.range(of: "(missing: "),
        let end = line.range(of: "). ", range: start.upperBound..<line.endIndex)
      else { return nil }
      return String(line[start.upperBound..<end.lowerBound])
    }
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

/// Why a task did not run to the end, from ``PipelineRun/whyNotDone(_:)``.
public enum NotDone {
  /// The run did not schedule it: nothing asked for it.
  case notScheduled
  /// It ran and failed, or could not be scheduled; the record has the error.
  case failed(TaskRecord)
  /// It did not run because a task it depends on failed.
  case failedDependency(TaskRecord)
  /// It did not run because external tasks it depends on found no data: their records, and the
  /// files the log names as missing.
  case missingData([TaskRecord], paths: [String])
  /// It was left pending for another reason, such as a stopped run.
  case pending(TaskRecord)

  /// What happened, for a verdict's `found:` line.
  public var found: String {
    switch self {
    case .notScheduled:
      return "the run did not schedule it"
    case .failed(let record):
      return "it failed: \(record.errorMessage ?? "no error given")"
    case .failedDependency(let record):
      return "it did not run, because \(record.info) failed: \(record.errorMessage ?? "no error given")"
    case .missingData(let records, let paths):
      let others = records.count > 1 ? " and \(records.count - 1) more" : ""
      let file = paths.first.map { ", no file \($0)" } ?? ""
      return "it did not run, because the data of \(records[0].info)\(others) is missing\(file)"
    case .pending(let record):
      return "it was left pending\(record.isInterrupted ? ": the run was stopped while it ran" : "")"
    }
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
