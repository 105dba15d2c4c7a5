import Foundation
import PlumbCore
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

  /// After the wait: the stop or phase-out that woke it, or the requirements that did not complete.
  private func check(_ growth: GraphGrowth, waiter: TaskNode) throws {
    if !handsOut { throw DynamicRequirementError.stopped }
    let unfinished = shared.withLock { _ in
      growth.requested.filter { $0.state != .succeeded && $0.state != .alreadyComplete }
    }
    if !unfinished.isEmpty { throw DynamicRequirementError.failed(unfinished.map(\.info.description)) }
  }

  /// Joins `growth` to the running graph (``RunState/grew(_:waiter:wait:)``), starts the loop for
  /// the slot `waiter` lends, and wakes the workers its runnable tasks need.
  ///
  /// - Returns: Whether the caller must wait for `wait` to wake it.
  private func join(_ growth: GraphGrowth, waiter: TaskNode, wait: DynamicWait) -> Result<Bool, any Error> {
    let joined = shared.withLock { shared in
      let joined = shared.run.grew(growth, waiter: waiter, wait: wait)
      // Under the lock: two tasks lending slots at once must not start threads side by side.
      if joined.startsLoop { shared.threads?.grow(to: shared.run.loops) }
      return joined
    }
    if joined.startsLoop, let threads = shared.withLock({ $0.threads }) {
      workLoop.adopt(Task(executorPreference: threads) { await self.work(isLent: true) })
    }
    for worker in joined.workers { worker.resume() }
    return joined.outcome
  }
}
