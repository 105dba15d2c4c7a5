import Foundation

/// Builds a run's task graph, decides what is complete, and runs the rest on worker threads.
final class Scheduler {
  private let options: RunOptions
  private let context: RunContext
  private let log: RunLog
  private var nodes: [TaskNode] = []
  private var nodesByName: [String: TaskNode] = [:]
  private let lock = NSCondition()
  private let observerLock = NSLock()
  private var ready = ReadyQueue()
  private var running = 0
  private var priorities: [ObjectIdentifier: Int] = [:]

  init(options: RunOptions, context: RunContext) {
    self.options = options
    self.context = context
    log = RunLog(level: options.logLevel, sink: options.logSink)
  }

  /// Schedules and runs `roots` and everything they need; returns every task's record.
  func run(_ roots: [any Task]) throws -> [TaskNode] {
    try context.activate {
      try context.resolve(roots)
      try buildGraph(roots)
      try checkForCycles()
    }
    execute()
    return nodes
  }

  // MARK: - The graph

  private func node(for task: any Task) -> TaskNode {
    let info = TaskInfo(task)
    if let known = nodesByName[info.description] { return known }
    let node = TaskNode(task: task, info: info, order: nodes.count)
    nodes.append(node)
    nodesByName[info.description] = node
    return node
  }

  /// Walks from the roots as Luigi does: a complete task's requirements are not visited. Uses an
  /// explicit stack, so a chain of any length fits.
  private func buildGraph(_ roots: [any Task]) throws {
    var stack = roots.map(node(for:)).reversed() as [TaskNode]
    while let current = stack.popLast() {
      guard current.state == .unvisited else { continue }
      let complete: Bool
      do {
        complete = try current.task.complete()
      } catch {
        current.state = .schedulingFailed
        current.error = "complete() failed: \(Self.describe(error))"
        log.error("\(current.info) could not be scheduled: \(current.error!)")
        continue
      }
      if complete {
        current.state = .alreadyComplete
        continue
      }
      if current.isExternal {
        current.state = .missingExternal
        log.warning(
          "Data for \(current.info) does not exist (yet?). The task is an external data dependency, so it cannot be run from this plumb process."
        )
        emit(.dependencyMissing(current.info))
        continue
      }
      if current.task.output().targets.isEmpty {
        log.info("\(current.info) has no outputs, so it is never complete and runs every time")
      }
      let required = current.task.requires().requiredTasks
      do {
        try context.resolve(required)
      } catch {
        current.state = .schedulingFailed
        current.error = Self.describe(error)
        log.error("\(current.info) could not be scheduled: \(current.error!)")
        continue
      }
      current.state = .pending
      var seen = Set<ObjectIdentifier>()
      var pushed = 0
      for task in required {
        let dependency = node(for: task)
        guard seen.insert(ObjectIdentifier(dependency)).inserted else { continue }
        current.dependencies.append(dependency)
        dependency.dependents.append(current)
        if dependency.state == .unvisited {
          stack.append(dependency)
          pushed += 1
        }
      }
      // Keep the first requirement on top of the stack so tasks are found in requires() order.
      // Only the requirements pushed just now: one already visited (shared with another task) is not on it.
      stack[(stack.count - pushed)...].reverse()
    }
  }

  /// Refuses a graph in which pending tasks require each other in a circle, naming the circle.
  private func checkForCycles() throws {
    let pending = nodes.filter { $0.state == .pending }
    var waiting: [ObjectIdentifier: Int] = [:]
    for node in pending {
      waiting[ObjectIdentifier(node)] = node.dependencies.filter { $0.state == .pending }.count
    }
    var free = pending.filter { waiting[ObjectIdentifier($0)] == 0 }
    var released = 0
    while let node = free.popLast() {
      released += 1
      for dependent in node.dependents where dependent.state == .pending {
        let key = ObjectIdentifier(dependent)
        waiting[key]! -= 1
        if waiting[key] == 0 { free.append(dependent) }
      }
    }
    guard released < pending.count else { return }
    // Every stuck task waits on another stuck one, so following such edges must come back round.
    var path: [TaskNode] = []
    var position: [ObjectIdentifier: Int] = [:]
    var current = pending.first { waiting[ObjectIdentifier($0)]! > 0 }!
    while position[ObjectIdentifier(current)] == nil {
      position[ObjectIdentifier(current)] = path.count
      path.append(current)
      current = current.dependencies.first { $0.state == .pending && waiting[ObjectIdentifier($0)]! > 0 }!
    }
    let cycle = path[position[ObjectIdentifier(current)]!...].map { $0.info.description }
    throw PipelineError.cycle(cycle + [current.info.description])
  }

