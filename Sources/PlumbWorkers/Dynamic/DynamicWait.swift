/// A task waiting in `require(_:)` for the requirements it discovered: how to wake it. How many of
/// its requirements are not settled yet is the run's to count (``RunState``), under its lock.
final class DynamicWait: Sendable {
  /// Wakes the waiting task; called once, outside the lock.
  let wake: @Sendable () -> Void

  init(wake: @escaping @Sendable () -> Void) {
    self.wake = wake
  }
}
