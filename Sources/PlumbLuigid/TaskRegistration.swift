import PlumbCore
import PlumbWorkers

/// The `add_task` calls that tell luigid about a task: when the graph is registered, and when the
/// task has run here.
///
/// Fields and values are those a Python worker sends (see luigi's `worker.py`), so luigid, its
/// visualiser and Python workers see a Plumb task as they would see a Python one with the same
/// family and parameters: the same task id, parameters as the same strings.
enum TaskRegistration {
  /// The registration of `node` while the graph is scheduled: DONE when it is complete, PENDING
  /// and runnable here when it is to run, PENDING and not runnable for missing external data (but
  /// runnable, to be checked again, with ``RunOptions/retriesExternalTasks``, and without
  /// dependencies, as Luigi's worker registers it), UNKNOWN when its `complete()` or `requires()`
  /// failed.
  /// `ids` has the ids of the run's tasks worked out already.
  static func scheduled(_ node: TaskNode, worker: String, ids: TaskIDs = TaskIDs()) -> [String: JSONValue] {
    var arguments = common(node, worker: worker, id: ids[node])
    let status: String
    var runnable = false
    var deps: JSONValue = .null
    switch node.state {
    case .alreadyComplete:
      status = "DONE"
    case .missingExternal:
      status = "PENDING"
    case .schedulingFailed:
      status = "UNKNOWN"
    default:
      status = "PENDING"
      runnable = true
      if !node.isExternal { deps = .array(node.dependencies.map { .string(ids[$0]) }) }
    }
    arguments["status"] = .string(status)
    arguments["runnable"] = .bool(runnable)
    arguments["deps"] = deps
    arguments["new_deps"] = .null
    arguments["expl"] = .null
    arguments["priority"] = .number(Double(node.priority))
    // Luigi's `task.batchable`: luigid puts only such tasks in a batch.
    arguments["batchable"] = .bool(node.task.isBatchable && TaskBatch.batcher(of: type(of: node.task)) != nil)
    return arguments
  }

  /// The `add_task_batcher` calls a Python worker makes while it schedules `nodes`: one per family
  /// that batches and has a task to run here, before that task's registration, naming its
  /// batchable parameters and, when the family limits it, the batch's size (luigid's default is
  /// no limit).
  static func batchers(of nodes: [TaskNode], worker: String) -> [[String: JSONValue]] {
    var families = Set<String>()
    var calls: [[String: JSONValue]] = []
    for node in nodes where node.state == .pending && !node.isExternal {
      guard let batcher = TaskBatch.batcher(of: type(of: node.task)), families.insert(node.info.family).inserted
      else { continue }
      var arguments: [String: JSONValue] = [
        "worker": .string(worker), "task_family": .string(node.info.family),
        "batched_args": .array(batcher.names.map { .string($0) }),
      ]
      if batcher.maximumSize < Int.max { arguments["max_batch_size"] = .number(Double(batcher.maximumSize)) }
      calls.append(arguments)
    }
    return calls
  }

  /// The claim of a batch luigid handed out (`batch_id`), as Luigi's worker makes it before running
  /// the batch: the task it runs, RUNNING on this worker. luigid then reports the batch's outcome,
  /// sent for that task, as each of the batch's tasks'; unclaimed, they go back to PENDING.
  static func running(_ node: TaskNode, batchID: String, worker: String) -> [String: JSONValue] {
    [
      "worker": .string(worker), "task_id": .string(node.info.id), "module": .null,
      "family": .string(node.info.family), "params": .object(parameters(of: node).params), "status": "RUNNING",
      "batch_id": .string(batchID),
    ]
  }

