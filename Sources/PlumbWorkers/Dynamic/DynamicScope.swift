import PlumbCore

/// What `require(_:)` needs to reach the run from inside a task's `run()`: the scheduler
/// that runs the tasks, and the task that waits for them. The engine sets it (a task-local value)
/// around each `run()`, as it does ``RunContext``.
struct DynamicScope: Sendable {
  let host: any RequirementHost
  let node: TaskNode

  @TaskLocal static var current: DynamicScope?
}

/// A scheduler that can add tasks to a run while it runs, for `require(_:)`.
package protocol RequirementHost: Sendable {
  /// Adds `tasks` to the run as requirements of `node` (running), and returns once every one of
  /// them is done; the waiting task's slot goes to other tasks meanwhile.
  ///
  /// - Throws: ``DynamicRequirementError`` when one failed, would form a cycle, or the run stops.
  func require(_ tasks: [any PipelineTask], by node: TaskNode) async throws

  /// ``require(_:by:)`` for synchronous code: blocks the calling thread, one of the run's own.
  func requireBlocking(_ tasks: [any PipelineTask], by node: TaskNode) throws
}
