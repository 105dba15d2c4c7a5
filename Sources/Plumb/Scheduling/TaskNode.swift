/// One task in the graph of a run, with its edges and its state. Mutated only under the
/// scheduler's lock once workers start.
final class TaskNode {
  enum State {
    case unvisited
    case alreadyComplete
    case pending
    case missingExternal
    case schedulingFailed
    case running
    case succeeded
    case failed
  }

  let task: any Task
  let info: TaskInfo
  let isExternal: Bool
  let order: Int
  var state = State.unvisited
  var dependencies: [TaskNode] = []
  var dependents: [TaskNode] = []
  var unfinishedDependencies = 0
  var failureCount = 0
  var error: String?

  init(task: any Task, info: TaskInfo, order: Int) {
    self.task = task
    self.info = info
    self.order = order
    isExternal = task is any ExternalTask
  }

  var status: TaskStatus {
    switch state {
    case .alreadyComplete: return .alreadyComplete
    case .succeeded: return .succeeded
    case .failed: return .failed
    case .schedulingFailed: return .schedulingFailed
    case .unvisited, .pending, .missingExternal, .running: return .pending
    }
  }
}
