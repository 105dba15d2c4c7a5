import Foundation
import PlumbCore
import PlumbReporting
import Synchronization

/// The local scheduler (``TaskScheduling``'s default, see ``LocalScheduling``): runs the pending
/// tasks of a graph in this process with `workers` tasks in flight: a task is handed out when all
/// its dependencies are done, highest priority first; a failure leaves its dependents pending.
///
/// `workers` worker loops run as child tasks on the run's ``WorkerThreads``, where a synchronous
/// `run()` has a thread to itself. A worker that finishes a task takes one of the tasks it released
/// itself and wakes waiting workers only for the others, so a chain of tasks runs on one thread
/// without handing each step to another.
///
/// A task that requires more tasks while it runs (`require(_:)`) lends its slot while it waits:
/// the pool starts one more worker loop (and thread) for as long as it waits, so a run with one
/// worker runs the requirements instead of deadlocking, and no more than `workers` tasks work at once.
///
/// A stop (``RunStop``, or cancelling the task awaiting the run) ends the hand-out and cancels the
/// workers, so asynchronous tasks see `Task.isCancelled`; the run then waits for the running tasks
/// at most ``RunOptions/stopGracePeriod`` seconds and leaves the rest running, recorded as interrupted.
final class WorkerPool: TaskExecutionHost {
  let graph: any GraphGrowing
  let options: RunOptions
  let log: RunLog
  private let events: EventDispatch
  private let execution: TaskExecution
  /// The workers' task, and the stop and grace period around it.
  let workLoop: WorkLoop

  /// What the workers share, behind one lock: the run's bookkeeping (``RunState``) and the
  /// handles its actions act on.
  struct Shared {
    /// Worker loops waiting for a task are woken by resuming their continuation.
    var run: RunState<CheckedContinuation<Void, Never>>
    /// The run's threads, once started; grown by one for each slot lent beyond them.
    var threads: WorkerThreads?
  }

  let shared: Mutex<Shared>

  init(
    nodes: [TaskNode], graph: any GraphGrowing, options: RunOptions, execution: TaskExecution, log: RunLog,
    events: EventDispatch
  ) {
    shared = Mutex(Shared(run: RunState(nodes: nodes, resourceLimits: options.resourceLimits)))
    self.graph = graph
    self.options = options
    self.log = log
    self.events = events
    self.execution = execution
    workLoop = WorkLoop(log: log, gracePeriod: options.stopGracePeriod)
  }

  /// Runs until nothing is runnable and nothing is running, or until a stop's grace period ends;
  /// returns why the run was stopped, or `nil`.
  ///
  /// - Throws: ``PipelineError/noWorkerThread(reason:)`` when the system lets no worker thread start.
  func run() async throws -> String? {
    guard shared.withLock({ $0.run.begin() }) else { return nil }
    let asked = max(1, options.workers)
    if asked > RunOptions.maximumWorkers {
      log.warning("\(asked) workers asked for; running with \(RunOptions.maximumWorkers), the most Plumb uses")
    }
    let threads = WorkerThreads(count: min(asked, RunOptions.maximumWorkers))
    defer { threads.stop() }
    let refusal = threads.failure.map { String(cString: strerror($0)) } ?? "unknown reason"
    guard threads.count > 0 else { throw PipelineError.noWorkerThread(reason: refusal) }
    if threads.count < min(asked, RunOptions.maximumWorkers) {
      log.warning(
        "only \(threads.count) worker threads could start (\(refusal)); running \(threads.count) tasks at a time")
    }
    let workers = threads.count
    shared.withLock { shared in
      shared.threads = threads
      shared.run.workersStarted(workers)
    }
    await workLoop.run(
      observing: options.stop, onStop: { [self] reason in stop(reason) },
      onPhaseOut: { [self] reason in phaseOut(reason) }
    ) {
      await withTaskExecutorPreference(threads) {
        await withDiscardingTaskGroup { group in
          for _ in 0..<workers {
            group.addTask { await self.work() }
          }
        }
      }
    }
    let (reason, abandoned) = shared.withLock { ($0.run.stopReason, $0.run.end()) }
    workLoop.warnAbandoned(abandoned)
    return reason
  }

  /// Stops handing out tasks, cancels the running ones and lets them end within the grace period.
  private func stop(_ reason: String) {
    guard let wakes = shared.withLock({ $0.run.stop(reason) }) else { return }
    // Tasks waiting for their dynamic requirements wake, and fail as stopped.
    for wait in wakes.requirements { wait.wake() }
    workLoop.stop(reason)
    for worker in wakes.workers { worker.resume() }
  }

  /// Hands out no more tasks and lets the running ones finish; the loops end as they do.
  private func phaseOut(_ reason: String) {
    guard let wakes = shared.withLock({ $0.run.phaseOut(reason) }) else { return }
    // Tasks waiting for their dynamic requirements wake, and are interrupted: nothing will run them.
    for wait in wakes.requirements { wait.wake() }
    for worker in wakes.workers { worker.resume() }
  }

  var isStopping: Bool { shared.withLock { $0.run.isStopping } }

  /// Whether tasks are still handed out: the run is neither stopping nor phasing out.
  var handsOut: Bool { shared.withLock { $0.run.handsOut } }

  /// A worker's loop: take a runnable task, run it, release its dependents. A loop started for a
  /// lent slot (`isLent`) ends once it is no longer wanted. The run's context is current for the
  /// whole loop, rather than made current again for each task (see ``TaskExecution/run(_:for:)``).
  func work(isLent: Bool = false) async {
    await execution.context.activate {
      var next = shared.withLock { $0.run.nextTask(isLent: isLent) }
      while let node = await take(next, isLent: isLent) {
        next = finish(node, await execution.run(node, for: self), isLent: isLent)
      }
    }
  }

  /// The task `next` hands out, else the next runnable one, waiting while other workers run
  /// theirs; `nil` once nothing is left, or for a lent loop once its slot has been given back.
  /// On the worker's own executor, without a switch to it for every task (see `TaskExecution`).
  nonisolated(nonsending) private func take(_ next: RunState<CheckedContinuation<Void, Never>>.Next, isLent: Bool) async
    -> TaskNode?
  {
    var next = next
    while true {
      switch next {
      case .run(let node): return node
      case .exit: return nil
      case .wait:
        await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
          if !shared.withLock({ $0.run.park(continuation) }) { continuation.resume() }
        }
        next = shared.withLock { $0.run.nextTask(isLent: isLent) }
      }
    }
  }

  /// Records `node`'s outcome, releases its dependents, and asks for the calling worker's next
  /// task under the same lock: one lock a task, not two, which the other workers would wait for.
  /// The calling worker takes one released task itself, so only the others wake waiting workers;
  /// when nothing is left, all of them wake to stop.
  private func finish(
    _ node: TaskNode, _ outcome: TaskNode.State, isLent: Bool
  ) -> RunState<CheckedContinuation<Void, Never>>.Next {
    let (wakes, next) = shared.withLock { shared in
      let wakes = shared.run.finished(node, outcome)
      return (wakes, shared.run.nextTask(isLent: isLent))
    }
    for wait in wakes.requirements { wait.wake() }
    for worker in wakes.workers { worker.resume() }
    return next
  }

  /// Keeps `error` as why `node` failed (see ``TaskExecutionHost/keep(_:of:)``).
  func keep(_ error: any Error, of node: TaskNode) -> Bool? {
    shared.withLock { $0.run.keep(error, of: node) }
  }
}
