import Synchronization

/// Where a range's one-line notes go during a run: the run's log, as warnings. Ranges work out
/// their plan inside `requires()` and `complete()`, which have no log of their own, so the run
/// lends them its log while it builds the graph.
///
/// The task-local value is this class rather than a closure: Swift 6.3's release builds crash
/// (a null type metadata pointer in `swift_task_localValuePush`) when a task-local holds an
/// optional function type.
package final class RangeNotes: Sendable {
  @TaskLocal static var current: RangeNotes?

  private let log: @Sendable (String) -> Void
  /// A range plans in `complete()` and again in `requires()`, and should say what it left out once.
  private let seen = Mutex(Set<String>())

  init(log: @escaping @Sendable (String) -> Void) {
    self.log = log
  }

  /// Sends `note` to the run's log, once, if a run is listening.
  package static func post(_ note: String) {
    current?.pass(note)
  }

  private func pass(_ note: String) {
    if seen.withLock({ $0.insert(note).inserted }) { log(note) }
  }
}
