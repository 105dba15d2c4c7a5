import PlumbCore
import PlumbWorkers

/// An assistant's part (``RunOptions/isAssistant``): the tasks luigid hands it that the run did not
/// schedule.
///
/// luigid hands an assistant any runnable task, whatever its family (its `get_work`), and a task
/// handed out can only be reported DONE or FAILED, or left RUNNING (luigid ignores a PENDING report
/// from the worker running it). Leaving it would hold it until this worker dies, so each one is
/// run, or failed as Luigi's own assistant fails a task it cannot load.
extension CentralWorker {
  /// The node of the task luigid handed this assistant as `taskID` (from `get_work`'s `response`),
  /// marked running: a task of a family in ``RunOptions/assistantTasks`` made from luigid's
  /// parameters, a Python task to run through Python Luigi, or one that fails with Luigi's
  /// message. A task handed again (luigid retries it after `retry_delay` when it failed here) is
  /// the same node, one more attempt of one task in the summary. `nil` when the run is stopping.
  func adopt(_ taskID: String, handedIn response: JSONValue) -> TaskNode? {
    if let earlier = shared.withLock({ $0.adopted[taskID] }) {
      return shared.withLock { $0.run.adopt(earlier, isAgain: true) } ? earlier : nil
    }
    let handed = HandedTask(taskID: taskID, response)
    let (task, info, dependencies) = parts(of: handed)
    return shared.withLock { shared in
      // Below zero, so as to share no order with the run's own nodes, those grown later included.
      let node = TaskNode(task: task, info: info, order: -1 - shared.run.nodes.count)
      node.dependencies = dependencies
      guard shared.run.adopt(node) else { return nil }
      shared.adopted[taskID] = node
      return node
    }
  }

  /// The task to run for `handed`, how to name it, and the requirements to check before it runs.
  private func parts(of handed: HandedTask) -> (any PipelineTask, TaskInfo, [TaskNode]) {
    if handed.module != nil {
      return (PythonLuigiTask(handed: handed, interpreter: options.pythonInterpreter), handed.info, [])
    }
    let reason: String
    do {
      let made = try make(handed)
      // Checked before it runs, as every task's are (``TaskExecution``) and as Luigi's worker does.
      let dependencies = try execution.context.activate {
        try made.requires().requiredTasks.map { required in
          let resolved = try execution.context.resolvedTask(required)
          return TaskNode(task: resolved, info: TaskInfo(resolved), order: -1)
        }
      }
      return (made, TaskInfo(made), dependencies)
    } catch let error as UnknownFamily {
      let known = options.assistantTasks.map { $0.family }.sorted()
      reason =
        "\(error.family) is not a family this program knows (it knows \(known.isEmpty ? "none" : known.joined(separator: ", "))) and luigid sent no Python module for it, so it is another Swift program's: run assistants built from a program that lists every Swift family of the cluster; luigid hands it out again after its retry_delay"
    } catch {
      reason = "cannot make \(handed.info) here: \(error.oneLineDescription)"
    }
    return (UnloadableTask(handed: handed, reason: reason), handed.info, [])
  }

  /// `handed` as the command line makes a task from `--Family-param` values: luigid's parameter
  /// strings are the family's values, so the config file and defaults fill only what it did not
  /// send. Its id must be the one luigid sent, else it is another task that happens to share the
  /// family's name.
  private func make(_ handed: HandedTask) throws -> any PipelineTask {
    guard let type = options.assistantTasks.first(where: { $0.family == handed.family }) else {
      throw UnknownFamily(family: handed.family)
    }
    let context = RunContext(
      workingDirectory: execution.context.workingDirectory, configuration: execution.context.configuration,
      familyValues: [handed.family: handed.parameters])
    func make<T: PipelineTask>(_: T.Type) throws -> any PipelineTask { try context.resolvedTask(T()) }
    let task = try make(type)
    let id = TaskInfo(task).id
    guard id == handed.taskID else { throw DifferentTask(id: id) }
    return task
  }

  /// The `add_task` that reports `node`'s outcome. A task handed to this assistant is reported
  /// under luigid's id, module and parameters, as Luigi's assistant reports it; one that could
  /// not be made here is no longer runnable (Luigi's `runnable=False`), and its explanation keeps
  /// its lines, as a Python traceback does. An assistant reports as one, so luigid does not
  /// count it among the tasks' stakeholders.
  func outcome(of node: TaskNode, succeeded: Bool) -> [String: JSONValue] {
    var arguments = TaskRegistration.finished(node, succeeded: succeeded, worker: identity.id)
    arguments["assistant"] = .bool(options.isAssistant)
    let handed = (node.task as? PythonLuigiTask)?.handed ?? (node.task as? UnloadableTask)?.handed
    guard let handed else { return arguments }
    arguments["task_id"] = .string(handed.taskID)
    arguments["module"] = handed.module.map { .string($0) } ?? .null
    arguments["params"] = .object(handed.parameters.mapValues { .string($0) })
    if let error = node.error as? HandedTaskError, !succeeded {
      arguments["expl"] = .string(TaskInfo.jsonString(error.description))
      if case .cannotFind = error { arguments["runnable"] = false }
    }
    return arguments
  }
}

/// A handed family that is not among ``RunOptions/assistantTasks``.
private struct UnknownFamily: Error {
  let family: String
}

/// A handed task whose parameters make another task here than the one luigid sent.
private struct DifferentTask: Error, CustomStringConvertible {
  let id: String
  var description: String { "its parameters make \(id) here, not the task luigid sent" }
}
