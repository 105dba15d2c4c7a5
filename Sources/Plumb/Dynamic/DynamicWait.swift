/// A task waiting in `require(_:)` for the requirements it discovered: how many of them
/// are not settled yet, and how to wake it. Changed only under the scheduler's lock.
final class DynamicWait: @unchecked Sendable {
  /// Requirements not yet done, failed, or blocked by a failure upstream.
  var remaining = 0
  /// Wakes the waiting task; called once, outside the lock.
  let wake: @Sendable () -> Void

  init(wake: @escaping @Sendable () -> Void) {
    self.wake = wake
  }
}
