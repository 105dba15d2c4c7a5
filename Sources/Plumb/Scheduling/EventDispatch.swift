import Foundation

/// Hands a run's ``TaskEvent``s to its observers, one event at a time, so that observers need no
/// locking of their own; an observer that throws is logged and the run goes on.
struct EventDispatch {
  let observers: [TaskObserver]
  let log: RunLog
  private let lock = NSLock()

  init(observers: [TaskObserver], log: RunLog) {
    self.observers = observers
    self.log = log
  }

  func emit(_ event: @autoclosure () -> TaskEvent) {
    guard !observers.isEmpty else { return }
    let event = event()
    lock.lock()
    defer { lock.unlock() }
    for observer in observers {
      do {
        try observer(event)
      } catch {
        log.warning("an event observer failed on \(event.task) and was ignored: \(Scheduler.describe(error))")
      }
    }
  }
}
