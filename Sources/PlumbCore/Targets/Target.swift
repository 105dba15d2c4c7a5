/// An output of a task: something that either exists or does not.
///
/// A task is complete when all its targets exist. ``LocalTarget`` and ``ObjectStoreTarget`` conform;
/// conform your own type to store outputs elsewhere, and add ``ReadableTarget`` and ``WritableTarget``
/// to get `read()`, `lines()` and `write(_:)` from one method each.
///
/// ```swift
/// struct RowCount: Target {
///     let table: String
///     var description: String { "rows of \(table)" }
///     func exists() throws -> Bool { try database.count(table) > 0 }  // throws when unreachable
/// }
/// ```
///
/// The protocol does not require `Sendable`; ``LocalTarget`` and ``ObjectStoreTarget`` are.
public protocol Target: TaskOutput, CustomStringConvertible {
  /// Whether the target's data is in place.
  ///
  /// Throw when you cannot tell, such as when the store holding the data cannot be reached: a
  /// missing target makes its task run, whereas a thrown error fails the task's scheduling with the
  /// error as the reason, as a ``PipelineTask/complete()`` that throws does. A type that can always
  /// tell may declare this method without `throws`.
  func exists() throws -> Bool
}

extension Target {
  /// A target on its own is the whole output.
  public var targets: [any Target] { [self] }

  /// Whether the target exists: a task with one target is complete when it does. Asked of every
  /// task a run meets, and again of each task's requirements before it runs. A target type that
  /// lists other targets than itself in ``targets`` answers for them here too.
  public func allTargetsExist() throws -> Bool { try exists() }
}
