import Foundation
import PlumbCore
import PlumbNetwork
import PlumbReporting
import PlumbWorkers
import Synchronization

/// The central scheduler's side of a run (``TaskScheduling``): registers the run's graph with luigid
/// and runs the tasks luigid hands this worker, at most ``RunOptions/workers`` at a time, as a
/// Python Luigi worker does.
///
/// One coordinating task asks luigid for work (`get_work`) while a slot is free, starts each task
/// it is handed on the run's ``WorkerThreads``, and reports each outcome (`add_task` DONE or FAILED)
/// as it comes; a ``Pinger`` keeps the worker alive meanwhile. luigid hands a task to one worker
/// only, so processes sharing a graph never run a task twice.
///
/// When luigid has nothing for this worker and nothing runs here, the run ends, unless
/// ``CentralScheduler/keepsAlive`` is set and luigid still counts pending tasks this worker
/// registered (Luigi's `_keep_alive`): then it asks again every ``CentralScheduler/waitInterval``
/// seconds, for as long as other workers may run or produce what those tasks need, external data
/// included (luigid hands out a task once its dependencies are DONE, whoever made them). Tasks it
/// leaves to other workers are reported in the summary as Luigi reports them ("were being run by
/// another worker"); tasks and external data another worker completed meanwhile count as complete.
///
/// A call that fails after luigid's retries stops the run as a ``RunStop`` does, with the summary
/// and ``SchedulingEnd/lostScheduler`` set.
package final class CentralWorker: TaskScheduling, TaskExecutionHost {
  let scheduler: CentralScheduler
  let log: RunLog
  let execution: TaskExecution
  /// The coordinating task, and the stop and grace period around it.
  private let workLoop: WorkLoop
  let client: LuigidClient
  let identity: WorkerIdentity
  /// The run's settings; an assistant's (``RunOptions/isAssistant``) among them.
  let options: RunOptions
  let slots: Int

  /// What the coordinator, the running tasks and a stop share, behind one lock.
  struct Shared {
    /// The nodes, those added while the run runs (`require(_:)`) too, whether it is stopping or
    /// has ended: the part of ``RunState`` a worker of luigid's uses (luigid decides the hand-out,
    /// so no worker loop waits here: `Never`).
    var run = RunState<Never>(nodes: [])
    /// The nodes by luigid's id.
    var byID: [String: TaskNode] = [:]
    /// What adds the tasks running tasks require.
    var graph: (any GraphGrowing)?
    /// Slots lent by tasks waiting in `require(_:)`: the coordinator runs one more task for each.
    var lent = 0
    /// The run's threads: one more for each slot lent, as a synchronous task waiting in
    /// `require(_:)` blocks its own.
    var threads: WorkerThreads?
    /// The thread the coordinator runs on, and waits for luigid's answers on.
    var coordinatorThread: WorkerThreads?
    /// Wakes the coordinator to ask for work again, when a slot is lent.
    var wakeCoordinator: AsyncStream<Void>.Continuation?
    var lostScheduler = false
    /// Tasks of this run seen running on other workers, with the last worker seen holding each.
    var heldByOthers: [String: String] = [:]
    /// Tasks waiting in `require(_:)` that luigid has as PENDING, by id: whether luigid has handed
    /// each back to this worker, or to another (``HandBack``).
    var handBacks: [String: HandBack] = [:]
    /// The tasks luigid handed this assistant that the run did not schedule, by luigid's id.
    var adopted: [String: TaskNode] = [:]
    /// How many times each task of this run was registered again after an assistant could not run
    /// it (``reclaimFromAssistants(pendingInLuigid:)``), by id.
    var reclaims: [String: Int] = [:]
    /// When each task was last asked about for ``reclaimFromAssistants(pendingInLuigid:)``, by id.
    var reclaimLooks: [String: ContinuousClock.Instant] = [:]
    /// Tasks of this run luigid ignored as pending, DONE there moments before (``IgnoredClaims``).
    var ignoredClaims = IgnoredClaims()
    /// When this worker told luigid it exists, on this clock and (once asked) on luigid's.
    var connectedAt: ContinuousClock.Instant?
    var startInLuigid: Double?
  }

  /// Where a task waiting for its dynamic requirements stands with luigid, which has it PENDING
  /// with them as new dependencies, as Luigi's worker reports such a task, and hands it out again
  /// once they are done: to this worker, which resumes its `run()`, or to another, which runs it
  /// from the start while this one lets its `run()` go.
  enum HandBack: Equatable {
    case awaited
    case handedBack
    case takenBy(String)
  }

  let shared = Mutex(Shared())

  package init(
    scheduler: CentralScheduler, options: RunOptions, context: RunContext, log: RunLog, events: EventDispatch
  ) {
    self.scheduler = scheduler
    self.options = options
    self.log = log
    execution = TaskExecution(options: options, context: context, log: log, events: events)
    workLoop = WorkLoop(log: log, gracePeriod: options.stopGracePeriod)
    client = LuigidClient(scheduler)
    slots = min(max(1, options.workers), RunOptions.maximumWorkers)
    identity = WorkerIdentity(workers: slots)
  }

  private var worker: JSONValue { .string(identity.id) }

  package func connect() async throws {
    shared.withLock { $0.connectedAt = .now }
    try await reachingLuigid {
      _ = try await client.callOnce("add_worker", ["worker": worker, "info": identity.info])
    }
    log.info("scheduling with the central scheduler at \(scheduler.address) as \(identity.id)")
  }

  package func run(_ nodes: [TaskNode], graph: any GraphGrowing) async throws -> SchedulingEnd {
    let ids = TaskIDs(nodes)
    try await register(nodes, ids: ids)
    // `--workers 0`, Luigi's way to schedule without running: the tasks wait for other workers.
    guard options.workers > 0 else { return SchedulingEnd() }
    guard options.isAssistant || nodes.contains(where: { $0.state == .pending }) else {
      return SchedulingEnd()
    }
    let threads = WorkerThreads(count: slots)
    defer { threads.stop() }
    guard threads.count > 0 else {
      throw PipelineError.noWorkerThread(reason: threads.failure.map { String(cString: strerror($0)) } ?? "unknown")
    }
    // The coordinator's own thread: it waits there for luigid's answers, which then resume it
    // without a hop from another thread, and without holding one of Swift's shared threads.
    let coordinatorThread = WorkerThreads(count: 1)
    defer { coordinatorThread.stop() }
    guard coordinatorThread.count > 0 else {
      throw PipelineError.noWorkerThread(
        reason: coordinatorThread.failure.map { String(cString: strerror($0)) } ?? "unknown")
    }
    let pinger = Pinger(client: client, worker: identity.id, log: log) { [self] in registerAgainIfForgotten() }
    pinger.start()
    defer { pinger.stop() }
    var byID: [String: TaskNode] = [:]
    for node in nodes where byID[ids[node]] == nil { byID[ids[node]] = node }
    let (wakes, wakeCoordinator) = AsyncStream<Void>.makeStream(bufferingPolicy: .bufferingNewest(1))
    shared.withLock { [byID] shared in
      shared.run = RunState(nodes: nodes)
      shared.byID = byID
      shared.graph = graph
      shared.threads = threads
      shared.wakeCoordinator = wakeCoordinator
      shared.coordinatorThread = coordinatorThread
    }
    await workLoop.run(
      observing: options.stop, onStop: { [self] reason in stop(reason) },
      onPhaseOut: { [self] reason in phaseOut(reason) }
    ) {
      await withTaskExecutorPreference(coordinatorThread) {
        await self.coordinate(wakes: wakes, threads: threads)
      }
    }
    let (reason, lost, held, abandoned, all, ignored) = shared.withLock { shared in
      let abandoned = shared.run.end()
      shared.wakeCoordinator?.finish()
      shared.coordinatorThread = nil
      return (
        shared.run.stopReason, shared.lostScheduler, shared.heldByOthers, abandoned, shared.run.nodes,
        Set(shared.ignoredClaims.nextClaim.keys)
      )
    }
    workLoop.warnAbandoned(abandoned)
    // Luigi's assistant ends the same way, silently; this says why an assistant that ran nothing ended.
    if options.isAssistant, !scheduler.keepsAlive, reason == nil, !lost, all.allSatisfy({ $0.order >= 0 }) {
      log.info(
        "the central scheduler at \(scheduler.address) had no task for this assistant, which ends without --worker-keep-alive: pass it (or [worker] keep_alive = true) to wait for tasks"
      )
    }
    settleTasksNotRunHere(nodes, heldByOthers: held, ignored: ignored, lost: lost)
    return SchedulingEnd(stopReason: reason, lostScheduler: lost, adopted: all.filter { $0.order < 0 })
  }

  /// Tells luigid about every task of the graph, done or not, with its edges, after the families
  /// that batch (`add_task_batcher`).
  ///
  /// The registrations are written several at once (``LuigidClient/call(_:log:)``), in the graph's
  /// order, as a Python worker sends them: luigid serves them in that order without waiting for
  /// this worker between them. The order matters for a family that batches: luigid lists a batch's
  /// values in the order it first heard of the tasks, and that order makes the batch's task
  /// (`values=0,1,2`).
  private func register(_ nodes: [TaskNode], ids: TaskIDs) async throws {
    let client = client
    let log = log
    let worker = identity.id
    try await reachingLuigid {
      for batcher in TaskRegistration.batchers(of: nodes, worker: worker) {
        _ = try await client.call("add_task_batcher", batcher, log: log)
      }
      var start = 0
      while start < nodes.count {
        let batch = nodes[start..<min(nodes.count, start + HTTPKeepAlive.batchLimit)]
        _ = try await client.call(
          batch.map { LuigidClient.Call("add_task", TaskRegistration.scheduled($0, worker: worker, ids: ids)) },
          log: log)
        start = batch.endIndex
      }
    }
  }

  /// Runs `body`, an exchange with luigid, with its failures said as a run says them: luigid's own
  /// errors and cancellation as they are, anything else as luigid being unreachable.
  func reachingLuigid(_ body: () async throws -> Void) async throws {
    do {
      try await body()
    } catch let error as CentralSchedulerError {
      throw error
    } catch is CancellationError {
      throw CancellationError()
    } catch {
      throw CentralSchedulerError.unreachable(url: scheduler.address, reason: error.oneLineDescription)
    }
  }

  /// Registers the graph again when luigid no longer knows a task this run has pending: it was
  /// restarted without its saved state (killed, or its state file lost), and would otherwise hand
  /// this worker nothing more, leaving the rest "not granted run permission". Asked when luigid
  /// answers pings again after a silence (on the pinger's thread), and once before the run would
  /// end with tasks pending. Says whether it registered them.
  ///
  /// Each task is registered as this run knows it now: done (here or, as `complete()` says, by
  /// another worker), failed, or pending with its dependencies; running ones report when they end.
  @discardableResult
  private func registerAgainIfForgotten() -> Bool {
    // The registrations are made under the lock, which guards the nodes' states, and only when a
    // task is pending: a run that ends with none pending asks here too, and making every task's
    // registration would keep luigid waiting (15 to 25 ms for 1,000 tasks).
    let nodes = shared.withLock { [identity] shared in
      let isPending = shared.run.nodes.contains { $0.state == .pending }
      return (isPending ? shared.run.nodes : []).map {
        (node: $0, state: $0.state, registration: TaskRegistration.scheduled($0, worker: identity.id))
      }
    }
    // A task pending here is one luigid keeps while this worker lives (it prunes only done and
    // failed ones): if it does not know it, it has forgotten the run. Tasks merely done by others
    // must not be registered again, which would make them pending in luigid once more.
    // luigid's search matches words of the task's text, so it is asked for the family and the
    // answer looked through for the id.
    guard let pending = nodes.first(where: { $0.state == .pending })?.node,
      case .object(let known)? = try? client.callBlocking(
        "task_list", ["status": "", "upstream_status": "", "search": .string(pending.info.family)]),
      known[pending.info.id] == nil
    else { return false }
    log.warning(
      "the central scheduler at \(scheduler.address) lost this run's tasks (restarted?): registering them again")
    for batcher in TaskRegistration.batchers(of: nodes.filter { $0.state == .pending }.map(\.node), worker: identity.id)
    {
      guard (try? client.callBlocking("add_task_batcher", batcher)) != nil else { return false }
    }
    for (node, state, registration) in nodes {
      let arguments: [String: JSONValue]
      switch state {
      case .succeeded: arguments = TaskRegistration.finished(node, succeeded: true, worker: identity.id)
      case .failed: arguments = TaskRegistration.finished(node, succeeded: false, worker: identity.id)
      case .pending where isComplete(node):
        arguments = TaskRegistration.finished(node, succeeded: true, worker: identity.id)
      case .pending, .alreadyComplete, .missingExternal, .schedulingFailed: arguments = registration
      default: continue
      }
      // A failure here is the next silence, which the next recovery mends.
      guard (try? client.callBlocking("add_task", arguments)) != nil else { return false }
    }
    return true
  }

  // MARK: - Handing out

  private enum Event: Sendable {
    /// A task ended here, with its id as luigid handed it out.
    case finished(TaskNode, TaskNode.State, id: String)
    /// The wait interval passed while slots were free: time to ask luigid again.
    case tick
    /// A task waiting for its dynamic requirements lent its slot: time to ask luigid again.
    case wake
  }

  /// Asks luigid for work while a slot is free, runs what it hands out, reports outcomes; returns
  /// when nothing is left for this worker, or once the run stops (after the tasks that end in time).
  private func coordinate(wakes: AsyncStream<Void>, threads: WorkerThreads) async {
    await withTaskGroup(of: Event.self) { group in
      var running: [String: TaskNode] = [:]
      var isTicking = false
      var isDisabled = false
      // Since when nothing has run here: Luigi's `_idle_since`, which a task ending resets.
      var idleSince: ContinuousClock.Instant?
      var hasAskedAgain = false
      // Outcomes of tasks that ended here, not yet reported: they go with the next `get_work`,
      // written before it, so that luigid serves both without waiting for this worker in between.
      var outcomes: [[String: JSONValue]] = []
      // One wake-up listener at a time, armed again after each wake.
      Self.listen(for: wakes, in: &group)
      asking: while !isStopping {
        // Disabled or phasing out, it asks for nothing more: once its tasks have ended, nothing is
        // left to wait for.
        let asks = !isDisabled && handsOut
        if !asks && running.isEmpty { break asking }
        let lent = shared.withLock { $0.lent }
        if running.count < slots + lent && asks {
          let arguments: [String: JSONValue] = [
            "worker": worker, "host": .string(identity.host), "assistant": .bool(options.isAssistant),
            "current_tasks": .array(running.keys.sorted().map { .string($0) }),
          ]
          let response: JSONValue
          let reply: WorkReply
          do {
            let calls = outcomes.map { LuigidClient.Call("add_task", $0) } + [LuigidClient.Call("get_work", arguments)]
            outcomes = []
            response = try await send(calls).last ?? .null
            reply = WorkReply(response, worker: identity.id)
          } catch {
            lose(error)
            break asking
          }
          if reply.isWorkerDisabled {
            log.warning("the central scheduler disabled this worker: no more tasks are started")
            isDisabled = true
            continue
          }
          if let taskID = reply.taskID {
            if handBack(taskID) { continue }
            let node = shared.withLock { $0.byID[taskID] }
            if node == nil, options.isAssistant, let adopted = adopt(taskID, handedIn: response) {
              running[taskID] = adopted
              group.addTask(executorPreference: threads) {
                .finished(adopted, await self.execution.run(adopted, for: self), id: taskID)
              }
            } else if let node, start(node) {
              running[taskID] = node
              group.addTask(executorPreference: threads) {
                .finished(node, await self.execution.run(node, for: self), id: taskID)
              }
            } else {
              await refuse(taskID, node: node)
            }
            continue
          }
          if let batch = reply.batch {
            do {
              if let node = try await claim(batch) {
                let id = node.info.id
                running[id] = node
                group.addTask(executorPreference: threads) {
                  .finished(node, await self.execution.run(node, for: self), id: id)
                }
              }
            } catch {
              lose(error)
              break asking
            }
            continue
          }
          // As Luigi's summary does, only answers without work count: they are why this worker waits.
          shared.withLock { shared in
            for (task, holder) in reply.heldByOthers { shared.heldByOthers[task] = holder }
          }
          if await reclaimFromAssistants(pendingInLuigid: reply.pendingTasks) { continue }
          if running.isEmpty {
            let now = ContinuousClock.now
            let idle = now - (idleSince ?? now)
            idleSince = idleSince ?? now
            if await waitsOutCooldown(pendingInLuigid: reply.pendingTasks) {
              try? await Task.sleep(nanoseconds: UInt64(scheduler.nextWait * 1e9))
              continue
            }
            guard keepsWaiting(reply, idleFor: idle) else {
              // Before giving up on tasks still pending here: luigid may have been restarted too
              // fast for a ping to miss it, and have forgotten them.
              if !hasAskedAgain, reply.pendingTasks == 0, registerAgainIfForgotten() {
                hasAskedAgain = true
                continue
              }
              break asking
            }
            try? await Task.sleep(nanoseconds: UInt64(scheduler.nextWait * 1e9))
            continue
          }
          // Nothing for this worker now, but its own tasks may release more: ask again after the
          // wait interval, or as soon as one of them ends.
          if !isTicking {
            isTicking = true
            let wait = UInt64(scheduler.nextWait * 1e9)
            group.addTask {
              try? await Task.sleep(nanoseconds: wait)
              return .tick
            }
          }
        } else if !outcomes.isEmpty {
          // No slot to ask for: the outcomes go alone.
          let calls = outcomes.map { LuigidClient.Call("add_task", $0) }
          outcomes = []
          do {
            _ = try await send(calls)
          } catch {
            lose(error)
            break asking
          }
        }
        guard let event = await group.next() else { break asking }
        switch event {
        case .tick:
          isTicking = false
        case .wake:
          guard !isStopping else { break asking }
          Self.listen(for: wakes, in: &group)
        case .finished(let node, let state, let id):
          running[id] = nil
          idleSince = nil
          if let outcome = record(node, state, id: id) { outcomes.append(outcome) }
        }
      }
      // Stopping: tasks still running were cancelled with this task; those that end within the
      // grace period are still reported, so that luigid need not wait for this worker to die.
      group.cancelAll()
      while let event = await group.next() {
        guard case .finished(let node, let state, let id) = event, let outcome = record(node, state, id: id) else {
          continue
        }
        outcomes.append(outcome)
      }
      if !outcomes.isEmpty {
        do {
          _ = try await send(outcomes.map { LuigidClient.Call("add_task", $0) })
        } catch {
          lose(error)
        }
      }
    }
  }

  /// Adds a child that ends (``Event/wake``) when a slot is lent, or when the stream ends.
  private static func listen(for wakes: AsyncStream<Void>, in group: inout TaskGroup<Event>) {
    group.addTask {
      var wake = wakes.makeAsyncIterator()
      _ = await wake.next()
      return .wake
    }
  }

  /// Whether `taskID` is a task waiting in `require(_:)` here, which luigid has just handed back:
  /// its `run()` goes on, on the thread it waits on, rather than starting again.
  private func handBack(_ taskID: String) -> Bool {
    shared.withLock { shared in
      guard shared.handBacks[taskID] != nil else { return false }
      shared.handBacks[taskID] = .handedBack
      return true
    }
  }

  /// Marks `node` running, unless the run is stopping or the node is not one to run here.
  private func start(_ node: TaskNode) -> Bool {
    shared.withLock { $0.run.start(node) }
  }

  /// Takes a batch luigid handed out: the node that runs its tasks as one, claimed RUNNING in
  /// luigid as Luigi's worker claims it; `nil` when this worker will not run it, its tasks then
  /// answered one by one as ``refuse(_:node:)`` answers a task.
  ///
  /// The batched parameters' values are luigid's lists, which may hold values of tasks other
  /// workers registered; the batch's outcome is recorded here for the tasks this run has.
  private func claim(_ batch: WorkReply.Batch) async throws -> TaskNode? {
    let members = shared.withLock { shared in batch.taskIDs.compactMap { shared.byID[$0] } }
    var node: TaskNode?
    if let first = members.first, let batcher = TaskBatch.batcher(of: type(of: first.task)) {
      var lists: [String: [String]] = [:]
      for name in batcher.names {
        lists[name] = batch.parameters[name]?.elements?.compactMap(\.string)
      }
      node = TaskBatch.combined(first.task, lists: lists, batched: batcher.names).map {
        TaskNode(batchOf: members, running: $0)
      }
    }
    // luigid's lists hold a value this family cannot read: a task of the same family that another
    // worker registered with other texts. Luigi's worker fails the batch's tasks then too.
    let unreadable = node == nil ? "not run: the values batched do not read as this family's parameters" : nil
    if let unreadable { log.warning("the central scheduler handed out a batch of \(batch.taskIDs), \(unreadable)") }
    guard let node, start(node) else {
      for taskID in batch.taskIDs {
        await refuse(taskID, node: shared.withLock { $0.byID[taskID] }, explanation: unreadable)
      }
      return nil
    }
    try await report(TaskRegistration.running(node, batchID: batch.id, worker: identity.id))
    return node
  }

  /// Answers a task luigid handed out that this worker will not run: one it finished already in
  /// this run (luigid retries failed tasks after its `retry_delay`), or one it never registered as
  /// runnable. Reporting it again keeps luigid from waiting for this worker to die to move on.
  /// `explanation` says why, where it is not that the run is stopping.
  private func refuse(_ taskID: String, node: TaskNode?, explanation: String? = nil) async {
    guard let node else {
      log.warning("the central scheduler handed out \(taskID), which this run did not schedule; ignored")
      return
    }
    let succeeded = node.state == .succeeded || node.state == .alreadyComplete
    // Still pending here: the run is stopping and starts nothing more.
    let explanation =
      explanation ?? (node.state == .pending ? "not run: the Plumb worker it was handed to is stopping" : nil)
    _ = try? await report(
      TaskRegistration.finished(node, succeeded: succeeded, worker: identity.id, explanation: explanation))
  }

  /// Records `node`'s outcome; returns what tells luigid, unless there is nothing to tell: the run
  /// had ended, or the task was interrupted or never started (luigid hands it out again once this
  /// worker is gone).
  private func record(_ node: TaskNode, _ state: TaskNode.State, id: String) -> [String: JSONValue]? {
    let (isOver, recorded) = shared.withLock { shared in
      // Its `run()` gave up waiting because another worker runs it (a hand-back still marked):
      // pending again here, as in luigid, and nothing to report; luigid may hand it here later.
      let wasTaken = shared.handBacks.removeValue(forKey: id) != nil && state == .interrupted
      let recorded = wasTaken ? .pending : state
      return (!shared.run.record(node, outcome: recorded), recorded)
    }
    guard !isOver else { return nil }
    switch recorded {
    case .succeeded, .alreadyComplete: return outcome(of: node, succeeded: true, id: id)
    case .failed: return outcome(of: node, succeeded: false, id: id)
    default: return nil
    }
  }

  /// Sends an outcome in a task of its own: the coordinator may be cancelled (a stop), and an
  /// outcome of a task that ended in the grace period is still worth telling.
  private func report(_ arguments: [String: JSONValue]) async throws {
    _ = try await send([LuigidClient.Call("add_task", arguments)])
  }

  /// Makes `calls`, written at once, in a task of their own, as ``report(_:)`` does: outcomes of
  /// tasks that ended are told even when the coordinator is stopping, and a `get_work` that luigid
  /// answers meanwhile has its task refused rather than left running in luigid's eyes. The task
  /// runs on the coordinator's thread, which it holds while luigid answers: the coordinator waits
  /// for it anyway.
  private func send(_ calls: [LuigidClient.Call]) async throws -> [JSONValue] {
    let client = client
    let log = log
    guard let thread = shared.withLock({ $0.coordinatorThread }) else {
      return try await Task { try await client.call(calls, log: log) }.value
    }
    return try await Task(executorPreference: thread) { try await client.call(calls, log: log, waitingHere: true) }
      .value
  }

  /// Whether a worker kept alive asks again, as Luigi's `_keep_alive` decides: while luigid counts
  /// pending tasks for it (those it alone registered with ``CentralScheduler/countsUniques``, those
  /// it registered last with ``CentralScheduler/countsLastScheduled``), within
  /// ``CentralScheduler/maximumKeepAliveIdleDuration`` of idling when that is set.
  ///
  /// Plumb's own exceptions: not when every pending task is stuck behind a failure here, which
  /// Luigi's worker would wait for luigid to hand out again after its `retry_delay`; and also while
  /// another worker runs a task of this run's graph, which luigid does not count as pending. Luigi's
  /// worker leaves then, and its summary and exit code depend on whether the other worker had
  /// finished ("being run by another worker", or complete): waiting makes them the same every time.
  private func keepsWaiting(_ reply: WorkReply, idleFor idle: Duration) -> Bool {
    guard scheduler.keepsAlive else { return false }
    // Luigi's `_keep_alive`: an assistant kept alive asks for work until it is stopped.
    if options.isAssistant { return true }
    if !reply.heldByOthers.isEmpty { return true }
    guard reply.pendingTasks > stuckBehindFailures(shared.withLock { $0.run.nodes }) else { return false }
    if scheduler.countsLastScheduled { return reply.pendingLastScheduled > 0 }
    if scheduler.countsUniques { return reply.uniquePending > 0 }
    let limit = scheduler.maximumKeepAliveIdleDuration
    return limit <= 0 || idle < .seconds(limit)
  }

  /// Tasks that failed here, and the pending tasks that wait on one of them or on a scheduling error:
  /// luigid counts them among the pending ones, and waiting will not move them (a failed task is
  /// retried only after luigid's `retry_delay`, fifteen minutes by default). Not those waiting on
  /// missing external data: another worker may produce it. Nor an external task whose check failed
  /// here (``RunOptions/retriesExternalTasks``): waiting for luigid to hand it out again, after its
  /// `retry_delay`, to check again is what a worker kept alive does, as Luigi's.
  private func stuckBehindFailures(_ nodes: [TaskNode]) -> Int {
    var stuck = Set<Int>()
    var count = 0
    var queue = nodes.filter { $0.state == .schedulingFailed || $0.state == .failed && !$0.isExternal }
    count += queue.count { $0.state == .failed }
    for node in queue { stuck.insert(node.order) }
    while let node = queue.popLast() {
      for dependent in node.dependents where dependent.state == .pending && !stuck.contains(dependent.order) {
        stuck.insert(dependent.order)
        count += 1
        queue.append(dependent)
      }
    }
    return count
  }

  /// The tasks this run scheduled but did not run. Those another worker ran or runs are that
  /// worker's: "were being run by another worker", as Luigi's summary lists the ones its worker saw
  /// running. Luigi's worker sees only what is running when it asks, so a task another worker ran
  /// between two questions is "not granted run permission" there: which of the two a run says, and
  /// its exit code, would depend on timing. Here luigid is asked who ran them (its `worker_running`
  /// stays after DONE). Complete ones no worker ran (external data that appeared) count as complete.
  /// Those whose claims luigid still ignored (``IgnoredClaims``) stay pending.
  private func settleTasksNotRunHere(
    _ nodes: [TaskNode], heldByOthers seen: [String: String], ignored: Set<String>, lost: Bool
  ) {
    let unsettled = nodes.filter {
      ($0.state == .pending || $0.state == .missingExternal) && !ignored.contains($0.info.id)
    }
    let unseenFamilies = Set(unsettled.filter { seen[$0.info.id] == nil }.map(\.info.family))
    let elsewhere = lost || unseenFamilies.isEmpty ? [:] : luigidTasks(in: unseenFamilies)
    let start = elsewhere.isEmpty ? nil : startInLuigid()
    for node in unsettled {
      let complete = isComplete(node)
      var holder = seen[node.info.id]
      if holder == nil, let state = elsewhere[node.info.id], let other = state.workerRunning, other != identity.id {
        switch state.status {
        case "RUNNING", "BATCH_RUNNING": holder = other
        // Done before this run began, it was an earlier run's: luigid ignored this run's claim.
        case "DONE" where !Self.isIgnoredClaim(state, start: start) && (start != nil || complete): holder = other
        default: break
        }
      }
      if let holder {
        node.state = .heldByOtherWorker
        node.otherWorker = holder
      } else if complete {
        node.state = .alreadyComplete
      }
    }
  }

  /// Whether `node`'s task is complete now, asked in the run's context: outside it, a relative
  /// target would be looked for in the process's folder rather than the run's.
  private func isComplete(_ node: TaskNode) -> Bool {
    execution.context.activate { (try? node.task.complete()) == true }
  }

  // MARK: - Stopping

  package var isStopping: Bool { shared.withLock { $0.run.isStopping } }

  /// Whether the coordinator still asks luigid for work: the run is neither stopping nor phasing out.
  var handsOut: Bool { shared.withLock { $0.run.handsOut } }

  /// Asks luigid for no more work and ends once the running tasks have, as Luigi's worker does on
  /// SIGUSR1. Tasks waiting in `require(_:)` notice at their next look, and are interrupted.
  private func phaseOut(_ reason: String) {
    let wake = shared.withLock { shared in shared.run.phaseOut(reason) != nil ? shared.wakeCoordinator : nil }
    wake?.yield()
  }

  /// Keeps `error` as why `node` failed (see ``TaskExecutionHost/keep(_:of:)``).
  package func keep(_ error: any Error, of node: TaskNode) -> Bool? {
    shared.withLock { shared in
      // Not a failure: another worker runs the task now, and reporting it FAILED could undo its DONE.
      if case .takenBy? = shared.handBacks[node.info.id] { return false }
      return shared.run.keep(error, of: node)
    }
  }

  /// Stops the run because luigid stopped answering.
  private func lose(_ error: any Error) {
    if error is CancellationError && isStopping { return }
    shared.withLock { $0.lostScheduler = $0.run.isStopping ? $0.lostScheduler : true }
    log.error("the central scheduler at \(scheduler.address) stopped answering: \(error.oneLineDescription)")
    stop("the central scheduler at \(scheduler.address) stopped answering")
  }

  /// Stops asking luigid for work and lets the running tasks end within the grace period. Nothing
  /// waits here for a task (luigid hands them out), so the stop has nothing to wake.
  private func stop(_ reason: String) {
    guard shared.withLock({ $0.run.stop(reason) }) != nil else { return }
    workLoop.stop(reason)
  }
}
