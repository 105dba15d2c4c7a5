/// Something ``PipelineTask/output()`` may return: a target, or a collection of them.
public protocol TaskOutput {
  /// Every target in the output, flattened.
  var targets: [any Target] { get }
}

/// The output of a task that writes nothing. Such a task is never complete and runs every time.
public struct NoOutput: TaskOutput, Sendable {
  /// Creates an empty output.
  public init() {}
  /// No targets.
  public var targets: [any Target] { [] }
}

extension Array: TaskOutput where Element: TaskOutput {
  /// The targets of every element, in order.
  public var targets: [any Target] { flatMap { $0.targets } }
}

extension Dictionary: TaskOutput where Value: TaskOutput {
  /// The targets of every value, by key order.
  public var targets: [any Target] {
    sorted { "\($0.key)" < "\($1.key)" }.flatMap { $0.value.targets }
  }
}
