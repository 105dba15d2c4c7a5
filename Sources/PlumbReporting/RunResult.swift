import PlumbCore

/// What happened to one task in a run.
public enum TaskStatus: String, Sendable {
  /// Complete when first checked; not run.
  case alreadyComplete
  /// Ran and finished (perhaps after retries).
  case succeeded
  /// Ran and failed, also on every retry.
  case failed
  /// Its `complete()` threw, or its requirements could not be built.
  case schedulingFailed
  /// Did not finish: waiting on missing data or on a failed dependency, an external task whose data
  /// is missing, or a task a stopped run did not start or interrupted (``TaskRecord/isInterrupted``).
  case pending
  /// Not run here because another worker of a central scheduler was running it (see
  /// ``TaskRecord/otherWorker``). The local scheduler never sets it.
  case runByOtherWorker
}

/// One task's record in a run: its names, what happened, and what it depends on.
public struct TaskRecord: Sendable {
  /// The task's names.
  public let info: TaskInfo
  /// What happened.
  public let status: TaskStatus
  /// Whether the task is an ``ExternalTask``.
  public let isExternal: Bool
  /// How many times its run failed (a success after retries still counts its failures).
  public let failureCount: Int
  /// The last error the task's run threw (or why it could not be scheduled, or the dependency
  /// found missing when it was about to run), to inspect in code:
  ///
  /// ```swift
  /// if case let failure as DownloadError = result.record(of: fetch)?.error { … }
  /// ```
  public let error: (any Error)?
  /// The last error as one line of text, as the summary shows it.
  public var errorMessage: String? { error.map { $0.oneLineDescription } }
  /// The text forms of the tasks it requires (empty when it was complete and not expanded).
  public let dependencies: [String]
  /// The worker that was running it, for ``TaskStatus/runByOtherWorker``; `nil` otherwise.
  public let otherWorker: String?
  /// Whether the task was running when the run was stopped (see ``RunStop``) and did not finish;
  /// its status is then ``TaskStatus/pending``, and the next run runs it again.
  ///
  /// ```swift
  /// let interrupted = result.records.filter(\.isInterrupted).map(\.info)
  /// ```
  public let isInterrupted: Bool

  package init(
    info: TaskInfo, status: TaskStatus, isExternal: Bool, failureCount: Int, error: (any Error)?,
    dependencies: [String],
    otherWorker: String? = nil, isInterrupted: Bool = false
  ) {
    self.info = info
    self.status = status
    self.isExternal = isExternal
    self.failureCount = failureCount
    self.error = error
    self.dependencies = dependencies
    self.otherWorker = otherWorker
    self.isInterrupted = isInterrupted
  }
}

/// The outcome of a run: each task's status, the execution summary, and the exit code.
///
/// ```swift
/// let result = try build([TopSongs(tld: "rs")])
/// print(result.summary)
/// if !result.success { exit(result.exitCode) }
/// ```
public struct RunResult: Sendable {
  /// Every scheduled task, in the order they were first met.
  public let records: [TaskRecord]
  /// The execution summary, framed by `===== Plumb Execution Summary =====` lines. Like Luigi's
  /// `summary_text` it starts with a newline and ends with one; trim them to print it on its own.
  public let summary: String
  /// 0 when all is well, else the largest ``ExitCodes`` value that applies; a stopped run that
  /// left tasks undone has ``ExitCodes/notRun`` at least (the command line exits with 128 plus the
  /// signal's number instead, see ``PipelineCommand``).
  public let exitCode: Int32
  /// Why the run was stopped before it ran out of tasks (``RunStop/request(reason:)``'s reason,
  /// `cancelled`, or the signal's name on the command line); `nil` when it was not stopped.
  ///
  /// ```swift
  /// if let reason = result.stopReason { print("stopped early: \(reason)") }
  /// ```
  public internal(set) var stopReason: String? = nil

  /// Whether every requested task is complete and nothing failed or was missing.
  public var success: Bool { exitCode == 0 }

  /// The record of a task, found by its text form.
  ///
  /// Pass the task with the parameter values the run gave it: a parameter the run took from the
  /// config file or a `--Family-name` flag has that value only in the run, so write it out here
  /// (`TopSongs(tld: "rs")`), or look the task up in ``records`` by its ``TaskInfo``.
  public func record(of task: any PipelineTask) -> TaskRecord? {
    let info = TaskInfo(task)
    return records.first { $0.info == info }
  }

  /// The status of a task, or `nil` if it was not scheduled.
  public func status(of task: any PipelineTask) -> TaskStatus? {
    record(of: task)?.status
  }

  package init(records: [TaskRecord], summary: String, exitCode: Int32, stopReason: String? = nil) {
    self.records = records
    self.summary = summary
    self.exitCode = exitCode
    self.stopReason = stopReason
  }
}
