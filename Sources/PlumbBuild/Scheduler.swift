import Foundation
import PlumbCore
import PlumbLuigid
import PlumbReporting
import PlumbWorkers

/// Builds a run's task graph as Luigi does, refuses cycles, and hands it to the run's
/// ``TaskScheduling``: this process's own (``LocalScheduling``) or Luigi's central scheduler
/// (``CentralWorker``).
///
/// Unchecked Sendable, because the run's workers call ``grow(with:)`` from their threads: the graph
/// (`nodes`, `nodesByInfo`, `grownLinks`, `isUnlinked`) is changed during the run only under
/// `graphLock`, and before the run, by ``run(_:)`` alone; `stopReason` and `lostScheduler` are
/// written by ``run(_:)`` and read by its caller after it returns. The graph's fields, and `forced`
/// (set before the graph is built), are `@exclusivity(unchecked)`, as ``TaskNode``'s are and for
/// the same reason: one lock rules out overlapping accesses, and building the graph reads them
/// several times a task.
final class Scheduler: GraphGrowing, @unchecked Sendable {
  private let options: RunOptions
  private let context: RunContext
  private let log: RunLog
  private let events: EventDispatch
  private let scheduling: any TaskScheduling
  @exclusivity(unchecked) private var nodes: [TaskNode] = []
  @exclusivity(unchecked) private var nodesByInfo: [TaskInfo: TaskNode] = [:]
  /// The tasks `--force` runs again although complete; `nil` when nothing is forced.
  @exclusivity(unchecked) private var forced: ForcedTasks?
  /// Why the run was stopped early, once ``run(_:)`` has returned; `nil` if it was not.
  private(set) var stopReason: String?
  /// Whether the run stopped because the central scheduler stopped answering.
  private(set) var lostScheduler = false
  /// Held while the graph grows during the run (``grow(with:)``), and while the run's end unlinks
  /// it: workers add dynamic requirements one at a time, and a task a stopped run left running may
  /// still call `require(_:)` after the run returned. Before the run only the building code
  /// touches the graph.
  private let graphLock = NSLock()
  /// Whether the run has let go of its graph (``unlinkNodes()``); from then on it does not grow.
  /// Guarded by ``graphLock``.
  @exclusivity(unchecked) private var isUnlinked = false
  /// While the graph grows during the run, the edges whose `dependents` side workers may be
  /// reading; `nil` while the graph is first built.
  @exclusivity(unchecked) private var grownLinks: [(dependent: TaskNode, dependency: TaskNode)]?

  init(options: RunOptions, context: RunContext) {
    self.options = options
    self.context = context
    log = RunLog(level: options.logLevel, sink: options.logSink)
    events = EventDispatch(observers: options.observers, log: log)
    switch options.scheduler {
    case .local:
      scheduling = LocalScheduling(options: options, context: context, log: log, events: events)
    case .central(let central):
      scheduling = CentralWorker(scheduler: central, options: options, context: context, log: log, events: events)
    }
  }

  /// Schedules and runs `roots` and everything they need; returns every task's record, in the
  /// order they were first met.
  func run(_ roots: [any PipelineTask]) async throws -> [TaskRecord] {
    // Nodes point at their dependencies and back at their dependents; without unlinking them,
    // every run's graph (and every task in it) would stay in memory for good.
    defer { unlinkNodes() }
    do {
      // Before any complete() is called: an unreachable central scheduler fails the run at once.
      try await scheduling.connect()
      try context.activate {
        let resolved = try roots.map { try context.resolvedTask($0, requested: true) }
        // `--force`: what to run again although complete; ranges' notes go to the run's log.
        forced =
          options.forcing.isEmpty
          ? nil : try ForcedTasks.find(patterns: options.forcing, roots: resolved, context: context)
        try ForcedTasks.$current.withValue(forced) {
          try RangeNotes.$current.withValue(RangeNotes { [log] in log.warning($0) }) { try buildGraph(resolved) }
        }
      }
      if let cycle = TaskNode.cycle(in: nodes) { throw PipelineError.cycle(cycle.map(\.info.description)) }
    } catch {
      await events.finish()
      throw error
    }
    TaskNode.propagatePriorities(in: nodes)
    let adopted: [TaskNode]
    do {
      let end = try await scheduling.run(nodes, graph: self)
      stopReason = end.stopReason
      lostScheduler = end.lostScheduler
      adopted = end.adopted
    } catch {
      await events.finish()
      throw error
    }
    let records = graphLock.withLock { nodes.map(\.record) } + adopted.map(\.record)
    // Named as the summary names them, from the same sets, so the two never disagree.
    if events.isObserved {
      for index in TaskSets(records).upstreamFailure.sorted() { events.emit(.upstreamFailed(records[index].info)) }
    }
    // Observers are called away from the workers; they must have seen every event when the run returns.
    await events.finish()
    return records
  }

