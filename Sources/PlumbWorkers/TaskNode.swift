import PlumbCore
import PlumbReporting

/// One task in the graph of a run, with its edges and its state.
///
/// Unchecked Sendable, because nodes travel between the workers' tasks and threads while their
/// fields change, each change made under one lock: while the graph is built only the building code
/// touches nodes (and while the run grows the graph, under ``Scheduler``'s graph lock, only nodes
/// no worker has seen yet, and the builder's own marks `isVisited` and `linkedFrom`); once tasks
/// run, state and edges that workers read change only through the run's ``RunState``, under the
/// lock that owns it (``WorkerPool``'s or ``CentralWorker``'s), and not after the run has ended,
/// when the records are read (a task a stopped run left running changes nothing). The lock is not
/// in the node, so the compiler cannot check this.
///
/// The fields that change are `@exclusivity(unchecked)`: Swift's run-time check of each access to
/// a class's field (some 76 instructions) only finds overlapping accesses on one thread, which the
/// one-lock rule above already rules out, and the scheduler makes dozens of such accesses a task.
/// The attribute holds in this module only, so the walks over the graph live here too
/// (`TaskNode+Graph.swift`), not in the builder's module.
package final class TaskNode: @unchecked Sendable {
  package enum State {
    case unvisited
    case alreadyComplete
    case pending
    case missingExternal
    case schedulingFailed
    case running
    case succeeded
    case failed
    /// It was running when the run was stopped, and did not finish.
    case interrupted
    /// Not run here: another worker of the central scheduler was running it (``otherWorker``).
    case heldByOtherWorker
  }

  package let task: any PipelineTask
  package let info: TaskInfo
  package let isExternal: Bool
  /// Whether the task is a ``WrapperTask``, complete once its requirements are.
  package let isWrapper: Bool
  /// Whether the task's family runs in batches (``TaskBatch``).
  package let familyBatches: Bool
  /// The position in the order tasks were first met.
  package let order: Int
  /// What the task holds while it runs (``PipelineTask/resources``), by name; a batch's node holds
  /// what its first member does (they all need the same), as luigid counts a batch.
  @exclusivity(unchecked) package private(set) var resources: [String: Int]
  /// The task's own priority, raised to that of the most urgent task that waits for it.
  @exclusivity(unchecked) package var priority: Int
  @exclusivity(unchecked) package var state = State.unvisited
  /// Whether the graph's builder has visited the node. Only the builder reads and writes it (under
  /// its lock while the run grows the graph), whereas workers change `state` meanwhile.
  @exclusivity(unchecked) package internal(set) var isVisited = false
  @exclusivity(unchecked) package var dependencies: [TaskNode] = []
  @exclusivity(unchecked) package var dependents: [TaskNode] = []
  /// Dependencies not yet done; the node is runnable at zero.
  @exclusivity(unchecked) var unfinishedDependencies = 0
  @exclusivity(unchecked) var failureCount = 0
  /// Whether `--force` makes the task run although it is complete.
  @exclusivity(unchecked) package var isForced = false
  @exclusivity(unchecked) package var error: (any Error)?
  /// The `order` of the last node that linked this one as a dependency: a requirement listed
  /// twice by the same task makes one edge, without a set per node.
  @exclusivity(unchecked) package var linkedFrom = -1
  /// The central scheduler's id of the worker that held the task, for ``State/heldByOtherWorker``.
  @exclusivity(unchecked) package var otherWorker: String?
  /// How deeply the task is nested in dynamic requirements (`require(_:)`): 0 for the graph built
  /// before the run, 1 for what a task requires while it runs, and so on. Deeper tasks are handed
  /// out first, so a task waiting for its requirements is not kept waiting behind its siblings.
  @exclusivity(unchecked) var depth = 0
  /// Whether the task, pending, can never run because a dependency failed, could not be scheduled,
  /// misses external data, or is blocked in turn: a waiting `require(_:)` counts it as settled.
  @exclusivity(unchecked) var isBlocked = false
  /// The `require(_:)` calls waiting for this task to settle.
  @exclusivity(unchecked) var waits: [DynamicWait] = []
  /// For the node of a batch (``TaskBatch``), the graph's tasks it runs as one; empty for a task
  /// of the graph. The batch's node is not in the graph: its outcome is its members'.
  @exclusivity(unchecked) package private(set) var batchMembers: [TaskNode] = []

  package init(task: any PipelineTask, info: TaskInfo, order: Int) {
    self.task = task
    self.info = info
    self.order = order
    priority = task.priority
    resources = task.resources
    let kind = TaskKind.of(task)
    isExternal = kind.isExternal
    isWrapper = kind.isWrapper
    familyBatches = kind.batches
  }

  /// The node of a batch that runs `members`' work as `task` (their batchable parameters combined):
  /// it waited for what they waited for, holds what the first one holds, and runs with the most
  /// urgent one's priority and depth; forced when one of them is.
  package convenience init(batchOf members: [TaskNode], running task: any PipelineTask) {
    self.init(task: task, info: TaskInfo(task), order: members[0].order)
    batchMembers = members
    resources = members[0].resources
    var linked = Set<ObjectIdentifier>()
    for member in members {
      for dependency in member.dependencies where linked.insert(ObjectIdentifier(dependency)).inserted {
        dependencies.append(dependency)
      }
    }
    priority = members.map(\.priority).max() ?? priority
    depth = members.map(\.depth).max() ?? 0
    isForced = members.contains { $0.isForced }
  }

  /// The graph's tasks whose state this node's run decides: its batch's members, or itself.
  package var runsFor: [TaskNode] { batchMembers.isEmpty ? [self] : batchMembers }

  /// Calls `body` with each task of ``runsFor``, without the array a lone task's would take: the
  /// worker loop does this twice a task.
  func forEachRunFor(_ body: (TaskNode) throws -> Void) rethrows {
    if batchMembers.isEmpty {
      try body(self)
    } else {
      for member in batchMembers { try body(member) }
    }
  }

  /// What the run's result says about the task.
  package var record: TaskRecord {
    TaskRecord(
      info: info, status: status, isExternal: isExternal, failureCount: failureCount, error: error,
      dependencies: dependencies.map(\.info.description), otherWorker: otherWorker,
      isInterrupted: state == .interrupted)
  }

  var status: TaskStatus {
    switch state {
    case .alreadyComplete: return .alreadyComplete
    case .succeeded: return .succeeded
    case .failed: return .failed
    case .schedulingFailed: return .schedulingFailed
    case .heldByOtherWorker: return .runByOtherWorker
    case .unvisited, .pending, .missingExternal, .running, .interrupted: return .pending
    }
  }
}
