/// An output of a task: something that either exists or does not.
///
/// A task is complete when all its targets exist. ``LocalTarget`` and ``ObjectStoreTarget`` conform;
/// conform your own type to store outputs elsewhere.
public protocol Target: TaskOutput, CustomStringConvertible {
  /// Whether the target's data is in place.
  func exists() -> Bool
}

extension Target {
  /// A target on its own is the whole output.
  public var targets: [any Target] { [self] }
}
