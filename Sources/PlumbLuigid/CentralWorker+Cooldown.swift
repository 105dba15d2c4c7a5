import PlumbCore
import PlumbWorkers

/// luigid ignores a claim that a task is PENDING while the task has been DONE there for less than
/// its `[scheduler] stable_done_cooldown_secs` (10 s by default). So a run started again at once
/// after its outputs were deleted, or with `--force`, finds its tasks DONE in luigid and, with
/// Luigi's worker, runs none of them ("not granted run permission"). A Plumb worker notices, says so
/// in one line, and claims them again once the cooldown has passed, then runs them.
extension CentralWorker {
  /// How long after a claim luigid ignored again it is made once more: luigid's cooldown is longer
  /// than ``CentralScheduler/stableDoneCooldown`` says.
  private var claimRetryInterval: Duration { .milliseconds(Int(max(scheduler.stableDoneCooldown / 2, 0.5) * 1000)) }
  /// How long a run claims again tasks luigid keeps ignoring before it gives up on them.
  private var cooldownPatience: Duration { .milliseconds(Int(max(scheduler.stableDoneCooldown * 6, 1) * 1000)) }
  /// How often a worker that has nothing to run looks for tasks luigid does not count as pending.
  static let claimLookInterval = Duration.seconds(2)

  /// The tasks of this run luigid ignored as pending, and when each is claimed again.
  struct IgnoredClaims {
    /// When each task still ignored is to be claimed again, by id. A task still here when the run
    /// ends did not run and was not run by another worker: "not granted run permission", even if
    /// its output exists (forced).
    var nextClaim: [String: ContinuousClock.Instant] = [:]
    /// When they were found: the patience counts from there.
    var since: ContinuousClock.Instant?
    var lastLook: ContinuousClock.Instant?
    var hasGivenUp = false
  }

  /// One task as luigid has it.
  struct LuigidTaskState {
    let status: String
    let workerRunning: String?
    /// When its status last changed, on luigid's clock.
    let lastUpdated: Double?
  }

  /// Called when luigid has nothing for this worker and nothing runs here: claims again the tasks
  /// luigid ignored, once its cooldown is likely over; says whether to ask luigid again after the wait
  /// interval rather than end. Tasks another worker ran meanwhile, found on the way, are
  /// that worker's (``Shared/heldByOthers``).
  func waitsOutCooldown(pendingInLuigid: Int) async -> Bool {
    guard !options.isAssistant else { return false }
    let now = ContinuousClock.now
    let claims = shared.withLock { $0.ignoredClaims }
    if claims.hasGivenUp { return false }
    if claims.nextClaim.isEmpty {
      guard claims.lastLook.map({ now - $0 >= Self.claimLookInterval }) ?? true else { return false }
      return findIgnoredClaims(pendingInLuigid: pendingInLuigid, at: now)
    }
    let ignored = shared.withLock { shared in claims.nextClaim.keys.compactMap { shared.byID[$0] } }
    if let since = claims.since, now - since > cooldownPatience {
      log.warning(
        "the central scheduler still ignores \(ignored.count) of this run's tasks as pending after \(cooldownPatience.components.seconds) s, so they were not run: its [scheduler] stable_done_cooldown_secs is longer than this run's (set it in plumb.cfg too); run again once it has passed, or restart luigid"
      )
      shared.withLock { $0.ignoredClaims.hasGivenUp = true }
      return false
    }
    let due = ignored.filter { claims.nextClaim[$0.info.id].map { $0 <= now } ?? false }
    guard !due.isEmpty else { return true }
    // Registered again as at the start, dependencies included: luigid takes them as new.
    _ = try? await client.call(
      due.map { LuigidClient.Call("add_task", TaskRegistration.scheduled($0, worker: identity.id)) }, log: log)
    let states = luigidTasks(in: Set(due.map(\.info.family)))
    let start = startInLuigid()
    shared.withLock { shared in
      for node in due {
        if let state = states[node.info.id], Self.isIgnoredClaim(state, start: start) {
          shared.ignoredClaims.nextClaim[node.info.id] = now + claimRetryInterval
        } else {
          shared.ignoredClaims.nextClaim[node.info.id] = nil
        }
      }
    }
    return true
  }

