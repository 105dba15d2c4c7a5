import PlumbCore

/// Batches (Luigi's `batch_method`): which families batch, which tasks may share a batch, and the
/// one task a batch runs.
///
/// A family batches when it declares a parameter with a ``BatchMethod`` and its
/// ``PipelineTask/maxBatchSize`` is above 1. Tasks share a batch when they are of one family, all
/// batchable (``PipelineTask/isBatchable``), need the same resources, and agree on every parameter
/// that is not batchable, as luigid's `get_work` requires. The batch runs a task made from the first
/// one with each batchable parameter combined, from the values' texts, as Luigi's worker combines
/// the lists luigid sends.
package enum TaskBatch {
  /// What a family's batches are made of: the batchable parameters' names (Luigi's
  /// `batched_args`) and the most tasks one batch may hold.
  package struct Batcher: Sendable {
    package let names: [String]
    package let maximumSize: Int
  }

  /// How tasks of `type` batch, or `nil` when they always run on their own.
  package static func batcher(of type: any PipelineTask.Type) -> Batcher? {
    guard TaskKind.of(type).batches else { return nil }
    return Batcher(names: ParameterSchema.batchedParameterNames(of: type), maximumSize: type.maxBatchSize)
  }

  /// The texts of `task`'s parameters that are not batched, significant or not, in declaration
  /// order: tasks share a batch only when these are equal byte for byte (luigid compares every
  /// parameter it was sent).
  static func unbatchedTexts(of task: any PipelineTask, batched names: [String]) -> [ExactText] {
    ParameterSchema.parameters(of: task).compactMap { names.contains($0.name) ? nil : ExactText($0.parameter.text) }
  }

  /// The task a batch runs: `template` with each batchable parameter combined by its batch method
  /// from the texts in `lists` (by parameter name), the others as they are; `nil` when a text is
  /// not a valid value or a batched parameter has no list.
  package static func combined(
    _ template: any PipelineTask, lists: [String: [String]], batched names: [String]
  ) -> (any PipelineTask)? {
    func combine<T: PipelineTask>(_ task: T) -> T? {
      var isValid = true
      let combined = ParameterLayout.of(T.self).updating(task) { name, parameter in
        guard names.contains(name) else { return nil }
        guard let texts = lists[name], let changed = parameter.combining(texts: texts) else {
          isValid = false
          return nil
        }
        return changed
      }
      return isValid ? combined : nil
    }
    return combine(template)
  }

  /// The node that runs `members` (at least two) as one batch, or `nil` when their values do not
  /// combine.
  static func node(running members: [TaskNode], batched names: [String]) -> TaskNode? {
    var lists: [String: [String]] = [:]
    for member in members {
      for (name, parameter) in ParameterSchema.parameters(of: member.task) where names.contains(name) {
        lists[name, default: []].append(parameter.text)
      }
    }
    guard let task = combined(members[0].task, lists: lists, batched: names) else { return nil }
    return TaskNode(batchOf: members, running: task)
  }
}
