import PlumbCore
import PlumbWorkers

/// An assistant's part (``RunOptions/isAssistant``): the tasks luigid hands it that the run did not
/// schedule; and the part of a task's own worker when an assistant could not run it.
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
        "\(error.family) \(Self.unknownFamily) (it knows \(known.isEmpty ? "none" : known.joined(separator: ", "))) and luigid sent no Python module for it, so it is another Swift program's: run assistants built from a program that lists every Swift family of the cluster; its own worker, if still running, takes it back, else luigid hands it out again after its retry_delay"
    } catch {
      reason = "cannot make \(handed.info) here: \(error.oneLineDescription)"
    }
    return (UnloadableTask(handed: handed, reason: reason), handed.info, [])
  }

  /// The words of the failure of a task whose family the assistant does not know, which its own
  /// worker looks for (``reclaimFromAssistants(pendingInLuigid:)``).
  static let unknownFamily = "is not a family this program knows"

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
  func outcome(of node: TaskNode, succeeded: Bool, id: String) -> [String: JSONValue] {
    var arguments = TaskRegistration.finished(node, succeeded: succeeded, worker: identity.id, id: id)
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

  // MARK: - Tasks an assistant could not run

  /// How many times one task is registered again after assistants could not run it: enough for an
  /// assistant that asked between the registration and this worker's `get_work`, and few enough
  /// that a task luigid keeps from running (disabled) is not registered again for ever.
  private static let maximumReclaims = 3
  /// How many tasks one look asks luigid about (`fetch_error`, one call each).
  private static let reclaimCandidates = 20
  /// How long a task is not asked about again: a task that waits for a resource another worker
  /// holds looks like one an assistant failed until asked, and asking at every `get_work` (each
  /// wait interval) would cost luigid, on its one thread, up to ``reclaimCandidates`` calls a poll
  /// for every waiting worker, for a failure that is rare.
  private static let reclaimLookInterval = Duration.seconds(10)

  /// Registers pending again the tasks of this run that a Plumb assistant was handed and failed
  /// because its program does not define their family, so that luigid hands them out at once, as it
  /// would to a new run, rather than after its `retry_delay` (15 minutes by default); says whether it
  /// registered any. Asked when luigid had nothing for this worker.
  ///
  /// luigid lets an assistant neither refuse a task nor hand it back pending (see
  /// ``adopt(_:handedIn:)``), so the task's own worker takes it back. Only such failures: a task
  /// that failed while running waits for `retry_delay`, as Luigi's worker waits. The tasks looked
  /// at are those pending here whose dependencies are done here, the ones luigid may have handed
  /// out, and not held by another worker.
  func reclaimFromAssistants(pendingInLuigid: Int) async -> Bool {
    guard !options.isAssistant, pendingInLuigid > 0 else { return false }
    let now = ContinuousClock.now
    let candidates = shared.withLock { [identity] shared in
      var candidates: [(node: TaskNode, registration: [String: JSONValue])] = []
      for node in shared.run.nodes where candidates.count < Self.reclaimCandidates {
        guard node.state == .pending, shared.heldByOthers[node.info.id] == nil,
          shared.reclaims[node.info.id, default: 0] < Self.maximumReclaims,
          shared.reclaimLooks[node.info.id].map({ now - $0 >= Self.reclaimLookInterval }) ?? true,
          node.dependencies.allSatisfy({ $0.state == .succeeded || $0.state == .alreadyComplete })
        else { continue }
        shared.reclaimLooks[node.info.id] = now
        candidates.append((node, TaskRegistration.scheduled(node, worker: identity.id)))
      }
      return candidates
    }
    guard !candidates.isEmpty else { return false }
    // Asked all at once: luigid serves them one after the other without waiting for this worker.
    let failures =
      (try? await client.call(
        candidates.map { LuigidClient.Call("fetch_error", ["task_id": .string($0.node.info.id)]) }, log: log)) ?? []
    var reclaimed = false
    for ((node, registration), failure) in zip(candidates, failures) {
      guard failure["error"]?.string?.contains(Self.unknownFamily) == true,
        (try? await client.call("add_task", registration, log: log)) != nil
      else { continue }
      shared.withLock { $0.reclaims[node.info.id, default: 0] += 1 }
      log.info(
        "\(node.info) was failed by an assistant whose program does not define it: registered pending again, to run here"
      )
      reclaimed = true
    }
    return reclaimed
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
