import PlumbCore

/// What a run knows while its tasks run, as one value behind one lock: the graph's nodes and their
/// states, the runnable tasks, how many run, the worker loops and the slots `require(_:)` lends,
/// and whether the run is stopping or has ended.
///
/// Every event is a transition that changes the value and returns what the caller must do once
/// the lock is released (resume waiting workers, wake `require(_:)` calls, start a loop), as
/// async-http-client's `Transaction.StateMachine` does; the rules are tested without threads or
/// I/O (`RunStateTests`). Once the run's tasks run, the nodes' `state`, `unfinishedDependencies`,
/// `isBlocked`, `waits`, `depth`, `failureCount` and `error` change only through it, and so do the
/// links into nodes that workers may be reading (the graph's builder links the nodes it adds among
/// themselves under its own lock, before they are handed over: ``Scheduler/grow(with:)``).
///
/// The local scheduler (``WorkerPool``) uses all of it; the central one (``CentralWorker``), whose
/// hand-out luigid decides, uses what both share: the nodes, stopping, ending, keeping errors and
/// linking the graph's growth.
///
/// `Waiter` is what wakes a worker loop waiting for a task: a continuation in the pool, a plain
/// value in tests.
package struct RunState<Waiter> {
  /// Every node of the run, those added while it runs too.
  package private(set) var nodes: [TaskNode]
  private var ready = ReadyQueue()
  /// Each resource's limit, by its name exactly as written; a resource not listed has limit 1.
  /// luigid matches names so: a task's `DB` is not `[resources] db`.
  private let resourceLimits: [String: Int]
  /// How much of each resource the running tasks hold, by name (luigid's `_used_resources`).
  private var heldResources: [String: Int] = [:]
  /// Runnable tasks that need resources and that a pick passed over, in hand-out order; each pick
  /// weighs them again, and they are queued again when a task lets go of what it held.
  private var waitingForResources: [TaskNode] = []
  /// The tasks handed out and not finished yet: what they hold counts as reserved for the
  /// runnable tasks after them (``pick()``).
  private var handedOut: [TaskNode] = []
  /// How many tasks are handed out and not finished yet.
  var running: Int { handedOut.count }
  /// The worker loops going; ``slots`` plus the slots lent are wanted.
  private(set) var loops = 0
  /// The loops the run was asked for (`--workers`), once the threads have started.
  private(set) var slots = 0
  /// Slots lent by tasks waiting in `require(_:)`: one more loop runs for each.
  private var lent = 0
  /// The waits of `require(_:)` calls not yet woken, with how many of their requirements have not
  /// settled, to wake when that reaches zero or the run stops.
  private var waits: [ObjectIdentifier: Wait] = [:]
  /// Tasks waiting in `require(_:)` that let go of their resources meanwhile, as luigid takes them
  /// from a task that is PENDING again for its new requirements: what it holds may be what they
  /// need. Each takes them back before it goes on.
  private var letGo: Set<ObjectIdentifier> = []
  /// Waits whose requirements are done, in hand-out order, for their tasks to take back the
  /// resources they let go of; what they need counts as reserved ahead of every runnable task.
  private var resuming: [Wait] = []
  /// Worker loops waiting for a task.
  private var waiting: [Waiter] = []
  /// Why the run stops early; once set, no task is handed out.
  package private(set) var stopReason: String?
  /// Why the run phases out (``RunStop/phaseOut(reason:)``); once set, no task is handed out, and
  /// the running ones finish as usual.
  package private(set) var phaseOutReason: String?
  /// Whether the run has returned: tasks still running then are abandoned, and what they do
  /// later no longer changes the nodes, whose records the run has handed out.
  private(set) var hasEnded = false

  package init(nodes: [TaskNode], resourceLimits: [String: Int] = [:]) {
    self.nodes = nodes
    self.resourceLimits = resourceLimits
  }

  package var isStopping: Bool { stopReason != nil }
  /// Whether tasks are still handed out: neither a stop nor a phase-out was asked for.
  package var handsOut: Bool { stopReason == nil && phaseOutReason == nil }

  /// A `require(_:)` call waiting: the task, what it asked for, and how much of that has not settled.
  private struct Wait {
    let wait: DynamicWait
    let waiter: TaskNode
    let requested: [TaskNode]
    var remaining: Int
  }

  /// What to do after a transition, outside the lock.
  package struct Wakes {
    /// Worker loops to resume: a task is runnable for them, or there is nothing left to wait for.
    var workers: [Waiter] = []
    /// `require(_:)` calls whose requirements have all settled, or which the stop ends.
    var requirements: [DynamicWait] = []
  }

  // MARK: - Handing out

  /// The run starts: counts each pending task's unfinished dependencies and queues those with
  /// none; what depends on a task that can never run is blocked, for `require(_:)` to count as
  /// settled. Returns whether any task is runnable.
  mutating func begin() -> Bool {
    for node in nodes where node.state == .pending {
      var unfinished = 0
      for dependency in node.dependencies where dependency.state != .alreadyComplete { unfinished += 1 }
      node.unfinishedDependencies = unfinished
      if unfinished == 0 { ready.push(node) }
    }
    guard !ready.isEmpty else { return false }
    for node in nodes where node.state == .missingExternal || node.state == .schedulingFailed {
      _ = node.blockDependents()
    }
    return true
  }

  /// `count` worker loops started, one per thread.
  mutating func workersStarted(_ count: Int) {
    slots = count
    loops = count
  }

  /// What a worker loop does next; equal when they run the same node (the same object).
  enum Next: Equatable {
    /// Run this task, now marked running.
    case run(TaskNode)
    /// Wait (``park(_:)``) until a task is runnable or nothing runs.
    case wait
    /// End the loop: nothing is left, the run is stopping, or the lent slot it ran for is back.
    case exit

    static func == (a: Next, b: Next) -> Bool {
      switch (a, b) {
      case (.run(let x), .run(let y)): return x === y
      case (.wait, .wait), (.exit, .exit): return true
      default: return false
      }
    }
  }

  /// A worker loop asks for a task; a loop started for a lent slot (`isLent`) ends once the slots
  /// lent are fewer than the loops. A task of a family that batches comes with the runnable tasks
  /// that may share its batch (``TaskBatch``), as the node that runs them all.
  mutating func nextTask(isLent: Bool) -> Next {
    if !handsOut { return .exit }
    if isLent && loops > slots + lent {
      loops -= 1
      return .exit
    }
    // With nothing running, a task still waiting needs more than a limit allows: it never runs.
    guard let node = pick() else { return running == 0 ? .exit : .wait }
    let handed = batch(startingWith: node) ?? node
    handed.forEachRunFor { $0.state = .running }
    handed.state = .running
    Self.add(handed.resources, to: &heldResources)
    handedOut.append(handed)
    return .run(handed)
  }

  /// Takes out the runnable task to hand out next, as luigid's `get_work` picks it (Luigi's local
  /// runs use the same scheduler), or `nil` when none may run now. In hand-out order, tasks running
  /// and runnable: a running task's resources count as reserved for the tasks after it; a runnable
  /// task is picked when what it needs fits beside both what is reserved ahead of it and what the
  /// running tasks hold; one that fits beside what is reserved but not beside what runs reserves
  /// what it needs, so that the tasks after it cannot take what it waits for and starve it. As
  /// luigid lets a worker reserve for at most as many tasks as it has slots (`greedy_workers`),
  /// counting its running tasks ahead, at most ``slots`` and the slots lent reserve here.
  private mutating func pick() -> TaskNode? {
    // A task that needs nothing always fits: the first in the queue runs, unless a task passed
    // over before ranks ahead of it.
    if let first = ready.first, !Self.needsResources(first),
      waitingForResources.first.map({ ReadyQueue.before(first, $0) }) ?? true
    {
      return ready.pop()
    }
    let ahead = handedOut.sorted(by: ReadyQueue.before)
    var nextAhead = 0
    var reservable = slots + lent
    var reserved: [String: Int] = [:]
    for waiting in resuming {
      Self.add(waiting.waiter.resources, to: &reserved)
    }
    var nextWaiting = 0
    var passed: [TaskNode] = []
    var picked: TaskNode?
    while picked == nil {
      let candidate: TaskNode
      let isWaiting =
        nextWaiting < waitingForResources.count
        && ready.first.map { ReadyQueue.before(waitingForResources[nextWaiting], $0) } ?? true
      if isWaiting {
        candidate = waitingForResources[nextWaiting]
      } else if let top = ready.pop() {
        candidate = top
      } else {
        break
      }
      while nextAhead < ahead.count, ReadyQueue.before(ahead[nextAhead], candidate) {
        reservable -= 1
        Self.add(ahead[nextAhead].resources, to: &reserved)
        nextAhead += 1
      }
      if fits(candidate.resources, beside: reserved) {
        if fits(candidate.resources, beside: heldResources) {
          picked = candidate
          if isWaiting { waitingForResources.remove(at: nextWaiting) }
          break
        }
        if reservable > 0 {
          reservable -= 1
          Self.add(candidate.resources, to: &reserved)
        }
      }
      if isWaiting { nextWaiting += 1 } else { passed.append(candidate) }
    }
    if !passed.isEmpty { waitingForResources = Self.merged(waitingForResources, passed) }
    return picked
  }

  /// The node of a batch of `node` and the runnable tasks that may join it, highest in the
  /// hand-out order first, up to the family's most (luigid's `get_work` picks the same); `nil`
  /// when `node` runs on its own.
  private mutating func batch(startingWith node: TaskNode) -> TaskNode? {
    guard node.familyBatches, let batcher = TaskBatch.batcher(of: type(of: node.task)), node.task.isBatchable
    else { return nil }
    // A task passed over for its resources may join the batch, which holds what its first task does.
    for waiting in waitingForResources { ready.push(waiting) }
    waitingForResources = []
    let family = ObjectIdentifier(type(of: node.task))
    let shared = TaskBatch.unbatchedTexts(of: node.task, batched: batcher.names)
    let others = ready.removeFirst(batcher.maximumSize - 1) { candidate in
      ObjectIdentifier(type(of: candidate.task)) == family && candidate.task.isBatchable
        && candidate.resources == node.resources
        && TaskBatch.unbatchedTexts(of: candidate.task, batched: batcher.names) == shared
    }
    guard !others.isEmpty else { return nil }
    if let batch = TaskBatch.node(running: [node] + others, batched: batcher.names) { return batch }
    for other in others { ready.push(other) }
    return nil
  }

  /// Keeps `waiter` until a task is runnable or nothing is left; returns `false`, keeping nothing,
  /// when the loop should ask again at once (a task became runnable, nothing runs, or the run stops).
  mutating func park(_ waiter: Waiter) -> Bool {
    guard ready.isEmpty && running > 0 && handsOut else { return false }
    waiting.append(waiter)
    return true
  }

  /// A task handed out finished with `outcome` (`pending` when a stop kept it from starting):
  /// releases its dependents, or blocks them when it failed. The worker that ran it takes one
  /// released task itself, so only the others wake waiting loops; when nothing is left, all wake.
  mutating func finished(_ node: TaskNode, _ outcome: TaskNode.State) -> Wakes {
    guard !hasEnded else { return Wakes() }
    takeOutOfHandedOut(node)
    node.state = outcome
    var released = 0
    var settled: [TaskNode] = []
    // A task that let go of its resources in `require(_:)` and ends without taking them back (its
    // requirements failed, or the run stopped) holds nothing.
    if Self.needsResources(node), letGo.remove(ObjectIdentifier(node)) == nil {
      released += release(node.resources)
    }
    // A batch's outcome is each of its tasks'.
    node.forEachRunFor { task in
      task.state = outcome
      // A task a stop kept from starting settles nothing: the stop wakes every `require(_:)`. Only
      // a task some `require(_:)` waits for has anything to settle.
      if outcome != .pending && !task.waits.isEmpty { settled.append(task) }
      if outcome == .succeeded || outcome == .alreadyComplete {
        for dependent in task.dependents where dependent.state == .pending && !dependent.isBlocked {
          dependent.unfinishedDependencies -= 1
          if dependent.unfinishedDependencies == 0 {
            ready.push(dependent)
            released += 1
          }
        }
      } else if outcome != .pending {
        settled += task.blockDependents()
      }
    }
    let requirements = settle(settled) + resume()
    let isOver = ready.isEmpty && running == 0
    return Wakes(workers: takeWaiting(isOver ? waiting.count : max(released - 1, 0)), requirements: requirements)
  }

  /// Every worker loop waiting and every `require(_:)` call not woken yet, taken out to be woken:
  /// the run hands out nothing more.
  private mutating func wakingAll() -> Wakes {
    defer {
      waiting = []
      waits = [:]
      resuming = []
    }
    return Wakes(workers: waiting, requirements: (Array(waits.values) + resuming).map(\.wait))
  }

  /// `node` no longer runs, or waits in `require(_:)` holding nothing: what it holds is no longer
  /// reserved ahead of the runnable tasks.
  private mutating func takeOutOfHandedOut(_ node: TaskNode) {
    guard let index = handedOut.firstIndex(where: { $0 === node }) else { return }
    handedOut.swapAt(index, handedOut.count - 1)
    handedOut.removeLast()
  }

  /// Gives back `resources`, which a task held, and queues again the tasks passed over for theirs,
  /// so that a worker about to park sees them and asks once more; returns how many were queued.
  private mutating func release(_ resources: [String: Int]) -> Int {
    for (name, amount) in resources where amount > 0 { heldResources[name, default: 0] -= amount }
    let queued = waitingForResources.count
    for waiting in waitingForResources { ready.push(waiting) }
    waitingForResources = []
    return queued
  }

  /// `waiter` waits in `require(_:)`: it holds nothing meanwhile, as a task PENDING again for new
  /// requirements holds nothing in luigid, so that a requirement needing the same resource can
  /// run. Returns the idle loops to wake for the tasks that may now fit.
  private mutating func letGoOfResources(_ waiter: TaskNode) -> [Waiter] {
    takeOutOfHandedOut(waiter)
    letGo.insert(ObjectIdentifier(waiter))
    return takeWaiting(release(waiter.resources))
  }

  /// Hands their resources back to the waiting tasks whose requirements are done, in hand-out
  /// order, as long as they fit beside what is held; returns their waits, to wake.
  private mutating func resume() -> [DynamicWait] {
    guard !resuming.isEmpty else { return [] }
    resuming.sort { ReadyQueue.before($0.waiter, $1.waiter) }
    var woken: [DynamicWait] = []
    while let next = resuming.first, fits(next.waiter.resources, beside: heldResources) {
      resuming.removeFirst()
      Self.add(next.waiter.resources, to: &heldResources)
      letGo.remove(ObjectIdentifier(next.waiter))
      handedOut.append(next.waiter)
      lent -= 1
      woken.append(next.wait)
    }
    return woken
  }

  /// Counts `resources` into `used`.
  private static func add(_ resources: [String: Int], to used: inout [String: Int]) {
    for (name, amount) in resources where amount > 0 { used[name, default: 0] += amount }
  }

  /// Whether `resources` fit within their limits beside `used` (luigid's `_has_resources`).
  private func fits(_ resources: [String: Int], beside used: [String: Int]) -> Bool {
    for (name, amount) in resources where amount > 0 && used[name, default: 0] + amount > resourceLimits[name] ?? 1 {
      return false
    }
    return true
  }

  /// Whether `node` holds any resource while it runs.
  private static func needsResources(_ node: TaskNode) -> Bool {
    node.resources.values.contains { $0 > 0 }
  }

  /// `first` and `second`, each in hand-out order, merged in that order.
  private static func merged(_ first: [TaskNode], _ second: [TaskNode]) -> [TaskNode] {
    var result: [TaskNode] = []
    result.reserveCapacity(first.count + second.count)
    var i = 0
    var j = 0
    while i < first.count && j < second.count {
      if ReadyQueue.before(second[j], first[i]) {
        result.append(second[j])
        j += 1
      } else {
        result.append(first[i])
        i += 1
      }
    }
    return result + first[i...] + second[j...]
  }

  /// luigid handed out `node`: marks it running, unless the run is stopping or the task is not
  /// one this run can run (finished already, external data it does not check). Returns whether to
  /// run it.
  ///
  /// An external task is pending only when its run is a check (``RunOptions/retriesExternalTasks``),
  /// and one that failed is checked again: luigid hands it out again after its `retry_delay`, and
  /// the data may have come meanwhile. Other tasks that failed here have had their retries.
  package mutating func start(_ node: TaskNode) -> Bool {
    let tasks = node.runsFor
    guard handsOut, tasks.allSatisfy({ $0.state == .pending || $0.state == .failed && $0.isExternal }) else {
      return false
    }
    for task in tasks { task.state = .running }
    node.state = .running
    return true
  }

  /// Adds `node`, a task luigid handed an assistant that the run did not schedule, and marks it
  /// running; `false` when the run is stopping or has ended. `isAgain`: the run has it already
  /// (luigid hands a task out again after it failed), so it is one task with more attempts.
  package mutating func adopt(_ node: TaskNode, isAgain: Bool = false) -> Bool {
    guard handsOut, !hasEnded else { return false }
    if !isAgain { nodes.append(node) }
    node.state = .running
    return true
  }

  /// A task luigid handed out ended with `outcome`; returns `false` once the run has ended, when
  /// the node no longer changes.
  package mutating func record(_ node: TaskNode, outcome: TaskNode.State) -> Bool {
    guard !hasEnded else { return false }
    node.forEachRunFor { $0.state = outcome }
    node.state = outcome
    return true
  }

  /// Keeps `error` as why `node` failed; returns `true` for a failure, `false` when the run is
  /// stopping (not counted), `nil` once the run has ended (see ``TaskExecutionHost/keep(_:of:)``).
  package mutating func keep(_ error: any Error, of node: TaskNode) -> Bool? {
    guard !hasEnded else { return nil }
    // A batch's failure is each of its tasks' (Luigi's scheduler marks them all failed).
    let tasks = node.batchMembers + [node]
    for task in tasks { task.error = error }
    // A `require(_:)` a stop or a phase-out woke says so; the task did not fail.
    if case DynamicRequirementError.stopped = error { return false }
    guard stopReason == nil else { return false }
    for task in tasks { task.failureCount += 1 }
    return true
  }

  // MARK: - Growing

  /// Links `growth` into the run's graph as requirements of `waiter`: the new edges, the waiter's
  /// new dependencies, the new nodes one level deeper than the waiter. Returns `false`, linking
  /// nothing, once the run is stopping or has ended.
  package mutating func link(_ growth: GraphGrowth, requiredBy waiter: TaskNode) -> Bool {
    guard handsOut, !hasEnded else { return false }
    for (dependent, dependency) in growth.links { dependency.dependents.append(dependent) }
    // Not `linkedFrom`, which belongs to the graph's builder: a set, once per call.
    var linked = Set(waiter.dependencies.map(ObjectIdentifier.init))
    for requirement in growth.requested where linked.insert(ObjectIdentifier(requirement)).inserted {
      waiter.dependencies.append(requirement)
      requirement.dependents.append(waiter)
    }
    nodes += growth.added
    for node in growth.added { node.depth = waiter.depth + 1 }
    return true
  }

  /// What ``grew(_:waiter:wait:)`` tells the pool.
  struct Joined {
    /// Whether the waiter must wait for `wait` to wake it, or why it cannot have its requirements.
    var outcome: Result<Bool, any Error>
    /// Worker loops to resume for the tasks the growth made runnable.
    var workers: [Waiter] = []
    /// Whether a loop must start for the slot the waiter lends (``loops`` counts it already).
    var startsLoop = false
  }

  /// The graph grew for `waiter`'s `require(_:)`: links the growth, queues what is runnable,
  /// blocks what cannot run, and registers `wait` for the requirements not settled yet, lending
  /// the waiter's slot. Fails without waiting on a stop, a cycle, or a task the growth could not
  /// take; the nodes it added are linked and queued all the same, so that a later `require(_:)`
  /// of one of them finds it runnable.
  mutating func grew(_ growth: GraphGrowth, waiter: TaskNode, wait: DynamicWait) -> Joined {
    guard link(growth, requiredBy: waiter) else { return Joined(outcome: .failure(DynamicRequirementError.stopped)) }
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
        ready.push(node)
        queued += 1
      }
    }
    // What the new nodes block in turn, now that all of them are linked.
    for node in growth.added where node.isBlocked || node.state == .missingExternal || node.state == .schedulingFailed {
      _ = node.blockDependents()
    }
    var workers = takeWaiting(queued)
    if let cycle = waiter.waitingCycle() {
      return Joined(outcome: .failure(DynamicRequirementError.cycle(cycle.map(\.info.description))), workers: workers)
    }
    if let error = growth.error { return Joined(outcome: .failure(error), workers: workers) }
    var remaining = 0
    for requirement in growth.requested where !requirement.isSettled {
      requirement.waits.append(wait)
      remaining += 1
    }
    guard remaining > 0 else { return Joined(outcome: .success(false), workers: workers) }
    waits[ObjectIdentifier(wait)] = Wait(wait: wait, waiter: waiter, requested: growth.requested, remaining: remaining)
    lent += 1
    let startsLoop = loops < slots + lent
    if startsLoop { loops += 1 }
    if Self.needsResources(waiter) { workers += letGoOfResources(waiter) }
    return Joined(outcome: .success(true), workers: workers, startsLoop: startsLoop)
  }

  // MARK: - Stopping and ending

  /// A stop was requested: no task is handed out any more. Returns the loops and `require(_:)`
  /// calls to wake (the latter fail as stopped), or `nil` when the run was already stopping or has
  /// ended.
  package mutating func stop(_ reason: String) -> Wakes? {
    guard stopReason == nil, !hasEnded else { return nil }
    stopReason = reason
    return wakingAll()
  }

  /// A phase-out was requested: no task is handed out any more, and the running ones finish.
  /// Returns the loops to wake, which end, and the `require(_:)` calls to wake, which fail as
  /// stopped (what they wait for will not be handed out); `nil` when the run was already stopping,
  /// phasing out, or has ended.
  package mutating func phaseOut(_ reason: String) -> Wakes? {
    guard handsOut, !hasEnded else { return nil }
    phaseOutReason = reason
    return wakingAll()
  }

  /// The run returns: what still runs is abandoned and recorded as interrupted; later events
  /// change nothing. Returns the abandoned tasks.
  package mutating func end() -> [TaskNode] {
    hasEnded = true
    let abandoned = nodes.filter { $0.state == .running }
    for node in abandoned { node.state = .interrupted }
    return abandoned
  }

  // MARK: - Helpers

  private mutating func takeWaiting(_ count: Int) -> [Waiter] {
    let taken = Array(waiting.prefix(count))
    waiting.removeFirst(taken.count)
    return taken
  }

  /// Counts `nodes` as settled for the waits on them; returns the waits with nothing left, and
  /// gives back the slots their tasks lent.
  private mutating func settle(_ nodes: [TaskNode]) -> [DynamicWait] {
    var done: [DynamicWait] = []
    for node in nodes where !node.waits.isEmpty {
      for wait in node.waits {
        let id = ObjectIdentifier(wait)
        // Gone when the stop woke it already.
        guard var entry = waits[id] else { continue }
        entry.remaining -= 1
        waits[id] = entry.remaining > 0 ? entry : nil
        guard entry.remaining == 0 else { continue }
        // A task whose requirements are done goes on once it has its resources back; one that
        // will fail for them goes on at once.
        let goesOn = entry.requested.allSatisfy { $0.state == .succeeded || $0.state == .alreadyComplete }
        if goesOn && letGo.contains(ObjectIdentifier(entry.waiter)) {
          resuming.append(entry)
        } else {
          lent -= 1
          done.append(wait)
        }
      }
      node.waits = []
    }
    return done
  }

}