  private func unlinkNodes() {
    graphLock.withLock {
      isUnlinked = true
      TaskNode.unlink(nodes)
      nodes = []
      nodesByInfo = [:]
    }
  }

  // MARK: - The graph

  /// The node of `task`, whose parameters the run has resolved.
  private func node(for task: any PipelineTask) throws -> TaskNode {
    let info = TaskInfo(task)
    var created: TaskNode?
    // One lookup that inserts when the task is new, rather than a lookup and then an insertion,
    // each hashing the info and comparing it with the keys it meets: the graph looks up every
    // task it is given this way.
    let node = Self.value(
      of: &nodesByInfo[
        info,
        default: {
          created = TaskNode(task: task, info: info, order: nodes.count)
          return created!
        }()])
    if let created {
      nodes.append(created)
    } else {
      try Self.checkSameTask(node.task, task, name: info.description)
    }
    return node
  }

  /// What `slot` holds: passed `&dictionary[key, default: value]`, it inserts `value` when `key` is
  /// missing, in the same lookup.
  private static func value(of slot: inout TaskNode) -> TaskNode { slot }

  /// Refuses two tasks that share a name but are not the same task: of two types whose names
  /// clash (`Songs.Load` and `Plays.Load` are both `Load`), or told apart only by a stored
  /// property that is not a parameter. The run would otherwise run one and take it for both.
  private static func checkSameTask(_ known: any PipelineTask, _ other: any PipelineTask, name: String) throws {
    let knownType = type(of: known)
    let otherType = type(of: other)
    guard ObjectIdentifier(knownType) == ObjectIdentifier(otherType) else {
      throw PipelineError.typeClash(name, knownType, otherType)
    }
    // Only properties that are not parameters can make tasks of one name differ.
    guard ParameterLayout.of(knownType).hasOtherStoredProperties else { return }
    let knownOutputs = known.output().targets.map(\.description)
    let otherOutputs = other.output().targets.map(\.description)
    guard knownOutputs != otherOutputs else { return }
    throw PipelineError.ambiguousTask(
      name,
      difference:
        "one writes \(knownOutputs.joined(separator: ", ")), the other \(otherOutputs.joined(separator: ", ")); "
        + "a stored property that tells tasks apart must be a @Parameter")
  }

  /// Walks from the roots as Luigi does (``TaskNode/walk(from:visit:)``): a complete task's
  /// requirements are not visited.
  private func buildGraph(_ roots: [any PipelineTask]) throws {
    try buildGraph(from: roots.map(node(for:)))
  }

  private func buildGraph(from roots: [TaskNode]) throws {
    try TaskNode.walk(from: roots, visit: visit)
  }

