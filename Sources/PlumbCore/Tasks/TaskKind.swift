/// Whether a task type is an ``ExternalTask`` or a ``WrapperTask``, found once per type: the
/// dynamic casts that tell cost a conformance lookup each, and a run asks for every task it meets.
package struct TaskKind: Sendable {
  package let isExternal: Bool
  package let isWrapper: Bool

  private static let kinds = TypeCache<TaskKind>()

  /// The kind of `task`'s type.
  package static func of(_ task: any PipelineTask) -> TaskKind {
    kinds.value(for: type(of: task)) {
      TaskKind(isExternal: task is any ExternalTask, isWrapper: task is any WrapperTask)
    }
  }
}
