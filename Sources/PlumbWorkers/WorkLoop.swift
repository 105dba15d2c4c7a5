import Foundation
import PlumbReporting
import Synchronization

/// How the task-running part of a run starts, stops and ends, the same for the local scheduler
/// (``WorkerPool``) and the central one (luigid's worker): its loop runs in a Swift task of its
/// own, a stop cancels that task (and those adopted beside it) and gives the running tasks
/// ``RunOptions/stopGracePeriod`` seconds, and the run returns when the loop ends or the grace
/// period runs out, whichever comes first.
///
/// The loop runs apart from the caller so that a stopped run can return while a synchronous task,
/// which nothing can interrupt, is still running; the tasks left running then are the owner's to
/// report (``warnAbandoned(_:)``).
///
/// The owner decides whether a stop is accepted (its ``RunState`` takes a stop once) and then calls
/// ``stop(_:)``; this type only acts on the tasks and the wait, so it holds no task state.
package final class WorkLoop: Sendable {
  private struct State {
    /// The loop's task and those adopted beside it (loops started for lent slots).
    var tasks: [Task<Void, Never>] = []
    var isStopped = false
    /// The run, waiting for the loop to end or for the grace period to run out.
    var waiter: CheckedContinuation<Void, Never>?
    /// Whether the run may return: set when the grace period ran out before the run waited.
    var hasEnded = false
    /// The loop's own task.
    var loop: Task<Void, Never>?
    /// Whether the loop returned by itself (rather than being left behind after a stop).
    var loopHasFinished = false
  }

  private let state = Mutex(State())
  private let log: RunLog
  private let gracePeriod: TimeInterval

  package init(log: RunLog, gracePeriod: TimeInterval) {
    self.log = log
    self.gracePeriod = gracePeriod
  }

  /// Runs `loop` in a task of its own and returns once it has ended, or once the grace period
  /// after a stop has run out. A stop requested through `stop`, or the cancellation of the Swift
  /// task awaiting this (reason `cancelled`), is handed to `onStop`, which calls ``stop(_:)`` if
  /// the owner accepts it; a phase-out (``RunStop/phaseOut(reason:)``) to `onPhaseOut`, after which
  /// the owner's loop starts no task and ends once its running tasks have.
  package func run(
    observing stop: RunStop?, onStop: @escaping @Sendable (String) -> Void,
    onPhaseOut: @escaping @Sendable (String) -> Void, _ loop: @escaping @Sendable () async -> Void
  ) async {
    let observation = stop?.observe(
      onStop,
      phasingOut: { [log] reason in
        log.warning("phasing out (\(reason)): no new tasks; the running ones finish, then the run ends")
        onPhaseOut(reason)
      })
    defer { stop?.endObservation(observation) }
    await withTaskCancellationHandler {
      await withCheckedContinuation { (waiter: CheckedContinuation<Void, Never>) in
        // A stop with no grace period can end the run before its loop has started: nothing starts.
        let hasEnded = state.withLock { state in
          if !state.hasEnded { state.waiter = waiter }
          return state.hasEnded
        }
        guard !hasEnded else { return waiter.resume() }
        let task = Task {
          await loop()
          self.loopFinished()
        }
        state.withLock { $0.loop = task }
        adopt(task)
      }
    } onCancel: {
      onStop("cancelled")
    }
    // The loop's task still holds what it captured (the workers, the run's tasks) for a moment
    // after it says it has finished: waiting for its end keeps a finished run from outliving run().
    await state.withLock { $0.loopHasFinished ? $0.loop : nil }?.value
  }

  /// Cancels `task` with the loop when the run stops; at once if it already has.
  package func adopt(_ task: Task<Void, Never>) {
    let isStopped = state.withLock { state in
      state.tasks.append(task)
      return state.isStopped
    }
    if isStopped { task.cancel() }
  }

  /// Stops the run the owner has accepted a stop for: says so in the log, cancels the loop and the
  /// tasks adopted beside it (asynchronous tasks see `Task.isCancelled`), and lets the run return
  /// after the grace period even if running tasks have not ended.
  package func stop(_ reason: String) {
    let tasks = state.withLock { state in
      state.isStopped = true
      return state.tasks
    }
    log.warning(
      "stopping (\(reason)): no new tasks; running tasks have \(String(format: "%g", gracePeriod)) s to end")
    for task in tasks { task.cancel() }
    // Weak: a finished run is not kept in memory until the timer fires.
    DispatchQueue.global().asyncAfter(deadline: .now() + gracePeriod) { [weak self] in self?.end() }
  }

  /// Logs the tasks a stopped run left running after the grace period, if any.
  package func warnAbandoned(_ nodes: [TaskNode]) {
    guard !nodes.isEmpty else { return }
    log.warning(
      "still running after the grace period, left behind: \(nodes.map(\.info.description).joined(separator: ", "))")
  }

  /// Called by the loop's task as it returns: the run waits for that task's end.
  private func loopFinished() {
    state.withLock { $0.loopHasFinished = true }
    end()
  }

  /// Lets the run return: its loop has ended, or the grace period after a stop has run out.
  private func end() {
    let waiter = state.withLock { state in
      defer {
        state.waiter = nil
        state.hasEnded = true
      }
      return state.waiter
    }
    waiter?.resume()
  }
}
