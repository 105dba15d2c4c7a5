import Foundation
import PlumbReporting

/// Tells luigid every ``CentralScheduler/pingInterval`` seconds that this worker is alive, from a
/// thread of its own: a task that blocks every worker thread, or a slow call to luigid, must not
/// silence the worker, or luigid would take its running tasks for dead and hand them out again.
///
/// A thread rather than a Dispatch timer or a Swift task, because each ping blocks while it waits
/// for luigid (at most the call's deadline), and neither Dispatch's nor Swift's shared threads
/// should be held that long.
///
/// Unchecked Sendable, because its thread and the run share it: `isStopped`, its only mutable
/// state, changes and is read only under `condition`, which the thread also waits on.
final class Pinger: @unchecked Sendable {
  private let client: LuigidClient
  private let worker: String
  private let log: RunLog
  // `isStopped` is guarded by `condition`.
  private let condition = NSCondition()
  private var isStopped = false

  /// Called on the pinger's thread when luigid answers again after a silence: it may have been
  /// restarted, and without its saved state.
  private let onRecovery: @Sendable () -> Void

  init(client: LuigidClient, worker: String, log: RunLog, onRecovery: @escaping @Sendable () -> Void = {}) {
    self.client = client
    self.worker = worker
    self.log = log
    self.onRecovery = onRecovery
  }

  /// Starts pinging; the thread holds the pinger until ``stop()``.
  func start() {
    let thread = Thread { [self] in loop() }
    thread.name = "plumb-ping"
    thread.start()
  }

  /// Stops pinging; a ping on its way is let finish.
  func stop() {
    condition.withLock {
      isStopped = true
      condition.signal()
    }
  }

  private func loop() {
    let interval = max(client.scheduler.pingInterval, 0.05)
    var failing = false
    while true {
      let stopped = condition.withLock { () -> Bool in
        let wakeUp = Date(timeIntervalSinceNow: interval)
        while !isStopped && condition.wait(until: wakeUp) {}
        return isStopped
      }
      if stopped { return }
      do {
        _ = try client.callBlocking("ping", ["worker": .string(worker)])
        if failing {
          log.info("the central scheduler at \(client.scheduler.address) answers pings again")
          failing = false
          onRecovery()
        }
      } catch {
        // Once per silence: the calls that matter (get_work, add_task) retry and give up on their own.
        if !failing {
          log.warning("cannot ping the central scheduler at \(client.scheduler.address): \(error.oneLineDescription)")
        }
        failing = true
      }
    }
  }
}
