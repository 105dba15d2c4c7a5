import Foundation
import Synchronization

/// Dynamic requirements (`require(_:)`) on the local scheduler: the requirements join the graph
/// and the ready queue; the waiting task lends its slot to one more worker loop until they settle.
extension WorkerPool {
  func require(_ tasks: [any PipelineTask], by node: TaskNode) async throws {
    let growth = graph.grow(with: tasks)
    let joined = await withCheckedContinuation { (continuation: CheckedContinuation<(any Error)?, Never>) in
      let wait = DynamicWait { continuation.resume(returning: nil) }
      switch join(growth, waiter: node, wait: wait) {
      case .success(true): break  // `wait` resumes it.
      case .success(false): continuation.resume(returning: nil)
      case .failure(let error): continuation.resume(returning: error)
      }
    }
    if let joined { throw joined }
    try check(growth, waiter: node)
  }

  func requireBlocking(_ tasks: [any PipelineTask], by node: TaskNode) throws {
    let growth = graph.grow(with: tasks)
    let woken = DispatchSemaphore(value: 0)
    let wait = DynamicWait { woken.signal() }
    // This thread blocks until the requirements settle; the slot it lends starts a thread of its
    // own, so the run goes on even with one worker (an async bridge on Swift's shared pool would not).
    if try join(growth, waiter: node, wait: wait).get() { woken.wait() }
    try check(growth, waiter: node)
  }

  /// After the wait: the stop that woke it, or the requirements that did not complete.
  private func check(_ growth: GraphGrowth, waiter: TaskNode) throws {
    if isStopping { throw DynamicRequirementError.stopped }
    let unfinished = shared.withLock { _ in
      growth.requested.filter { $0.state != .succeeded && $0.state != .alreadyComplete }
    }
    if !unfinished.isEmpty { throw DynamicRequirementError.failed(unfinished.map(\.info.description)) }
  }

  /// Links `growth` into the running graph under the pool's lock, queues what is runnable, and
  /// registers `wait`, lending `waiter`'s slot. Fails without waiting on a stop, a cycle, or a task
  /// the growth could not take; the nodes it added are linked and queued all the same, so that a
  /// later `require(_:)` of one of them finds it runnable.
  ///
  /// - Returns: Whether the caller must wait for `wait` to wake it.
  private func join(_ growth: GraphGrowth, waiter: TaskNode, wait: DynamicWait) -> Result<Bool, any Error> {
    let joined = shared.withLock { shared -> (Result<Bool, any Error>, wakes: Int, lend: Bool) in
      guard shared.stopReason == nil, !shared.hasEnded else {
        return (.failure(DynamicRequirementError.stopped), 0, false)
      }
      for (dependent, dependency) in growth.links { dependency.dependents.append(dependent) }
      // Not `linkedFrom`, which belongs to the graph's builder: a set, once per call.
      var linked = Set(waiter.dependencies.map(ObjectIdentifier.init))
      for requirement in growth.requested where linked.insert(ObjectIdentifier(requirement)).inserted {
        waiter.dependencies.append(requirement)
        requirement.dependents.append(waiter)
      }
      shared.nodes += growth.added
      for node in growth.added { node.depth = waiter.depth + 1 }
      var queued = 0
      for node in growth.added where node.state == .pending {
        var unfinished = 0
        var blocked = false
        for dependency in node.dependencies {
          switch dependency.state {
          case .alreadyComplete, .succeeded: break
          case .failed, .schedulingFailed, .missingExternal, .interrupted: blocked = true
          default:
            unfinished += 1
            blocked = blocked || dependency.isBlocked
          }
        }
        node.unfinishedDependencies = unfinished
        if blocked {
          node.isBlocked = true
        } else if unfinished == 0 {
          shared.ready.push(node)
          queued += 1
        }
      }
      // What the new nodes block in turn, now that all of them are linked.
      for node in growth.added where node.isBlocked || node.state == .missingExternal || node.state == .schedulingFailed
      {
        _ = Self.block(dependentsOf: node)
      }
      if let cycle = Self.cycle(from: waiter) {
        return (.failure(DynamicRequirementError.cycle(cycle.map(\.info.description))), queued, false)
      }
      if let error = growth.error { return (.failure(error), queued, false) }
      for requirement in growth.requested where !Self.isSettled(requirement) {
        requirement.waits.append(wait)
        wait.remaining += 1
      }
      guard wait.remaining > 0 else { return (.success(false), queued, false) }
      shared.waits[ObjectIdentifier(wait)] = wait
      shared.lent += 1
      let lend = shared.loops < shared.slots + shared.lent
      if lend {
        shared.loops += 1
        shared.threads?.grow(to: shared.loops)
      }
      return (.success(true), queued, lend)
    }
    if joined.lend, let threads = shared.withLock({ $0.threads }) {
      let loop = Task(executorPreference: threads) { await self.work(isLent: true) }
      let isStopped = shared.withLock { shared in
        shared.lentLoops.append(loop)
        return shared.stopReason != nil
      }
      if isStopped { loop.cancel() }
    }
    wakeIdleWorkers(joined.wakes)
    return joined.0
  }