  /// Decides what `node` is: complete, missing external data, unschedulable, or pending with its
  /// requirements linked.
  private func visit(_ node: TaskNode) throws {
    let complete: Bool
    do {
      node.isForced = forced?.tasks.contains(node.info) ?? false
      complete = try !node.isForced && node.task.complete()
    } catch {
      fail(node, because: SchedulingFailure("complete() failed: \(error.oneLineDescription)", underlying: error))
      return
    }
    if complete {
      node.state = .alreadyComplete
      return
    }
    if node.isExternal {
      // Luigi's words, plus the paths that are missing, so the reader knows which file to provide.
      let missing: [String]
      do {
        missing = try ExternalDataMissing.missingPaths(of: node.task)
      } catch {
        fail(
          node,
          because: SchedulingFailure(
            "exists() failed for \(error.target): \(error.underlying.oneLineDescription)", underlying: error.underlying)
        )
        return
      }
      let paths = missing.isEmpty ? "" : " (missing: \(missing.joined(separator: ", ")))"
      log.warning(
        "Data for \(node.info) does not exist (yet?)\(paths). The task is an external data dependency, so it cannot be run from this plumb process."
      )
      events.emit(.dependencyMissing(node.info))
      // `retry_external_tasks`: pending with no requirements, as Luigi registers it runnable; its
      // run checks it again (``TaskExecution``).
      node.state = options.retriesExternalTasks ? .pending : .missingExternal
      return
    }
    // A wrapper is complete through its requirements, so having no outputs of its own is normal.
    if log.level >= .info && !node.isWrapper && node.task.output().targets.isEmpty {
      log.info("\(node.info) has no outputs, so it is never complete and runs every time")
    }
    let required: [any PipelineTask]
    do {
      required = try node.task.requires().requiredTasks
    } catch {
      fail(node, because: SchedulingFailure("requires() failed: \(error.oneLineDescription)", underlying: error))
      return
    }
    var resolved: [any PipelineTask] = []
    resolved.reserveCapacity(required.count)
    do {
      for task in required { resolved.append(try context.resolvedTask(task)) }
    } catch let error as PipelineError {
      throw error
    } catch {
      fail(node, because: SchedulingFailure(error.oneLineDescription, underlying: error))
      return
    }
    node.state = .pending
    node.dependencies.reserveCapacity(resolved.count)
    // A wide fan-in meets its requirements all at once: room for them in one step, rather than a
    // table rebuilt, every name hashed again, each time it doubles on the way.
    let needed = nodesByInfo.count + resolved.count
    if needed > nodesByInfo.capacity { nodesByInfo.reserveCapacity(max(needed, 2 * nodesByInfo.capacity)) }
    // While the run grows the graph, workers may be reading `dependents`: the worker's lock adds
    // those edges (``GraphGrowth/links``).
    let isGrowing = grownLinks != nil
    for task in resolved {
      let dependency = try self.node(for: task)
      if node.link(dependency, linksBack: !isGrowing), isGrowing { grownLinks?.append((node, dependency)) }
    }
  }

  // MARK: - Growing while the run runs

  func grow(with tasks: [any PipelineTask]) -> GraphGrowth {
    graphLock.withLock {
      var growth = GraphGrowth()
      // A task abandoned after a stop's grace period: the run has returned, and its tasks' checks
      // (`complete()`, `requires()`) would run for nothing, in a graph no one unlinks any more.
      guard !isUnlinked else {
        growth.error = DynamicRequirementError.stopped
        return growth
      }
      let firstNew = nodes.count
      grownLinks = []
      do {
        try context.activate {
          try ForcedTasks.$current.withValue(forced) {
            try RangeNotes.$current.withValue(RangeNotes { [log] in log.warning($0) }) {
              var seen = Set<ObjectIdentifier>()
              for task in tasks {
                let node = try node(for: try context.resolvedTask(task))
                if seen.insert(ObjectIdentifier(node)).inserted { growth.requested.append(node) }
              }
              try buildGraph(from: growth.requested)
            }
          }
        }
      } catch {
        growth.error = error
      }
      growth.added = Array(nodes[firstNew...])
      growth.links = grownLinks ?? []
      grownLinks = nil
      return growth
    }
  }

  private func fail(_ node: TaskNode, because reason: SchedulingFailure) {
    node.state = .schedulingFailed
    node.error = reason
    log.error("\(node.info) could not be scheduled: \(reason)")
  }
}