  // MARK: - Running

  private func execute() {
    for node in nodes where node.state == .pending {
      node.unfinishedDependencies = node.dependencies.filter { $0.state != .alreadyComplete }.count
      if node.unfinishedDependencies == 0 { ready.push(node, priority: node.task.priority) }
    }
    let workers = max(1, options.workers)
    if workers == 1 {
      work()
      return
    }
    let group = DispatchGroup()
    for index in 0..<workers {
      group.enter()
      let thread = Thread { [self] in
        work()
        group.leave()
      }
      thread.name = "plumb-worker-\(index + 1)"
      thread.stackSize = 8 << 20
      thread.start()
    }
    group.wait()
  }

  /// A worker's loop: take a runnable task, run it, release its dependents; stop when nothing is
  /// runnable and nothing is running.
  private func work() {
    while true {
      lock.lock()
      while ready.isEmpty && running > 0 { lock.wait() }
      guard let node = ready.pop() else {
        lock.unlock()
        lock.broadcast()
        return
      }
      node.state = .running
      running += 1
      lock.unlock()

      let succeeded = context.activate { runWithRetries(node) }

      lock.lock()
      running -= 1
      node.state = succeeded ? .succeeded : .failed
      if succeeded {
        for dependent in node.dependents where dependent.state == .pending {
          dependent.unfinishedDependencies -= 1
          if dependent.unfinishedDependencies == 0 { ready.push(dependent, priority: dependent.task.priority) }
        }
      }
      lock.unlock()
      lock.broadcast()
    }
  }

  private func runWithRetries(_ node: TaskNode) -> Bool {
    var attempt = 0
    while true {
      if runOnce(node) { return true }
      attempt += 1
      guard attempt <= options.retries else { return false }
      log.info("retrying \(node.info) (attempt \(attempt + 1) of \(options.retries + 1))")
      emit(.retrying(node.info, attempt: attempt + 1))
      if options.retryDelay > 0 { Thread.sleep(forTimeInterval: options.retryDelay) }
    }
  }

  private func runOnce(_ node: TaskNode) -> Bool {
    let missing = node.dependencies.filter { dependency in
      !((try? dependency.task.complete()) ?? false)
    }
    if !missing.isEmpty {
      let names = missing.map { dependency -> String in
        let paths = dependency.task.output().targets.filter { !$0.exists() }.map(\.description)
        return paths.isEmpty ? dependency.info.id : "\(dependency.info.id) (\(paths.joined(separator: ", ")))"
      }
      let error = UnfulfilledDependency(message: "Unfulfilled dependency at run time: " + names.joined(separator: ", "))
      record(failure: error, of: node)
      emit(.failed(node.info, error: error))
      return false
    }
    log.info("running \(node.info)")
    emit(.started(node.info))
    let start = DispatchTime.now().uptimeNanoseconds
    do {
      try node.task.run()
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      log.info("done \(node.info) in \(String(format: "%.2f", seconds)) s")
      emit(.succeeded(node.info))
      emit(.processingTime(node.info, seconds: seconds))
      return true
    } catch {
      let seconds = Double(DispatchTime.now().uptimeNanoseconds - start) / 1e9
      record(failure: error, of: node)
      emit(.failed(node.info, error: error))
      emit(.processingTime(node.info, seconds: seconds))
      return false
    }
  }

  private func record(failure error: any Error, of node: TaskNode) {
    let message = Self.describe(error)
    lock.lock()
    node.failureCount += 1
    node.error = message
    lock.unlock()
    log.error("\(node.info) failed: \(message)")
  }

  private func emit(_ event: TaskEvent) {
    guard !options.observers.isEmpty else { return }
    observerLock.lock()
    defer { observerLock.unlock() }
    for observer in options.observers {
      do {
        try observer(event)
      } catch {
        log.warning("an event observer failed on \(event.task) and was ignored: \(Self.describe(error))")
      }
    }
  }

  /// An error as one line: its description, without Swift's type decoration.
  static func describe(_ error: any Error) -> String {
    let text = (error as? LocalizedError)?.errorDescription ?? String(describing: error)
    return text.split(separator: "\n", omittingEmptySubsequences: true).joined(separator: " ")
  }
}

/// A dependency that was complete when scheduled but is not when its dependent is about to run.
struct UnfulfilledDependency: Error, CustomStringConvertible {
  let message: String
  var description: String { message }
}
