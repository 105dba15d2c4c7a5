import Foundation
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

  /// What the workers share: the runnable tasks, how many run, and the workers waiting for a task.
  /// The nodes' `state` and `unfinishedDependencies` change only while this is locked.
  struct Shared {
    /// Every node of the run, those added while it runs too.
    var nodes: [TaskNode]
    var ready = ReadyQueue()
    var running = 0
    /// The worker loops going; ``slots`` plus ``lent`` are wanted.
    var loops = 0
    /// The loops the run was asked for (`--workers`), once the threads have started.
    var slots = 0
    /// Slots lent by tasks waiting in `require(_:)`: one more loop runs for each.
    var lent = 0
    /// The run's threads, once started; grown by one for each slot lent beyond them.
    var threads: WorkerThreads?
    /// The worker loops started for lent slots, to cancel when the run stops as the others are.
    var lentLoops: [Task<Void, Never>] = []
    /// The waits of `require(_:)` calls not yet woken, to wake when the run stops.
    var waits: [ObjectIdentifier: DynamicWait] = [:]
    var waiting: [CheckedContinuation<Void, Never>] = []
    /// Why the run stops early; once set, no task is handed out.
    var stopReason: String?
    /// The workers' task, cancelled when the run stops.
    var workers: Task<Void, Never>?
    /// The run waiting for the workers to end, or for the grace period after a stop to run out.
    var end: CheckedContinuation<Void, Never>?
    /// Whether the run has returned: tasks still running then are abandoned, and what they do
    /// later no longer changes the nodes, whose records the run has handed out.
    var hasEnded = false
  }

  let shared: Mutex<Shared>

  init(
    nodes: [TaskNode], graph: any GraphGrowing, options: RunOptions, context: RunContext, log: RunLog,
    events: EventDispatch
  ) {
    shared = Mutex(Shared(nodes: nodes))
    self.graph = graph
    self.options = options
    self.log = log
    self.events = events
    execution = TaskExecution(options: options, context: context, log: log, events: events)
  }

  /// Runs until nothing is runnable and nothing is running, or until a stop's grace period ends;
  /// returns why the run was stopped, or `nil`.
  ///
  /// - Throws: ``PipelineError/noWorkerThread(reason:)`` when the system lets no worker thread start.
  func run() async throws -> String? {
    let nodes = shared.withLock { $0.nodes }
    var ready = ReadyQueue()
    for node in nodes where node.state == .pending {
      var unfinished = 0
      for dependency in node.dependencies where dependency.state != .alreadyComplete { unfinished += 1 }
      node.unfinishedDependencies = unfinished
      if unfinished == 0 { ready.push(node) }
    }
    guard !ready.isEmpty else { return nil }
    shared.withLock { [ready] shared in
      shared.ready = ready
      // What can never run, for `require(_:)` to count as settled.
      for node in nodes where node.state == .missingExternal || node.state == .schedulingFailed {
        _ = Self.block(dependentsOf: node)
      }
    }
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
      shared.slots = workers
      shared.loops = workers
    }
    let observation = options.stop?.observe { [self] reason in stop(reason) }
    defer { options.stop?.endObservation(observation) }
    // The workers run in a task of their own, so that a stopped run can return while a
    // synchronous task, which nothing can interrupt, is still running.
    await withTaskCancellationHandler {
      await withCheckedContinuation { (end: CheckedContinuation<Void, Never>) in
        shared.withLock { $0.end = end }
        let task = Task {
          await withTaskExecutorPreference(threads) {
            await withDiscardingTaskGroup { group in
              for _ in 0..<workers {
                group.addTask { await self.work() }
              }
            }
          }
          self.end()
        }
        let isStopped = shared.withLock { shared in
          shared.workers = task
          return shared.stopReason != nil
        }
        if isStopped { task.cancel() }
      }
    } onCancel: {
      stop("cancelled")
    }
    let (reason, abandoned) = shared.withLock { shared -> (String?, [TaskNode]) in
      shared.hasEnded = true
      let abandoned = shared.nodes.filter { $0.state == .running }
      for node in abandoned { node.state = .interrupted }
      return (shared.stopReason, abandoned)
    }
    if !abandoned.isEmpty {
      log.warning(
        "still running after the grace period, left behind: \(abandoned.map(\.info.description).joined(separator: ", "))"
      )
    }
    return reason
  }

  /// Stops handing out tasks, cancels the running ones and lets them end within the grace period.
  private func stop(_ reason: String) {
    let stopped = shared.withLock {
      shared -> (
        workers: [Task<Void, Never>], waiting: [CheckedContinuation<Void, Never>], waits: [DynamicWait]
      )? in
      guard shared.stopReason == nil, !shared.hasEnded else { return nil }
      shared.stopReason = reason
      defer {
        shared.waiting = []
        shared.waits = [:]
      }
      return ([shared.workers].compactMap { $0 } + shared.lentLoops, shared.waiting, Array(shared.waits.values))
    }
    guard let stopped else { return }
    // Tasks waiting for their dynamic requirements wake, and fail as stopped.
    for wait in stopped.waits { wait.wake() }
    let grace = options.stopGracePeriod
    log.warning("stopping (\(reason)): no new tasks; running tasks have \(String(format: "%g", grace)) s to end")
    for workers in stopped.workers { workers.cancel() }
    for worker in stopped.waiting { worker.resume() }
    // Weak: a finished run is not kept in memory until the timer fires.
    DispatchQueue.global().asyncAfter(deadline: .now() + grace) { [weak self] in self?.end() }
  }

  /// Wakes the run: its workers have ended, or the grace period after a stop has run out.
  private func end() {
    let end = shared.withLock { shared in
      defer { shared.end = nil }
      return shared.end
    }
    end?.resume()
  }

  var isStopping: Bool { shared.withLock { $0.stopReason != nil } }

  /// A worker's loop: take a runnable task, run it, release its dependents. A loop started for a
  /// lent slot (`isLent`) ends once it is no longer wanted.
  func work(isLent: Bool = false) async {
    while let node = await nextNode(isLent: isLent) {
      finish(node, await execution.run(node, for: self))
    }
  }

  /// The next runnable task, waiting while other workers run theirs; `nil` once nothing is left,
  /// or for a lent loop once its slot has been given back.
  private func nextNode(isLent: Bool) async -> TaskNode? {
    while true {
      let taken = shared.withLock { shared -> (node: TaskNode?, isOver: Bool) in
        if shared.stopReason != nil { return (nil, true) }
        if isLent && shared.loops > shared.slots + shared.lent {
          shared.loops -= 1
          return (nil, true)
        }
        if let node = shared.ready.pop() {
          node.state = .running
          shared.running += 1
          return (node, false)
        }
        return (nil, shared.running == 0)
      }
      if let node = taken.node { return node }
      if taken.isOver { return nil }
      await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
        let isReady = shared.withLock { shared in
          guard shared.ready.isEmpty && shared.running > 0 && shared.stopReason == nil else { return true }
          shared.waiting.append(continuation)
          return false
        }
        if isReady { continuation.resume() }
      }
    }
  }

  /// Records `node`'s outcome and releases its dependents. The calling worker takes one released
  /// task itself, so only the others wake waiting workers; when nothing is left, all of them wake
  /// to stop.
  private func finish(_ node: TaskNode, _ outcome: TaskNode.State) {
    let (woken, wake) = shared.withLock { shared -> ([CheckedContinuation<Void, Never>], [DynamicWait]) in
      guard !shared.hasEnded else { return ([], []) }
      shared.running -= 1
      node.state = outcome
      var released = 0
      // A task a stop kept from starting settles nothing: the stop wakes every `require(_:)`.
      var settled = outcome == .pending ? [] : [node]
      if outcome == .succeeded || outcome == .alreadyComplete {
        for dependent in node.dependents where dependent.state == .pending && !dependent.isBlocked {
          dependent.unfinishedDependencies -= 1
          if dependent.unfinishedDependencies == 0 {
            shared.ready.push(dependent)
            released += 1
          }
        }
      } else if outcome != .pending {
        settled += Self.block(dependentsOf: node)
      }
      let wake = Self.settle(settled, in: &shared)
      let isOver = shared.ready.isEmpty && shared.running == 0
      let count = min(isOver ? shared.waiting.count : max(released - 1, 0), shared.waiting.count)
      let woken = Array(shared.waiting.prefix(count))
      shared.waiting.removeFirst(count)
      return (woken, wake)
    }
    for wait in wake { wait.wake() }
    for worker in woken { worker.resume() }
  }

  /// Keeps `error` as why `node` failed (see ``TaskExecutionHost/keep(_:of:)``).
  func keep(_ error: any Error, of node: TaskNode) -> Bool? {
    shared.withLock { shared -> Bool? in
      guard !shared.hasEnded else { return nil }
      node.error = error
      guard shared.stopReason == nil else { return false }
      node.failureCount += 1
      return true
    }
  }
}
