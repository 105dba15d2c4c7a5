/// Something ``PipelineTask/requires()`` may return: a task, or a collection of them.
///
/// Tasks, arrays and dictionaries of requirements, ``NoRequirements`` and ``AllOf`` conform.
/// `RequiredOutput` is what ``PipelineTask/input()`` gives for it.
public protocol Requirement {
  /// The outputs of the required tasks, in the same shape as the requirement.
  associatedtype RequiredOutput
  /// Every task in the requirement, flattened.
  var requiredTasks: [any PipelineTask] { get }
  /// The outputs of the required tasks.
  var requiredOutput: RequiredOutput { get }
}

/// The requirements of a task that needs nothing: the default of ``PipelineTask/requires()``.
public struct NoRequirements: Requirement, Sendable {
  /// Creates an empty requirement.
  public init() {}
  /// No tasks.
  public var requiredTasks: [any PipelineTask] { [] }
  /// Nothing: ``PipelineTask/input()`` of a task without requirements is `()`.
  public var requiredOutput: Void { () }
}

extension Array: Requirement where Element: Requirement {
  /// The tasks of every element, in order.
  public var requiredTasks: [any PipelineTask] { flatMap { $0.requiredTasks } }
  /// The elements' outputs, in the same order.
  public var requiredOutput: [Element.RequiredOutput] { map { $0.requiredOutput } }
}

extension Dictionary: Requirement where Value: Requirement {
  /// The tasks of every value, by key order.
  public var requiredTasks: [any PipelineTask] {
    sorted { "\($0.key)" < "\($1.key)" }.flatMap { $0.value.requiredTasks }
  }
  /// The values' outputs, under the same keys.
  public var requiredOutput: [Key: Value.RequiredOutput] { mapValues { $0.requiredOutput } }
}

extension Optional: Requirement where Wrapped: Requirement {
  /// The wrapped requirement's tasks, or none.
  public var requiredTasks: [any PipelineTask] { self?.requiredTasks ?? [] }
  /// The wrapped requirement's outputs, or `nil`.
  public var requiredOutput: Wrapped.RequiredOutput? { self?.requiredOutput }
}

/// Requirements of different types at once; ``PipelineTask/input()`` gives a tuple of their outputs.
///
/// ```swift
/// func requires() -> AllOf<Producer, Lookup> { AllOf(Producer(), Lookup()) }
/// func run() throws {
///     let (plays, names) = input()
/// }
/// ```
public struct AllOf<each Part: Requirement>: Requirement {
  /// The requirements, in order.
  public let parts: (repeat each Part)

  /// Groups requirements of different types.
  public init(_ parts: repeat each Part) {
    self.parts = (repeat each parts)
  }

  /// The tasks of every part, in order.
  public var requiredTasks: [any PipelineTask] {
    var tasks: [any PipelineTask] = []
    for part in repeat each parts {
      tasks += part.requiredTasks
    }
    return tasks
  }

  /// The parts' outputs, as a tuple in the same order.
  public var requiredOutput: (repeat (each Part).RequiredOutput) {
    (repeat (each parts).requiredOutput)
  }
}

extension AllOf: Sendable where repeat each Part: Sendable {}
