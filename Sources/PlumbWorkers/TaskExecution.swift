import Foundation
import PlumbCore
import PlumbReporting

/// What a scheduler tells ``TaskExecution`` while one of its tasks runs: whether the run is
/// stopping, and how a thrown error counts.
package protocol TaskExecutionHost: RequirementHost {
  /// Whether the run is stopping: a task not started yet is not started, and a failed one is not retried.
  var isStopping: Bool { get }

  /// Keeps `error` as why `node` failed, under the scheduler's lock; returns `true` for a failure,
  /// `false` when the run is stopping (the error most likely came from the stop, a cancelled
  /// `Task.sleep` or download), `nil` when the run has already returned and the node is no longer
  /// the scheduler's to change.
  func keep(_ error: any Error, of node: TaskNode) -> Bool?
}

/// Runs one task the way every scheduler runs it: holding its lock across runs, checking again
/// whether it is complete and whether its dependencies are, with retries, events and log lines.
///
/// Schedulers differ in which task runs when (``TaskScheduling``); what happens once a task is
/// handed to a worker is the same for all of them, so it lives here once.
package struct TaskExecution: Sendable {
  let options: RunOptions
  package let context: RunContext
  let log: RunLog
  let events: EventDispatch
  let locks: TaskLocks?

  /// Made before the run checks any task, since its ``TaskLocks`` join the folder's runs then:
  /// by the scheduler's initializer, before the graph is built.
  package init(options: RunOptions, context: RunContext, log: RunLog, events: EventDispatch) {
    self.options = options
    self.context = context
    self.log = log
    self.events = events
    locks = options.locksTasks ? TaskLocks(workingDirectory: context.workingDirectory) : nil
  }

  /// Runs `node` to its outcome: ``TaskNode/State/succeeded``, `failed`, `alreadyComplete` (another
  /// run finished it meanwhile), `interrupted`, or `pending` when a stop came before it started.
  /// On the caller's executor, as the steps below it are (see `runHoldingLock`): the worker loops
  /// that call it are not isolated to any actor.
  nonisolated(nonsending) package func run(_ node: TaskNode, for host: some TaskExecutionHost) async
    -> TaskNode.State
  {
    let crashSlot = CrashReport.taskStarted(node.info)
    defer { CrashReport.taskEnded(crashSlot) }
    // A worker loop that made the context current for all its tasks (``WorkerPool``) saves the
    // task-local value's push and pop, and the executor checks around them, at every task.
    if RunContext.current === context { return await runHoldingLock(node, for: host) }
    return await context.activate { await runHoldingLock(node, for: host) }
  }

  /// Runs `node` holding its lock across runs (``TaskLocks``). A task that another run finished
  /// since this one scheduled it is complete, and is not run again.
  ///
  /// This and the steps below it are `nonisolated(nonsending)`: they stay on the worker's executor
  /// instead of switching to it at every call, each switch a look at the task's executor preference
  /// under a lock, for every task of the run.
  nonisolated(nonsending) private func runHoldingLock(_ node: TaskNode, for host: some TaskExecutionHost) async
    -> TaskNode.State
  {
    let lock = locks?.acquire(node.info) {
      log.info("waiting: another run is running \(node.info)")
    }
    defer { lock?.release() }
    // Checked again holding the lock: another run may have finished the task after this run
    // scheduled it and before it got here. Not when no other run has been in the folder since this
    // one began (``TaskLocks/othersMayHaveRun``, read holding the lock, so after any run that held
    // it before), which saves a system call a task; always without a lock. Not a wrapper, which is
    // complete as soon as its requirements are, and whose run does nothing anyway; not a task
    // `--force` runs again; not an external task, whose run is this check: data that came
    // meanwhile makes it run successfully, as Luigi's summary counts it.
    let othersMayHaveRun = lock.map { $0.waited || locks?.othersMayHaveRun != false } ?? true
    if othersMayHaveRun, !node.isWrapper, !node.isForced, !node.isExternal, (try? node.task.complete()) == true {
      log.info("\(node.info) was completed by another run meanwhile")
      return .alreadyComplete
    }
    return await runWithRetries(node, for: host)
  }

  nonisolated(nonsending) private func runWithRetries(_ node: TaskNode, for host: some TaskExecutionHost) async
    -> TaskNode.State
  {
    let policy = node.task.retryPolicy ?? options.defaultRetryPolicy
    var attempt = 1
    while true {
      switch await runOnce(node, for: host) {
      case .succeeded: return .succeeded
      case .interrupted: return .interrupted
      // A stop came before the run, or while waiting to retry: the task has not run (again).
      case .notStarted: return attempt == 1 ? .pending : .failed
      case .failed:
        guard attempt <= policy.retries, !host.isStopping else { return .failed }
      }
      let delay = policy.delay(beforeRetry: attempt)
      attempt += 1
      let wait = delay > 0 ? " in \(String(format: "%g", delay)) s" : ""
      log.info("retrying \(node.info)\(wait) (attempt \(attempt) of \(policy.retries + 1))")
      events.emit(.retrying(node.info, attempt: attempt))
      // On the run's clock, so tests measure the backoff without waiting it out; a stop cancels the wait.
      if delay > 0 {
        let clock = options.clock
        try? await clock.sleep(until: clock.now.addingTimeInterval(delay))
      }
    }
  }

  private enum Attempt {
    case succeeded, failed, interrupted, notStarted
  }

  /// Checks the dependencies again, as Luigi does, then runs the task once, unless the run is stopping.
  nonisolated(nonsending) private func runOnce(_ node: TaskNode, for host: some TaskExecutionHost) async -> Attempt {
    guard !host.isStopping else { return .notStarted }
    var missing: [TaskNode] = []
    for dependency in node.dependencies where !((try? dependency.task.complete()) ?? false) {
      missing.append(dependency)
    }
    if !missing.isEmpty {
      let error = UnfulfilledDependency(missing: missing)
      guard record(error, of: node, for: host) else { return .interrupted }
      events.emit(.failed(node.info, error: error))
      return .failed
    }
    log.info("running \(node.info)")
    events.emit(.started(node.info))
    if let willRun = options.willRun { await willRun(node.info) }
    let start = DispatchTime.now().uptimeNanoseconds
    do {
      if node.isExternal {
        try Self.check(node)
      } else {
        // `require(_:)` inside run() reaches this scheduler through the scope.
        try await DynamicScope.$current.withValue(DynamicScope(host: host, node: node)) { try await node.task.run() }
      }
      let seconds = Self.seconds(since: start)
      log.info("done \(node.info) in \(String(format: "%.2f", seconds)) s")
      // Luigi's order: the duration, then the outcome, whose observers may report both.
      events.emit(.processingTime(node.info, seconds: seconds))
      events.emit(.succeeded(node.info))
      return .succeeded
    } catch let error as ExternalDataMissing {
      // Luigi's worker sends neither a processing time nor a failure event (nor its e-mail) for
      // data still missing: a check that may be made many times before the data comes.
      guard record(error, of: node, for: host) else { return .interrupted }
      return .failed
    } catch {
      let seconds = Self.seconds(since: start)
      events.emit(.processingTime(node.info, seconds: seconds))
      guard record(error, of: node, for: host) else { return .interrupted }
      events.emit(.failed(node.info, error: error))
      return .failed
    }
  }

  /// The run of an external task (``RunOptions/retriesExternalTasks``), Luigi's: whether its data
  /// exists now.
  ///
  /// - Throws: ``ExternalDataMissing`` when it does not; what `complete()` throws.
  private static func check(_ node: TaskNode) throws {
    guard try !node.task.complete() else { return }
    // A target whose `exists()` throws now is left out: `complete()` said the data is missing.
    throw ExternalDataMissing(missing: (try? ExternalDataMissing.missingPaths(of: node.task)) ?? [])
  }

  private static func seconds(since start: UInt64) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }

  /// Has the host keep `error` and logs it; returns whether it counts as a failure.
  private func record(_ error: any Error, of node: TaskNode, for host: some TaskExecutionHost) -> Bool {
    let isFailure = host.keep(error, of: node)
    if isFailure == true {
      log.error("\(node.info) failed: \(error.oneLineDescription)")
    } else {
      log.warning("\(node.info) was interrupted: \(error.oneLineDescription)")
    }
    return isFailure == true
  }
}
