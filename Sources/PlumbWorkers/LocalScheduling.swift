import PlumbCore
import PlumbReporting

/// The default scheduler: this process decides which task runs when, with a ``WorkerPool`` per
/// run, as Luigi's `--local-scheduler` does. Nothing outside the process is told.
package struct LocalScheduling: TaskScheduling {
  let options: RunOptions
  let context: RunContext
  let log: RunLog
  let events: EventDispatch
  /// Made here, before the graph is built, rather than with the pool (see ``TaskExecution/init``).
  let execution: TaskExecution

  package func connect() async throws {}

  package func run(_ nodes: [TaskNode], graph: any GraphGrowing) async throws -> SchedulingEnd {
    let pool = WorkerPool(
      nodes: nodes, graph: graph, options: options, execution: execution, log: log, events: events)
    return SchedulingEnd(stopReason: try await pool.run())
  }

  package init(options: RunOptions, context: RunContext, log: RunLog, events: EventDispatch) {
    self.options = options
    self.context = context
    self.log = log
    self.events = events
    execution = TaskExecution(options: options, context: context, log: log, events: events)
  }
}
