import Foundation
import Synchronization

/// Runs the pending tasks of a graph with `workers` tasks in flight: a task is handed out when all
/// its dependencies are done, highest priority first; a failure leaves its dependents pending.
///
/// `workers` worker loops run as child tasks on the run's ``WorkerThreads``, where a synchronous
/// `run()` has a thread to itself. A worker that finishes a task takes one of the tasks it released
/// itself and wakes waiting workers only for the others, so a chain of tasks runs on one thread
/// without handing each step to another.
final class WorkerPool: Sendable {
  private let nodes: [TaskNode]
  private let options: RunOptions
  private let context: RunContext
  private let log: RunLog
  private let events: EventDispatch
  private let locks: TaskLocks?

  /// What the workers share: the runnable tasks, how many run, and the workers waiting for a task.
  /// The nodes' `state` and `unfinishedDependencies` change only while this is locked.
  private struct Shared {
    var ready = ReadyQueue()
    var running = 0
    var waiting: [CheckedContinuation<Void, Never>] = []
  }

  private let shared = Mutex(Shared())

  init(nodes: [TaskNode], options: RunOptions, context: RunContext, log: RunLog, events: EventDispatch) {
    self.nodes = nodes
    self.options = options
    self.context = context
    self.log = log
    self.events = events
    locks = options.locksTasks ? TaskLocks(workingDirectory: context.workingDirectory) : nil
  }

  /// Runs until nothing is runnable and nothing is running.
  ///
  /// - Throws: ``PipelineError/noWorkerThread(reason:)`` when the system lets no worker thread start.
  func run() async throws {
    var ready = ReadyQueue()
    for node in nodes where node.state == .pending {
      var unfinished = 0
      for dependency in node.dependencies where dependency.state != .alreadyComplete { unfinished += 1 }
      node.unfinishedDependencies = unfinished
      if unfinished == 0 { ready.push(node) }
    }
    guard !ready.isEmpty else { return }
    shared.withLock { [ready] in $0.ready = ready }
    let asked = max(1, options.workers)
    if asked > RunOptions.maximumWorkers {
      log.warning("\(asked) workers asked for; running with \(RunOptions.maximumWorkers), the most Plumb uses")
    }
    let threads = WorkerThreads(count: min(asked, RunOptions.maximumWorkers))
    defer { threads.stop() }
    let reason = threads.failure.map { String(cString: strerror($0)) } ?? "unknown reason"
    guard threads.count > 0 else { throw PipelineError.noWorkerThread(reason: reason) }
    if threads.count < min(asked, RunOptions.maximumWorkers) {
      log.warning(
        "only \(threads.count) worker threads could start (\(reason)); running \(threads.count) tasks at a time")
    }
    let workers = threads.count
    await withTaskExecutorPreference(threads) {
      await withDiscardingTaskGroup { group in
        for _ in 0..<workers {
          group.addTask { await self.work() }
        }
      }
    }
  }

  /// A worker's loop: take a runnable task, run it, release its dependents.
  private func work() async {
    while let node = await nextNode() {
      let outcome = await context.activate { await runHoldingLock(node) }
      finish(node, outcome)
    }
  }

  /// The next runnable task, waiting while other workers run theirs; `nil` once nothing is left.
  private func nextNode() async -> TaskNode? {
    while true {
      let taken = shared.withLock { shared -> (node: TaskNode?, isOver: Bool) in
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
          guard shared.ready.isEmpty && shared.running > 0 else { return true }
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
    let woken = shared.withLock { shared -> [CheckedContinuation<Void, Never>] in
      shared.running -= 1
      node.state = outcome
      var released = 0
      if outcome != .failed {
        for dependent in node.dependents where dependent.state == .pending {
          dependent.unfinishedDependencies -= 1
          if dependent.unfinishedDependencies == 0 {
            shared.ready.push(dependent)
            released += 1
          }
        }
      }
      let isOver = shared.ready.isEmpty && shared.running == 0
      let count = min(isOver ? shared.waiting.count : max(released - 1, 0), shared.waiting.count)
      let woken = Array(shared.waiting.prefix(count))
      shared.waiting.removeFirst(count)
      return woken
    }
    for worker in woken { worker.resume() }
  }

  /// Runs `node` holding its lock across runs (``TaskLocks``). A task that another run finished
  /// since this one scheduled it is complete, and is not run again.
  private func runHoldingLock(_ node: TaskNode) async -> TaskNode.State {
    let lock = locks?.acquire(node.info) {
      log.info("waiting: another run is running \(node.info)")
    }
    defer { lock?.release() }
    // Checked again holding the lock, whether or not it had to wait: another run may have finished
    // the task after this run scheduled it and before it got here. Not a wrapper, which is complete
    // as soon as its requirements are, and whose run does nothing anyway.
    if !node.isWrapper, (try? node.task.complete()) == true {
      log.info("\(node.info) was completed by another run meanwhile")
      return .alreadyComplete
    }
    return await runWithRetries(node) ? .succeeded : .failed
  }

  private func runWithRetries(_ node: TaskNode) async -> Bool {
    var attempt = 1
    while await !runOnce(node) {
      guard attempt <= options.retries else { return false }
      attempt += 1
      log.info("retrying \(node.info) (attempt \(attempt) of \(options.retries + 1))")
      events.emit(.retrying(node.info, attempt: attempt))
      if options.retryDelay > 0 { try? await Task.sleep(nanoseconds: UInt64(options.retryDelay * 1e9)) }
    }
    return true
  }

  /// Checks the dependencies again, as Luigi does, then runs the task once.
  private func runOnce(_ node: TaskNode) async -> Bool {
    var missing: [TaskNode] = []
    for dependency in node.dependencies where !((try? dependency.task.complete()) ?? false) {
      missing.append(dependency)
    }
    if !missing.isEmpty {
      let error = UnfulfilledDependency(missing: missing)
      record(error, of: node)
      events.emit(.failed(node.info, error: error))
      return false
    }
    log.info("running \(node.info)")
    events.emit(.started(node.info))
    let start = DispatchTime.now().uptimeNanoseconds
    do {
      try await node.task.run()
      let seconds = Self.seconds(since: start)
      log.info("done \(node.info) in \(String(format: "%.2f", seconds)) s")
      // Luigi's order: the duration, then the outcome, whose observers may report both.
      events.emit(.processingTime(node.info, seconds: seconds))
      events.emit(.succeeded(node.info))
      return true
    } catch {
      let seconds = Self.seconds(since: start)
      record(error, of: node)
      events.emit(.processingTime(node.info, seconds: seconds))
      events.emit(.failed(node.info, error: error))
      return false
    }
  }

  private static func seconds(since start: UInt64) -> Double {
    Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
  }

  private func record(_ error: any Error, of node: TaskNode) {
    node.failureCount += 1
    node.error = error
    log.error("\(node.info) failed: \(Scheduler.describe(error))")
  }
}
