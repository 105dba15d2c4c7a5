import Foundation
import PlumbCore
import PlumbWorkers
import Synchronization

/// Dynamic requirements (`require(_:)`) with luigid: the requirements join the run's graph and are
/// registered with luigid, which is told the waiting task's new dependencies as a Python worker
/// tells them (`add_task` with `new_deps`); the waiting task lends its slot, so the coordinator
/// asks luigid for one more task, and the requirements run wherever luigid hands them out.
///
/// Unlike a Python worker, which reports the waiting task PENDING and runs it again from the top
/// later, Plumb keeps it RUNNING on this worker: luigid must not hand it to another worker while
/// its `run()` goes on here.
extension CentralWorker {
  package func require(_ tasks: [any PipelineTask], by node: TaskNode) async throws {
    let requested = try await join(tasks, waiter: node)
    defer { giveBackSlot() }
    // Another worker may run a requirement, and only its output tells this one when it is done:
    // so the wait looks again every wait interval rather than waiting to be told.
    while !isSettled(requested) {
      if isStopping { throw DynamicRequirementError.stopped }
      try? await Task.sleep(nanoseconds: UInt64(scheduler.nextWait * 1e9))
    }
    try check(requested)
  }

  package func requireBlocking(_ tasks: [any PipelineTask], by node: TaskNode) throws {
    // This is one of the run's own threads, not Swift's shared pool: blocking it is safe, and the
    // coordinator runs the requirements on the slot it lends.
    let outcome = BlockingOutcome<[TaskNode]>()
    // On Swift's shared pool, which this thread is not part of, so the bridge cannot starve itself.
    Task.detached {
      do {
        outcome.finish(.success(try await self.join(tasks, waiter: node)))
      } catch {
        outcome.finish(.failure(error))
      }
    }
    let requested = try outcome.wait()
    defer { giveBackSlot() }
    while !isSettled(requested) {
      if isStopping { throw DynamicRequirementError.stopped }
      Thread.sleep(forTimeInterval: scheduler.nextWait)
    }
    try check(requested)
  }

  /// Adds the tasks to the graph, registers the new ones with luigid and the waiting task's new
  /// dependencies, and lends the waiting task's slot; returns the nodes of the tasks asked for.
  private func join(_ tasks: [any PipelineTask], waiter: TaskNode) async throws -> [TaskNode] {
    guard let graph = shared.withLock({ $0.graph }) else { throw DynamicRequirementError.stopped }
    let growth = graph.grow(with: tasks)
    let cycle = try shared.withLock { shared -> [TaskNode]? in
      guard shared.run.link(growth, requiredBy: waiter) else { throw DynamicRequirementError.stopped }
      for node in growth.added where shared.byID[node.info.id] == nil { shared.byID[node.info.id] = node }
      return waiter.waitingCycle()
    }
    // Registered even when they cannot run now, as the first graph is: luigid shows them.
    let worker = identity.id
    try await reachingLuigid {
      for node in growth.added {
        _ = try await client.call("add_task", TaskRegistration.scheduled(node, worker: worker), log: log)
      }
      _ = try await client.call(
        "add_task", TaskRegistration.newDependencies(of: waiter, growth.requested, worker: worker), log: log)
    }
    if let cycle { throw DynamicRequirementError.cycle(cycle.map(\.info.description)) }
    if let error = growth.error { throw error }
    shared.withLock { shared in
      shared.lent += 1
      shared.threads?.grow(to: slots + shared.lent)
      shared.wakeCoordinator?.yield()
    }
    return growth.requested
  }

  private func giveBackSlot() {
    shared.withLock { $0.lent -= 1 }
  }

  /// Whether every one of `nodes` ran here, cannot run (it or a task it needs failed, could not be
  /// scheduled, or lacks external data), is complete (another worker ran it), or failed on another
  /// worker (luigid says FAILED or DISABLED; it would hand it out again only after its
  /// `retry_delay`, fifteen minutes by default, and the waiting task would wait that long).
  private func isSettled(_ nodes: [TaskNode]) -> Bool {
    let open = shared.withLock { _ in nodes.filter { !Self.isSettled($0) } }
    return open.allSatisfy { node in
      node.state != .running && ((try? node.task.complete()) == true || hasFailedElsewhere(node))
    }
  }

  /// Whether luigid has `node` as FAILED or DISABLED: `task_search` answers `{status: {id: task}}`.
  /// Blocking, on the waiting task's own thread (one of the run's, which may block).
  private func hasFailedElsewhere(_ node: TaskNode) -> Bool {
    guard case .object(let byStatus)? = try? client.callBlocking("task_search", ["task_str": .string(node.info.id)])
    else { return false }
    return ["FAILED", "DISABLED"].contains { byStatus[$0]?[node.info.id] != nil }
  }

  /// Settled as far as this worker can tell without asking the task's outputs.
  private static func isSettled(_ node: TaskNode) -> Bool {
    switch node.state {
    case .alreadyComplete, .succeeded, .failed, .schedulingFailed, .missingExternal, .interrupted:
      return true
    case .pending: return isBlocked(node)
    case .unvisited, .running, .heldByOtherWorker: return false
    }
  }

  /// Whether the pending `node` waits on a task that failed, could not be scheduled or lacks data.
  private static func isBlocked(_ node: TaskNode) -> Bool {
    var seen = Set<ObjectIdentifier>()
    var stack = [node]
    while let current = stack.popLast() {
      for dependency in current.dependencies where seen.insert(ObjectIdentifier(dependency)).inserted {
        switch dependency.state {
        case .failed, .schedulingFailed, .missingExternal, .interrupted: return true
        case .pending: stack.append(dependency)
        default: continue
        }
      }
    }
    return false
  }

  /// Throws naming the requirements that did not complete.
  private func check(_ nodes: [TaskNode]) throws {
    let unfinished = shared.withLock { _ in
      nodes.filter { $0.state != .succeeded && $0.state != .alreadyComplete }
    }.filter { (try? $0.task.complete()) != true }
    if !unfinished.isEmpty { throw DynamicRequirementError.failed(unfinished.map(\.info.description)) }
  }
}
