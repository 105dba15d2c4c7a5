import Synchronization

/// Where a range's one-line notes go during a run: the run's log, as warnings. Ranges work out
/// their plan inside `requires()` and `complete()`, which have no log of their own, so the run
/// lends them its log while it builds the graph.
enum RangeNotes {
  @TaskLocal static var sink: (@Sendable (String) -> Void)?

  /// Sends `note` to the run's log, if a run is listening.
  static func post(_ note: String) {
    sink?(note)
  }

  /// A sink that passes each distinct note on once: a range plans in `complete()` and again in
  /// `requires()`, and should say what it left out only once.
  static func once(_ sink: @escaping @Sendable (String) -> Void) -> @Sendable (String) -> Void {
    let seen = Mutex(Set<String>())
    return { note in
      if seen.withLock({ $0.insert(note).inserted }) { sink(note) }
    }
  }
}
