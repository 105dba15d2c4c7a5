/// luigid's answer to `get_work`: the task or batch handed to this worker, if any, and what the
/// other workers are running of the tasks this worker registered.
struct WorkReply: Sendable {
  /// The task luigid set RUNNING for this worker; `nil` when there is nothing for it now, or when
  /// it handed out a ``batch``.
  let taskID: String?
  /// Tasks luigid handed out to run as one (set BATCH_RUNNING for this worker), in its order.
  let batch: Batch?
  /// Pending or failed tasks this worker registered as runnable (luigid's `n_pending_tasks`).
  let pendingTasks: Int
  /// Of those, the ones no other worker registered as runnable (luigid's `n_unique_pending`).
  let uniquePending: Int
  /// Of those, the ones this worker was the last to register (luigid's `n_pending_last_scheduled`).
  let pendingLastScheduled: Int
  /// Tasks this worker registered that another worker is running: task id, then that worker's id.
  let heldByOthers: [(taskID: String, worker: String)]
  /// Whether luigid has disabled this worker (from the visualiser's Workers tab): it is to ask for
  /// no more work, and to end once its running tasks have.
  let isWorkerDisabled: Bool

  /// A batch luigid handed out: its id, its tasks' ids, and the parameters of its first task, each
  /// batched one as the list of the batch's values (luigid's `task_params`).
  struct Batch: Sendable {
    let id: String
    let taskIDs: [String]
    let parameters: [String: JSONValue]
  }

  init(_ response: JSONValue, worker: String) {
    taskID = response["task_id"]?.string
    if let id = response["batch_id"]?.string, case .object(let parameters)? = response["task_params"] {
      batch = Batch(
        id: id, taskIDs: (response["batch_task_ids"]?.elements ?? []).compactMap(\.string), parameters: parameters)
    } else {
      batch = nil
    }
    pendingTasks = response["n_pending_tasks"]?.integer ?? 0
    uniquePending = response["n_unique_pending"]?.integer ?? 0
    pendingLastScheduled = response["n_pending_last_scheduled"]?.integer ?? 0
    isWorkerDisabled = response["worker_state"]?.string == "disabled"
    heldByOthers = (response["running_tasks"]?.elements ?? []).compactMap { running in
      guard let task = running["task_id"]?.string, let holder = running["worker"]?.string, holder != worker
      else { return nil }
      return (task, holder)
    }
  }
}
