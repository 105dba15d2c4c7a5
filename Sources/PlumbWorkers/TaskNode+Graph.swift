import PlumbCore

/// The walks over a run's graph that the builder makes before the run: here, beside the node,
/// because the fields they read are `@exclusivity(unchecked)` only in this module. From another
/// module each access is checked at run time again (Swift 6.3 does not carry the attribute across),
/// some 80 instructions each, a few dozen a task.
extension TaskNode {
  /// Walks from `roots` as Luigi does, depth first in `requires()` order, calling `visit` once on
  /// each node not visited yet, marked visited first: a node `visit` leaves pending has its
  /// requirements visited in turn, a complete one does not. An explicit stack, so a chain of any
  /// length fits.
  package static func walk(from roots: [TaskNode], visit: (TaskNode) throws -> Void) rethrows {
    var stack: [TaskNode] = roots.reversed()
    while let current = stack.popLast() {
      guard !current.isVisited else { continue }
      current.isVisited = true
      try visit(current)
      guard current.state == .pending else { continue }
      let firstPushed = stack.count
      for dependency in current.dependencies where !dependency.isVisited {
        stack.append(dependency)
      }
      // The first requirement goes on top, so tasks are met in requires() order, depth first.
      stack[firstPushed...].reverse()
    }
  }

  /// Makes `dependency` a requirement of this node, unless this node has linked it already (a
  /// requirement listed twice makes one edge); `linksBack` also lists this node among its
  /// dependents. Returns whether the edge is new.
  package func link(_ dependency: TaskNode, linksBack: Bool) -> Bool {
    guard dependency.linkedFrom != order else { return false }
    dependency.linkedFrom = order
    dependencies.append(dependency)
    if linksBack { dependency.dependents.append(self) }
    return true
  }

  /// The first circle of pending tasks that require each other, its first task repeated at the
  /// end; `nil` when there is none.
  ///
  /// Releases pending tasks whose pending requirements are all released (Kahn's algorithm); what
  /// stays is a cycle or waits on one.
  package static func cycle(in nodes: [TaskNode]) -> [TaskNode]? {
    var waiting = [Int](repeating: 0, count: nodes.count)
    var free: [TaskNode] = []
    var pendingCount = 0
    for node in nodes where node.state == .pending {
      pendingCount += 1
      for dependency in node.dependencies where dependency.state == .pending {
        waiting[node.order] += 1
      }
      if waiting[node.order] == 0 { free.append(node) }
    }
    var released = 0
    while let node = free.popLast() {
      released += 1
      for dependent in node.dependents where dependent.state == .pending {
        waiting[dependent.order] -= 1
        if waiting[dependent.order] == 0 { free.append(dependent) }
      }
    }
    guard released < pendingCount,
      let stuck = nodes.first(where: { $0.state == .pending && waiting[$0.order] > 0 })
    else { return nil }
    return circle(from: stuck, waiting: waiting)
  }

  /// Follows stuck requirements from `start` until one repeats: every stuck task waits on another
  /// stuck one, so the walk must come back round. Returns the circle, its first task repeated at the end.
  private static func circle(from start: TaskNode, waiting: [Int]) -> [TaskNode] {
    var path: [TaskNode] = []
    var position: [Int: Int] = [:]
    var current = start
    while position[current.order] == nil {
      position[current.order] = path.count
      path.append(current)
      guard let next = current.dependencies.first(where: { $0.state == .pending && waiting[$0.order] > 0 })
      else { return path }
      current = next
    }
    return Array(path[position[current.order, default: 0]...]) + [current]
  }

  /// Raises each pending task's priority to that of the most urgent pending task that waits for
  /// it, directly or further down, as Luigi's scheduler does: otherwise an urgent task would wait
  /// while less urgent work runs ahead of its own low-priority requirements.
  ///
  /// Visits dependents before their dependencies (the pending graph has no cycle by now).
  package static func propagatePriorities(in nodes: [TaskNode]) {
    var waitingDependents = [Int](repeating: 0, count: nodes.count)
    var settled: [TaskNode] = []
    for node in nodes where node.state == .pending {
      waitingDependents[node.order] = node.dependents.count
      if node.dependents.isEmpty { settled.append(node) }
    }
    while let node = settled.popLast() {
      for dependency in node.dependencies where dependency.state == .pending {
        dependency.priority = max(dependency.priority, node.priority)
        waitingDependents[dependency.order] -= 1
        if waitingDependents[dependency.order] == 0 { settled.append(dependency) }
      }
    }
  }

  /// Lets go of the edges between `nodes`, which point at each other both ways: otherwise a run's
  /// graph, and every task in it, would stay in memory for good.
  package static func unlink(_ nodes: [TaskNode]) {
    for node in nodes {
      node.dependencies = []
      node.dependents = []
    }
  }
}
