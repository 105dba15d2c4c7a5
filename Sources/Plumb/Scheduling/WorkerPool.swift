import Foundation

/// Runs the pending tasks of a graph on `workers` threads: a task is handed out when all its
/// dependencies are done, highest priority first; a failure leaves its dependents pending.
final class WorkerPool {
  private let nodes: [TaskNode]
  private let options: RunOptions
  private let context: RunContext
  private let log: RunLog
  private let events: EventDispatch
  private let locks: TaskLocks?
  /// Guards `ready`, `running` and the nodes' `state` and `unfinishedDependencies`.
  private let condition = NSCondition()
  private var ready = ReadyQueue()
  private var running = 0

  init(nodes: [TaskNode], options: RunOptions, context: RunContext, log: RunLog, events: EventDispatch) {
    self.nodes = nodes
    self.options = options
    self.context = context
    self.log = log
    self.events = events
    locks = options.locksTasks ? TaskLocks(workingDirectory: context.workingDirectory) : nil
  }

  /// Runs until nothing is runnable and nothing is running.
  func run() {
    for node in nodes where node.state == .pending {
      var unfinished = 0
      for dependency in node.dependencies where dependency.state != .alreadyComplete { unfinished += 1 }
      node.unfinishedDependencies = unfinished
      if unfinished == 0 { ready.push(node) }
    }
    let workers = max(1, options.workers)
    guard workers > 1 else {
      work()
      return
    }
    let group = DispatchGroup()
    for index in 0..<workers {
      group.enter()
      // Unowned: run() waits for every worker, so the pool outlives them; a strong capture would
      // keep the pool, and every task of the run, alive until each thread has wound down.
      let thread = Thread { [unowned self] in
        work()
        group.leave()
      }
      thread.name = "plumb-worker-\(index + 1)"
      thread.stackSize = 8 << 20
      thread.start()
    }
    group.wait()
  }

  /// A worker's loop: take a runnable task, run it, release its dependents.
  private func work() {
    context.activate {
      condition.lock()
      while true {
        while ready.isEmpty && running > 0 { condition.wait() }
        guard let node = ready.pop() else { break }
        node.state = .running
        running += 1
        condition.unlock()

        let outcome = runHoldingLock(node)

        condition.lock()
        running -= 1
        node.state = outcome
        var released = 0
        if outcome != .failed {
          for dependent in node.dependents where dependent.state == .pending {
            dependent.unfinishedDependencies -= 1
            if dependent.unfinishedDependencies == 0 {
              ready.push(dependent)
              released += 1
            }
          }
        }
        // This worker takes one released task itself; wake others only for the rest, or to stop.
        if released > 1 || (ready.isEmpty && running == 0) { condition.broadcast() }
      }
      condition.unlock()
    }
  }

  /// Runs `node` holding its lock across runs (``TaskLocks``). A task that another run finished
  /// while this one waited for the lock is complete, and is not run again.
  private func runHoldingLock(_ node: TaskNode) -> TaskNode.State {
    let lock = locks?.acquire(node.info) {
      log.info("waiting: another run is running \(node.info)")
    }
    defer { lock?.release() }
    if lock?.waited == true, (try? node.task.complete()) == true {
      log.info("\(node.info) was completed by the other run meanwhile")
      return .alreadyComplete
    }
    return runWithRetries(node) ? .succeeded : .failed
  }

  private func runWithRetries(_ node: TaskNode) -> Bool {
    var attempt = 1
    while !runOnce(node) {
      guard attempt <= options.retries else { return false }
      attempt += 1
      log.info("retrying \(node.info) (attempt \(attempt) of \(options.retries + 1))")
      events.emit(.retrying(node.info, attempt: attempt))
      if options.retryDelay > 0 { Thread.sleep(forTimeInterval: options.retryDelay) }
    }
    return true
  }

  /// Checks the dependencies again, as Luigi does, then runs the task once.
  private func runOnce(_ node: TaskNode) -> Bool {
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
      try node.task.run()
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
    node.error = Scheduler.describe(error)
    log.error("\(node.info) failed: \(node.error ?? "")")
  }
}
