import Foundation
import PlumbNetwork
import PlumbReporting
import Synchronization

/// Hands a run's ``TaskEvent``s to its observers, one event at a time and in the order they were
/// emitted, so that observers need no locking of their own; an observer that throws is logged and
/// the run goes on.
///
/// The observers are called on a serial queue of their own, never on the worker that emitted the
/// event: a slow observer (a ``Webhook`` posting to a server that does not answer) holds up no task.
/// The end of the run waits for the events still queued, at most ``patience`` seconds, so that
/// observers and the summary have seen every event when `build` returns.
package final class EventDispatch: Sendable {
  /// How many seconds the end of a run waits for observers to take the events still queued; a
  /// ``Webhook`` gives each message up after its own `timeout`, so this bounds only an observer
  /// that is stuck.
  static let patience: TimeInterval = 60

  private let observers: [TaskObserver]
  private let log: RunLog
  private let queue = DispatchQueue(label: "plumb.events")

  private struct State {
    /// Events emitted and not yet handed to every observer.
    var queued = 0
    /// Set when the run stopped waiting: events still queued are dropped, not delivered after
    /// `build` returned.
    var abandoned = false
  }

  private let state = Mutex(State())

  package init(observers: [TaskObserver], log: RunLog) {
    self.observers = observers
    self.log = log
  }

  /// Whether the run has observers: without, events need not even be worked out.
  package var isObserved: Bool { !observers.isEmpty }

  /// Queues `event` for the observers and returns at once.
  package func emit(_ event: @autoclosure () -> TaskEvent) {
    guard isObserved else { return }
    let event = event()
    state.withLock { $0.queued += 1 }
    queue.async { [self] in deliver(event) }
  }

  private func deliver(_ event: TaskEvent) {
    defer { state.withLock { $0.queued -= 1 } }
    guard !state.withLock({ $0.abandoned }) else { return }
    for observer in observers {
      do {
        try observer(event)
      } catch {
        log.warning("an event observer failed on \(event.task) and was ignored: \(error.oneLineDescription)")
      }
    }
  }

  /// Returns when every event emitted so far has been delivered, or after ``patience`` seconds,
  /// dropping (with a warning) the events an observer has not taken by then.
  package func finish() async {
    guard !observers.isEmpty else { return }
    let delivered = await withCheckedContinuation { continuation in
      let waiting = Waiting(continuation)
      queue.async { waiting.resume(returning: true) }
      DispatchQueue.global().asyncAfter(deadline: .now() + Self.patience) { waiting.resume(returning: false) }
    }
    guard !delivered else { return }
    let dropped = state.withLock { state in
      state.abandoned = true
      return state.queued
    }
    log.warning(
      "stopped waiting for the run's event observers after \(DownloadError.format(Self.patience)) s: "
        + "\(dropped) event\(dropped == 1 ? " was" : "s were") not delivered to every observer")
  }
}

/// The end of a run waiting for the observers, woken by whichever comes first: the queue reaching
/// it, or the end of the patience.
private final class Waiting: Sendable {
  private let continuation: Mutex<CheckedContinuation<Bool, Never>?>

  init(_ continuation: CheckedContinuation<Bool, Never>) {
    self.continuation = Mutex(continuation)
  }

  func resume(returning delivered: Bool) {
    continuation.withLock { $0.take() }?.resume(returning: delivered)
  }
}