  /// The report of `node`'s outcome here: DONE, or FAILED with the error's text as `expl`,
  /// JSON-encoded once more as Luigi's workers send their tracebacks (the visualiser decodes it).
  /// External data still missing is Luigi's `expl` exactly, without the paths this machine misses.
  /// `id` is the task's id, when it was worked out already.
  static func finished(
    _ node: TaskNode, succeeded: Bool, worker: String, explanation: String? = nil, id: String? = nil
  ) -> [String: JSONValue] {
    var arguments = common(node, worker: worker, id: id ?? node.info.id)
    arguments["status"] = succeeded ? "DONE" : "FAILED"
    arguments["runnable"] = .null
    arguments["deps"] = .null
    arguments["new_deps"] = .array([])
    let reason = node.error is ExternalDataMissing ? ExternalDataMissing.explanation : node.error?.oneLineDescription
    let text = explanation ?? reason ?? "failed"
    arguments["expl"] = .string(succeeded ? "null" : TaskInfo.jsonString(text))
    return arguments
  }

  /// The report that `node`, running here, requires `requirements` while it runs: luigid adds
  /// them to its dependencies (`new_deps`). `pending` while some are not done, as a Python worker
  /// reports it, so that luigid hands the task out again once they are; RUNNING when all are done
  /// already and `run()` just goes on.
  static func newDependencies(
    of node: TaskNode, _ requirements: [TaskNode], pending: Bool, worker: String
  ) -> [String: JSONValue] {
    var arguments = common(node, worker: worker, id: node.info.id)
    arguments["status"] = pending ? "PENDING" : "RUNNING"
    arguments["runnable"] = true
    arguments["deps"] = .null
    arguments["new_deps"] = .array(requirements.map { .string($0.info.id) })
    arguments["expl"] = .null
    return arguments
  }

  /// Every parameter, insignificant ones too, as a Python worker sends them: the id is made of the
  /// significant ones only. Plumb has no hidden or private parameters, so all are public (0).
  private static func parameters(of node: TaskNode) -> (params: [String: JSONValue], visibilities: [String: JSONValue])
  {
    var params: [String: JSONValue] = [:]
    var visibilities: [String: JSONValue] = [:]
    for (name, parameter) in ParameterSchema.parameters(of: node.task) {
      params[name] = .string(parameter.text)
      visibilities[name] = 0
    }
    return (params, visibilities)
  }

  private static func common(_ node: TaskNode, worker: String, id: String) -> [String: JSONValue] {
    let (params, visibilities) = parameters(of: node)
    return [
      "worker": .string(worker),
      "task_id": .string(id),
      "family": .string(node.info.family),
      // What a Python worker imports to rebuild a task it did not schedule; a Swift task has no
      // module, and no Python worker can run it (see "Central scheduler" in the docs).
      "module": .null,
      "params": .object(params),
      "param_visibilities": .object(visibilities),
      "resources": .object(node.resources.mapValues { .number(Double($0)) }),
      "assistant": false,
      // Left as it is, but where the graph's registration says it (``scheduled(_:worker:ids:)``).
      "batchable": .null,
      "batch_id": .null,
      "tracking_url": .null,
      "accepts_messages": false,
      "owners": .array([]),
      "retry_policy_dict": .object(["retry_count": .null, "disable_hard_timeout": .null, "disable_window": .null]),
    ]
  }
}

/// Luigi's ids of a run's tasks, each worked out once: ``TaskInfo/id`` makes an MD5 of the task's
/// parameters anew each time, and a run names a task to luigid when it registers it, when a task
/// that requires it is registered, and when it reports its outcome.
struct TaskIDs {
  private var ids: [ObjectIdentifier: String] = [:]

  /// No ids known: each is worked out when asked for.
  init() {}

  /// The ids of `nodes`, which must outlive these ids (their object identities are the keys).
  init(_ nodes: [TaskNode]) {
    ids.reserveCapacity(nodes.count)
    for node in nodes { ids[ObjectIdentifier(node)] = node.info.id }
  }

  /// The id of `node`: known, or worked out now.
  subscript(node: TaskNode) -> String { ids[ObjectIdentifier(node)] ?? node.info.id }
}
