/// What decides which of a run's pending tasks runs when, and where their outcomes go: the seam
/// between building a run's graph (``Scheduler``) and running its tasks.
///
/// Two schedulers fill it: ``LocalScheduling``, the default, which hands tasks out in this process
/// (Luigi's `--local-scheduler`), and ``CentralWorker``, which registers the graph with Luigi's
/// central scheduler (luigid) and runs what luigid hands this worker, so that several processes,
/// Plumb's or Python Luigi's, share one graph without running a task twice. Both run a task the
/// same way (``TaskExecution``).
///
/// The shape follows what the central one needs: a first contact before anything is scheduled (an
/// unreachable luigid should fail before a single `complete()` is called), the whole graph at once
/// (luigid is told every task, done or not, with its edges), and an end that may say the scheduler
/// was lost.
package protocol TaskScheduling: Sendable {
  /// Gets ready to schedule, before the graph is built; the central scheduler checks here that
  /// luigid answers.
  ///
  /// - Throws: ``CentralSchedulerError/unreachable(url:reason:)`` when luigid does not answer.
  func connect() async throws

  /// Runs the pending tasks among `nodes` (the whole graph, in the order tasks were met), setting
  /// each node's final state; returns how the run ended. `graph` adds the tasks that running
  /// tasks require dynamically (`require(_:)`).
  func run(_ nodes: [TaskNode], graph: any GraphGrowing) async throws -> SchedulingEnd
}

/// How the task-running part of a run ended.
package struct SchedulingEnd: Sendable {
  /// Why the run was stopped before it ran out of tasks; `nil` when it was not.
  package var stopReason: String?
  /// Whether the run stopped because the central scheduler stopped answering.
  package var lostScheduler = false
  /// Tasks run here that the run did not schedule: those luigid handed an assistant.
  package var adopted: [TaskNode] = []

  package init(stopReason: String? = nil, lostScheduler: Bool = false, adopted: [TaskNode] = []) {
    self.stopReason = stopReason
    self.lostScheduler = lostScheduler
    self.adopted = adopted
  }
}
