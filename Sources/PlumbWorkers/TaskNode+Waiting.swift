/// The graph walks the run's bookkeeping (``RunState``) makes; they read and change nodes, so they
/// run under the lock that owns the run's state.
extension TaskNode {
  /// Whether a `require(_:)` waiting for this task can stop waiting for it.
  var isSettled: Bool {
    switch state {
    case .alreadyComplete, .succeeded, .failed, .schedulingFailed, .missingExternal, .interrupted,
      .heldByOtherWorker:
      return true
    case .pending: return isBlocked
    case .unvisited, .running: return false
    }
  }

  /// Marks the pending tasks downstream of this one (which failed or cannot run) as blocked;
  /// returns them.
  func blockDependents() -> [TaskNode] {
    var blocked: [TaskNode] = []
    var stack = [self]
    while let current = stack.popLast() {
      for dependent in current.dependents where dependent.state == .pending && !dependent.isBlocked {
        dependent.isBlocked = true
        blocked.append(dependent)
        stack.append(dependent)
      }
    }
    return blocked
  }

  /// A circle of tasks waiting for each other through this one, its first task repeated at the
  /// end; `nil` when there is none. Follows the requirements of tasks not done yet, depth first.
  package func waitingCycle() -> [TaskNode]? {
    var onPath = Set<ObjectIdentifier>()
    var finished = Set<ObjectIdentifier>()
    var path: [(node: TaskNode, next: Int)] = [(self, 0)]
    onPath.insert(ObjectIdentifier(self))
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