  /// Wakes up to `count` worker loops waiting for a task.
  private func wakeIdleWorkers(_ count: Int) {
    guard count > 0 else { return }
    let woken = shared.withLock { shared -> [CheckedContinuation<Void, Never>] in
      let woken = Array(shared.waiting.prefix(count))
      shared.waiting.removeFirst(woken.count)
      return woken
    }
    for worker in woken { worker.resume() }
  }

  /// Whether a `require(_:)` waiting for `node` can stop waiting for it.
  static func isSettled(_ node: TaskNode) -> Bool {
    switch node.state {
    case .alreadyComplete, .succeeded, .failed, .schedulingFailed, .missingExternal, .interrupted,
      .heldByOtherWorker:
      return true
    case .pending: return node.isBlocked
    case .unvisited, .running: return false
    }
  }

  /// Marks the pending tasks downstream of `node` (which failed or cannot run) as blocked; returns them.
  static func block(dependentsOf node: TaskNode) -> [TaskNode] {
    var blocked: [TaskNode] = []
    var stack = [node]
    while let current = stack.popLast() {
      for dependent in current.dependents where dependent.state == .pending && !dependent.isBlocked {
        dependent.isBlocked = true
        blocked.append(dependent)
        stack.append(dependent)
      }
    }
    return blocked
  }

  /// Counts `nodes` as settled for the waits on them; returns the waits with nothing left, and
  /// gives back the slots their tasks lent.
  static func settle(_ nodes: [TaskNode], in shared: inout Shared) -> [DynamicWait] {
    var done: [DynamicWait] = []
    for node in nodes where !node.waits.isEmpty {
      for wait in node.waits {
        wait.remaining -= 1
        guard wait.remaining == 0, shared.waits.removeValue(forKey: ObjectIdentifier(wait)) != nil else { continue }
        shared.lent -= 1
        done.append(wait)
      }
      node.waits = []
    }
    return done
  }

  /// A circle of tasks waiting for each other through `waiter`, its first task repeated at the end;
  /// `nil` when there is none. Follows the requirements of tasks not done yet, depth first.
  static func cycle(from waiter: TaskNode) -> [TaskNode]? {
    var onPath = Set<ObjectIdentifier>()
    var finished = Set<ObjectIdentifier>()
    var path: [(node: TaskNode, next: Int)] = [(waiter, 0)]
    onPath.insert(ObjectIdentifier(waiter))
    while let (node, next) = path.last {
      guard next < node.dependencies.count else {
        path.removeLast()
        onPath.remove(ObjectIdentifier(node))
        finished.insert(ObjectIdentifier(node))
        continue
      }
      path[path.count - 1].next += 1
      let dependency = node.dependencies[next]
      guard dependency.state == .pending || dependency.state == .running else { continue }
      let id = ObjectIdentifier(dependency)
      if onPath.contains(id) {
        let start = path.firstIndex { $0.node === dependency } ?? 0
        return path[start...].map(\.node) + [dependency]
      }
      guard !finished.contains(id) else { continue }
      onPath.insert(id)
      path.append((dependency, 0))
    }
    return nil
  }
}
