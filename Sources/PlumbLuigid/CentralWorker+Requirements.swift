import Foundation
import PlumbCore
import PlumbWorkers
import Synchronization

/// Dynamic requirements (`require(_:)`) with luigid: the requirements join the run's graph and are
/// registered with luigid, which is told the waiting task's new dependencies as a Python worker
/// tells them (`add_task` with `new_deps`); the waiting task lends its slot, so the coordinator
/// asks luigid for one more task, and the requirements run wherever luigid hands them out.
///
/// As with a Python worker, the waiting task is PENDING in luigid while its requirements are not
/// done (when they all are already, it just goes on, RUNNING), and its resources are free for
/// others meanwhile. luigid then hands it out again: to this worker, whose `run()` goes on where
/// it waited; or to another worker that scheduled it too, or an assistant, which runs it from the
/// start as a Python worker would, while `require` here throws
/// ``DynamicRequirementError/handedToAnotherWorker(_:)`` and the task counts as that worker's.
extension CentralWorker {
  package func require(_ tasks: [any PipelineTask], by node: TaskNode) async throws {
    let requested = try await join(tasks, waiter: node)
    defer { giveBackSlot() }
    // Another worker may run a requirement, and only its output, or luigid, tells this one when
    // it is done: so the wait looks again every wait interval rather than waiting to be told.
    while try !isHandedBack(node, waitingFor: requested) {
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
    while try !isHandedBack(node, waitingFor: requested) {
      Thread.sleep(forTimeInterval: scheduler.nextWait)
    }
    try check(requested)
  }

  /// One look at the wait of `waiter` for `requested`: true once it may go on (luigid handed it
  /// back, or it never made it PENDING), false to look again after the wait interval. Throws when
  /// the run stops or phases out, a requirement failed (here or on another worker), or luigid handed the task to
  /// another worker; the hand-back mark stays for that last one, for ``finish``.
  private func isHandedBack(_ waiter: TaskNode, waitingFor requested: [TaskNode]) throws -> Bool {
    let id = waiter.info.id
    let mark = shared.withLock { $0.handBacks[id] }
    switch mark {
    case nil:
      // Not PENDING in luigid: the requirements were all done when required, or the run stopped.
      if !handsOut { throw DynamicRequirementError.stopped }
      return isSettled(requested)
    case .handedBack?:
      shared.withLock { _ = $0.handBacks.removeValue(forKey: id) }
      return true
    case .takenBy(let worker)?:
      throw DynamicRequirementError.handedToAnotherWorker(worker)
    case .awaited?:
      break
    }
    do {
      if !handsOut { throw DynamicRequirementError.stopped }
      // luigid hands the task out only once its requirements are done; before, nobody can take it.
      guard isSettled(requested) else { return false }
      try check(requested)
    } catch {
      shared.withLock { _ = $0.handBacks.removeValue(forKey: id) }
      throw error
    }
    guard let holder = otherHolder(of: waiter) else { return false }
    let taken = shared.withLock { shared -> Bool in
      // The coordinator may have been handed it meanwhile: then luigid's RUNNING was this worker's.
      guard shared.handBacks[id] == .awaited else { return false }
      shared.handBacks[id] = .takenBy(holder)
      shared.heldByOthers[id] = holder
      return true
    }
    if taken { throw DynamicRequirementError.handedToAnotherWorker(holder) }
    return false
  }

  /// The other worker luigid has handed `node` to (RUNNING there), or "another worker" when it is
  /// DONE already; `nil` while it is still this worker's to be handed.
  private func otherHolder(of node: TaskNode) -> String? {
    guard let byStatus = luigidEntries(of: node) else { return nil }
    let id = node.info.id
    if byStatus["DONE"]?[id] != nil { return "another worker" }
    // Without a loop over the two statuses: in a release build, that form crashed Swift 6.3.1's
    // optimizer ("Found ownership error").
    let running = byStatus["RUNNING"]?[id] ?? byStatus["BATCH_RUNNING"]?[id]
    let holder = running?["worker_running"]?.string
    return holder == identity.id ? nil : holder
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
    let isDone = shared.withLock { _ in
      growth.requested.allSatisfy { $0.state == .succeeded || $0.state == .alreadyComplete }
    }
    let awaits = !isDone && cycle == nil && growth.error == nil
    // Marked before luigid hears of it, so that the coordinator knows the task when it comes back.
    if awaits { shared.withLock { $0.handBacks[waiter.info.id] = .awaited } }
    do {
      try await reachingLuigid {
        for node in growth.added {
          _ = try await client.call("add_task", TaskRegistration.scheduled(node, worker: worker), log: log)
        }
        _ = try await client.call(
          "add_task",
          TaskRegistration.newDependencies(of: waiter, growth.requested, pending: awaits, worker: worker), log: log)
      }
    } catch {
      shared.withLock { _ = $0.handBacks.removeValue(forKey: waiter.info.id) }
      throw error
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

  /// Whether luigid has `node` as FAILED or DISABLED.
  private func hasFailedElsewhere(_ node: TaskNode) -> Bool {
    guard let byStatus = luigidEntries(of: node) else { return false }
    return ["FAILED", "DISABLED"].contains { byStatus[$0]?[node.info.id] != nil }
  }

  /// luigid's `task_search` for `node`: its tasks by status, then by id; `nil` when luigid did not
  /// answer. Blocking, on the waiting task's own thread (one of the run's, which may block).
  private func luigidEntries(of node: TaskNode) -> [String: JSONValue]? {
    guard case .object(let byStatus)? = try? client.callBlocking("task_search", ["task_str": .string(node.info.id)])
    else { return nil }
    return byStatus
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
