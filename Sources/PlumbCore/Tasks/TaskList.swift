/// Requirements of types known only at run time: what a task returns from ``PipelineTask/requires()``
/// when the tasks it needs are chosen by name, as ``RangeDaily`` chooses its `of` task.
///
/// ```swift
/// func requires() -> TaskList { TaskList(days.map { DailyReport(date: $0) }) }
/// ```
///
/// ``PipelineTask/input()`` gives the tasks' outputs as `[any TaskOutput]`, in order.
public struct TaskList: Requirement, Sendable {
  /// The tasks, in order.
  ///
  /// ```swift
  /// TaskList([DailyReport(date: day)]).tasks.count   // 1
  /// ```
  public let tasks: [any PipelineTask]

  /// A requirement on every one of `tasks`.
  ///
  /// ```swift
  /// TaskList(days.map { DailyReport(date: $0) })
  /// ```
  public init(_ tasks: [any PipelineTask]) {
    self.tasks = tasks
  }

  /// The tasks, in order.
  public var requiredTasks: [any PipelineTask] { tasks }

  /// Each task's output, in order.
  public var requiredOutput: [any TaskOutput] { tasks.map { $0.requiredOutputErased } }
}

extension PipelineTask {
  /// ``requiredOutput`` as an existential, for ``TaskList``.
  fileprivate var requiredOutputErased: any TaskOutput { requiredOutput }
}