  /// Looks, when luigid counts fewer pending tasks for this worker than it has, for the reason:
  /// claims luigid ignored (kept to be made again; says whether there are any), or tasks another
  /// worker ran without this one seeing them run.
  private func findIgnoredClaims(pendingInLuigid: Int, at now: ContinuousClock.Instant) -> Bool {
    let (unconfirmed, failedHere) = shared.withLock { shared in
      shared.ignoredClaims.lastLook = now
      let unconfirmed = shared.run.nodes.filter {
        $0.state == .pending && shared.heldByOthers[$0.info.id] == nil
      }
      // luigid counts FAILED tasks among the pending ones.
      return (unconfirmed, shared.run.nodes.count { $0.state == .failed })
    }
    guard unconfirmed.count + failedHere > pendingInLuigid else { return false }
    let states = luigidTasks(in: Set(unconfirmed.map(\.info.family)))
    guard let start = startInLuigid() else { return false }
    let luigidNow = start + shared.withLock { shared in shared.connectedAt.map { Self.seconds(now - $0) } ?? 0 }
    var ignored: [String: ContinuousClock.Instant] = [:]
    var example: TaskNode?
    shared.withLock { shared in
      for node in unconfirmed {
        guard let state = states[node.info.id] else { continue }
        if Self.isIgnoredClaim(state, start: start) {
          let wait = max(0, (state.lastUpdated ?? luigidNow) + scheduler.stableDoneCooldown - luigidNow)
          ignored[node.info.id] = now + .milliseconds(Int(wait * 1000) + 100)
          example = example ?? node
        } else if let other = state.workerRunning, other != identity.id,
          ["DONE", "RUNNING", "BATCH_RUNNING"].contains(state.status)
        {
          shared.heldByOthers[node.info.id] = other
        }
      }
      shared.ignoredClaims.nextClaim = ignored
      shared.ignoredClaims.since = ignored.isEmpty ? nil : now
    }
    guard let example else { return false }
    let others = ignored.count == 1 ? "" : " and \(ignored.count - 1) more"
    let cooldown = scheduler.stableDoneCooldown
    let seconds = cooldown == cooldown.rounded() ? String(Int(cooldown)) : String(cooldown)
    log.info(
      "the central scheduler marked \(example.info)\(others) DONE moments before this run, and ignores them as pending for its [scheduler] stable_done_cooldown_secs (\(seconds) s here): this run claims them again once that has passed, then runs them"
    )
    return true
  }

  /// Whether luigid has a task this run claimed as pending DONE since before the run began: then
  /// it ignored the claim, since another worker running it would have made it DONE later.
  static func isIgnoredClaim(_ state: LuigidTaskState, start: Double?) -> Bool {
    guard state.status == "DONE", let start, let updated = state.lastUpdated else { return false }
    return updated < start
  }

  /// luigid's tasks of `families`, by id; empty where luigid does not answer.
  func luigidTasks(in families: Set<String>) -> [String: LuigidTaskState] {
    var states: [String: LuigidTaskState] = [:]
    // A question a family, not a task: `task_search` would scan luigid's tasks once per task. The
    // search matches words of the task's text, so a family's answer may hold others' tasks too; a
    // luigid kept running for a workshop holds everyone's, hence not one question for all.
    for family in families.sorted() {
      guard
        case .object(let tasks)? = try? client.callBlocking(
          "task_list", ["status": "", "upstream_status": "", "search": .string(family), "limit": false])
      else { continue }
      for (id, task) in tasks {
        guard let status = task["status"]?.string else { continue }
        states[id] = LuigidTaskState(
          status: status, workerRunning: task["worker_running"]?.string, lastUpdated: task["last_updated"]?.double)
      }
    }
    return states
  }

  /// When luigid first heard of this worker, on luigid's clock (`worker_list`'s `started`): tasks
  /// it marked DONE later were done during this run. Asked once.
  func startInLuigid() -> Double? {
    if let start = shared.withLock({ $0.startInLuigid }) { return start }
    guard let workers = try? client.callBlocking("worker_list", ["include_running": false]).elements,
      let start = workers.first(where: { $0["name"]?.string == identity.id })?["started"]?.double
    else { return nil }
    shared.withLock { $0.startInLuigid = start }
    return start
  }

  private static func seconds(_ duration: Duration) -> Double {
    Double(duration.components.seconds) + Double(duration.components.attoseconds) / 1e18
  }
}
