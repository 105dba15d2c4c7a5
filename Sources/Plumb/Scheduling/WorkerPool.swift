import Foundation

/// Runs the pending tasks of a graph with `workers` tasks in flight: a task is handed out when all
/// its dependencies are done, highest priority first; a failure leaves its dependents pending.
///
/// One coordinating task owns the ready queue and the nodes' states; each task in flight runs in a
/// child task on the run's ``WorkerThreads``, where a synchronous `run()` has a thread to itself.
final class WorkerPool: Sendable {
  private let nodes: [TaskNode]
  private let options: RunOptions
  private let context: RunContext
  private let log: RunLog
  private let events: EventDispatch
  private let locks: TaskLocks?

  init(nodes: [TaskNode], options: RunOptions, context: RunContext, log: RunLog, events: EventDispatch) {
    self.nodes = nodes
    self.options = options
    self.context = context
    self.log = log
    self.events = events
    locks = options.locksTasks ? TaskLocks(workingDirectory: context.workingDirectory) : nil
  }

  /// Runs until nothing is runnable and nothing is running.
  func run() async {
    var ready = ReadyQueue()
    for node in nodes where node.state == .pending {
      var unfinished = 0
      for dependency in node.dependencies where dependency.state != .alreadyComplete { unfinished += 1 }
      node.unfinishedDependencies = unfinished
      if unfinished == 0 { ready.push(node) }
    }
    guard !ready.isEmpty else { return }
    let workers = max(1, options.workers)
    let threads = WorkerThreads(count: workers)
    defer { threads.stop() }
    await withTaskExecutorPreference(threads) {
      await withTaskGroup(of: (TaskNode, TaskNode.State).self) { group in
        var inFlight = 0
        while true {
          while inFlight < workers, let node = ready.pop() {
            node.state = .running
            inFlight += 1
            group.addTask { [self] in
              (node, await context.activate { await runHoldingLock(node) })
            }
          }
          guard let (node, outcome) = await group.next() else { break }
          inFlight -= 1
          node.state = outcome
          guard outcome != .failed else { continue }
          for dependent in node.dependents where dependent.state == .pending {
            dependent.unfinishedDependencies -= 1
            if dependent.unfinishedDependencies == 0 { ready.push(dependent) }
          }
        }
      }
    }
  }

  /// Runs `node` holding its lock across runs (``TaskLocks``). A task that another run finished
  /// while this one waited for the lock is complete, and is not run again.
  private func runHoldingLock(_ node: TaskNode) async -> TaskNode.State {
    let lock = locks?.acquire(node.info) {
      log.info("waiting: another run is running \(node.info)")
    }
    defer { lock?.release() }
    if lock?.waited == true, (try? node.task.complete()) == true {
      log.info("\(node.info) was completed by the other run meanwhile")
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
