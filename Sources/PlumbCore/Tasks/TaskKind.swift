/// Whether a task type is an ``ExternalTask`` or a ``WrapperTask``, and whether it may run in
/// batches, found once per type: the dynamic casts that tell cost a conformance lookup each, and a
/// run asks for every task it meets.
package struct TaskKind: Sendable {
  package let isExternal: Bool
  package let isWrapper: Bool
  /// Whether tasks of the type may share a batch: it has a parameter with a ``BatchMethod`` and a
  /// ``PipelineTask/maxBatchSize`` above 1.
  package let batches: Bool

  private static let kinds = TypeCache<TaskKind>()

  /// The kind of `task`'s type.
  package static func of(_ task: any PipelineTask) -> TaskKind {
    of(type(of: task))
  }

  /// The kind of `type`.
  package static func of(_ type: any PipelineTask.Type) -> TaskKind {
    kinds.value(for: type) {
      TaskKind(
        isExternal: type is any ExternalTask.Type, isWrapper: type is any WrapperTask.Type,
        batches: type.maxBatchSize > 1 && !ParameterSchema.batchedParameterNames(of: type).isEmpty)
    }
  }
}
