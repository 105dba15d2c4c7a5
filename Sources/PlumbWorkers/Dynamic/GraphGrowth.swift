import PlumbCore

/// What adding tasks to a running run's graph gave (``GraphGrowing``): the nodes of the tasks
/// asked for, the new nodes (already visited: complete, pending, ...), and the edges from new
/// nodes to nodes workers may be reading, which only the scheduler's lock may add.
package struct GraphGrowth {
  /// The nodes of the tasks asked for, in order, each once.
  package var requested: [TaskNode] = []
  /// The nodes the growth made, in the order met.
  package var added: [TaskNode] = []
  /// `dependent` requires `dependency`: to add to `dependency.dependents`.
  package var links: [(dependent: TaskNode, dependency: TaskNode)] = []
  /// Why the growth stopped before every task was added: a task the run cannot take.
  package var error: (any Error)?

  package init(
    requested: [TaskNode] = [], added: [TaskNode] = [], links: [(dependent: TaskNode, dependency: TaskNode)] = [],
    error: (any Error)? = nil
  ) {
    self.requested = requested
    self.added = added
    self.links = links
    self.error = error
  }
}

/// What adds tasks to a run's graph while it runs (the ``Scheduler``), for dynamic requirements.
package protocol GraphGrowing: Sendable {
  /// Adds `tasks` and what they require that is not complete, as the first build does, and says
  /// what it added. Called by one worker at a time. Once the run has returned, adds nothing and
  /// says so (``GraphGrowth/error`` is ``DynamicRequirementError/stopped``).
  func grow(with tasks: [any PipelineTask]) -> GraphGrowth
}
