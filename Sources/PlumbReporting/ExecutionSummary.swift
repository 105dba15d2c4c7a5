/// The execution summary of a run, in the layout of Luigi 3.8.1 with Plumb's name in the frame,
/// and the exit code Luigi's `retcodes` would give the same run.
///
/// ```
/// ===== Plumb Execution Summary =====
///
/// Scheduled 3 tasks of which:
/// * 1 complete ones were encountered:
///     - 1 A()
/// * 1 failed:
///     - 1 Boom()
/// * 1 were left pending, among these:
///     * 1 had failed dependencies:
///         - 1 NeedsBoom()
///
/// This progress looks :( because there were failed tasks
///
/// Why tasks failed:
///     - Boom(): the disk is full
///
/// ===== Plumb Execution Summary =====
/// ```
///
/// Without the reasons, ``text`` is Luigi's `summary_text` byte for byte but for the name in the
/// frame, down to the empty first line, so tools that read Luigi's summaries read Plumb's. The
/// reasons are Plumb's addition, because a learner's first question about a failed task is why,
/// and Luigi leaves the answer far up in the log.
package struct ExecutionSummary {
  let records: [TaskRecord]
  /// At most this many family lines per category; `0` for no limit.
  let maximumLines: Int
  /// Whether the reasons of failed tasks follow the verdict.
  let showsErrors: Bool
  /// Why the run was stopped early, if it was.
  let stopReason: String?
  private let sets: TaskSets

  package init(records: [TaskRecord], maximumLines: Int, showsErrors: Bool = true, stopReason: String? = nil) {
    self.records = records
    self.maximumLines = maximumLines
    self.showsErrors = showsErrors
    self.stopReason = stopReason
    sets = TaskSets(records)
  }

  private static let frame = "===== Plumb Execution Summary ====="

  /// The whole summary. It starts with a newline, as Luigi's does: Luigi logs it as one record, and
  /// the newline puts the frame at the start of a line after the log's `INFO: ` prefix.
  package var text: String {
    "\n" + Self.frame + "\n\n" + body + "\n\n" + Self.frame + "\n"
  }

  private var body: String {
    guard sets.total > 0 else { return "Did not schedule any tasks" }
    var text = "Scheduled \(sets.total) tasks of which:\n"
    for category in SummaryCategory.allCases {
      let members = sets.members(of: category)
      guard !members.isEmpty else { continue }
      let indent = category.isPendingSubcategory ? "    " : ""
      text += indent + "* \(members.count) \(category.heading):\n"
      guard category != .stillPending else { continue }
      let lines = FamilyLines(maximumLines: maximumLines, indent: indent + "    ")
        .lines(for: members.sorted().map { records[$0].info })
      text += lines.joined(separator: "\n") + "\n"
    }
    let others = otherWorkers
    if !others.isEmpty {
      text += "\nThe other workers were:\n"
      for (count, worker) in others.enumerated() {
        if count > 3 && count < others.count - 1 {
          text += "    and \(others.count - count) other workers"
          break
        }
        text += "    - \(worker.name) ran \(worker.tasks) tasks\n"
      }
      text += "\n"
    }
    if sets.completed.isEmpty && sets.failed.isEmpty {
      if others.isEmpty { text += "\n" }
      text += "Did not run any tasks"
    }
    return text + "\n" + ProgressLine(sets).line + reasons + retried + interruption
  }

  /// Which tasks a stopped run interrupted and how many it never started, after the reasons:
  /// Luigi counts both among the pending tasks without saying why.
  ///
  /// ```
  /// The run was stopped (SIGTERM) before these tasks finished:
  ///     - Slow(n=1): its run was interrupted
  ///     - 2 tasks were not started
  /// ```
  private var interruption: String {
    guard showsErrors, let stopReason else { return "" }
    let interrupted = records.filter(\.isInterrupted)
    let notStarted = records.count { $0.status == .pending && !$0.isInterrupted && !$0.isExternal }
    guard !interrupted.isEmpty || notStarted > 0 else { return "" }
    var text = "\n\nThe run was stopped (\(stopReason)) before these tasks finished:"
    for (count, record) in interrupted.enumerated() {
      if maximumLines > 0 && count == maximumLines {
        text += "\n    ... and \(interrupted.count - count) more interrupted"
        break
      }
      text += "\n    - \(record.info): its run was interrupted"
    }
    if notStarted > 0 { text += "\n    - \(notStarted) \(notStarted == 1 ? "task was" : "tasks were") not started" }
    return text
  }

  /// "Why tasks failed:" and a line per failed task or scheduling error, in the order the tasks
  /// were met, at most ``maximumLines`` of them; empty when nothing failed.
  private var reasons: String {
    guard showsErrors else { return "" }
    let failures = sets.failed.union(sets.schedulingError).sorted().filter { records[$0].error != nil }
    guard !failures.isEmpty else { return "" }
    var text = "\n\nWhy tasks failed:"
    for (count, index) in failures.enumerated() {
      if maximumLines > 0 && count == maximumLines {
        text += "\n    ... and \(failures.count - count) more (the log above has every error)"
        break
      }
      text += "\n    - \(records[index].info): \(records[index].errorMessage!)"
    }
    return text
  }

  /// "Succeeded in a retry:" and a line per task that failed before it succeeded, in the order
  /// the tasks were met: Luigi's verdict says only that some did (`there were failed tasks but
  /// they all succeeded in a retry`), and a flaky task is worth knowing by name.
  ///
  /// ```
  /// Succeeded in a retry:
  ///     - CallAPI(): on attempt 3, after 2 failures
  /// ```
  private var retried: String {
    guard showsErrors else { return "" }
    let retried = sets.completed.intersection(sets.everFailed).sorted()
    guard !retried.isEmpty else { return "" }
    var text = "\n\nSucceeded in a retry:"
    for (count, index) in retried.enumerated() {
      if maximumLines > 0 && count == maximumLines {
        text += "\n    ... and \(retried.count - count) more"
        break
      }
      let failures = records[index].failureCount
      text +=
        "\n    - \(records[index].info): on attempt \(failures + 1), after \(failures) failure\(failures == 1 ? "" : "s")"
    }
    return text
  }

  /// The workers that held this run's tasks, in the order first met, with how many each held.
  private var otherWorkers: [(name: String, tasks: Int)] {
    var workers: [(name: String, tasks: Int)] = []
    for index in sets.runByOtherWorker.sorted() {
      guard let name = records[index].otherWorker else { continue }
      if let position = workers.firstIndex(where: { $0.name == name }) {
        workers[position].tasks += 1
      } else {
        workers.append((name, 1))
      }
    }
    return workers
  }

  /// The largest code that applies, as Luigi's `retcodes` computes it; `0` when none does and
  /// the first requested task is done. Errors outside the tasks (``ExitCodes/unhandledException``)
  /// are the caller's to map, since they stop the run before there is a summary.
  package func exitCode(using codes: ExitCodes) -> Int32 {
    let applicable: [(code: Int32, applies: Bool)] = [
      (codes.missingData, !sets.missingExternal.isEmpty),
      (codes.taskFailed, !sets.failed.isEmpty),
      (codes.alreadyRunning, !sets.runByOtherWorker.isEmpty),
      (codes.schedulingError, !sets.schedulingError.isEmpty),
      (codes.notRun, !sets.notRun.isEmpty),
    ]
    let code = applicable.map { $0.applies ? $0.code : 0 }.max() ?? 0
    // The first record is the first requested task: a run that did not finish it is not a success.
    if code == 0, !records.isEmpty, !sets.completed.contains(0), !sets.alreadyDone.contains(0) {
      return codes.notRun
    }
    return code
  }
}
