/// Something ``PipelineTask/output()`` may return: a target, or a collection of them.
public protocol TaskOutput {
  /// Every target in the output, flattened.
  var targets: [any Target] { get }

  /// Whether the output has targets and every one exists: what a task's default
  /// ``PipelineTask/complete()`` answers. Provided; a single target answers with its own
  /// ``Target/exists()``, without listing itself in an array first.
  ///
  /// ```swift
  /// try LocalTarget("out.txt").allTargetsExist()   // the same as try LocalTarget("out.txt").exists()
  /// try NoOutput().allTargetsExist()               // false: no targets, never complete
  /// ```
  ///
  /// - Throws: what a target's ``Target/exists()`` throws.
  func allTargetsExist() throws -> Bool
}

extension TaskOutput {
  /// Checks ``targets`` in order, stopping at the first missing one.
  public func allTargetsExist() throws -> Bool {
    let targets = targets
    if targets.isEmpty { return false }
    for target in targets where try !target.exists() { return false }
    return true
  }
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
