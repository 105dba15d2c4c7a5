/// A problem that stops a run before any task starts.
public enum PipelineError: Error, CustomStringConvertible, Equatable {
  /// The requirements form a cycle; the tasks are listed in order, the first repeated at the end.
  case cycle([String])
  /// Two different tasks have the same name (family and significant parameter values), so a run
  /// would take them for one task and run only one of them; `difference` says how they differ.
  case ambiguousTask(String, difference: String)
  /// A task type is a class. A run works on its own copies of the tasks it is given, with the
  /// parameter values it resolved, and cannot copy a class instance, which is shared by reference.
  case notAValue(String)
  /// The system let no worker thread start, so no task could run.
  case noWorkerThread(reason: String)

  /// The message, in one line; control characters in task names are written out (`\n`).
  public var description: String { escapingControlCharacters(message) }

  private var message: String {
    switch self {
    case .cycle(let tasks):
      return
        "the dependencies form a cycle: \(tasks.joined(separator: " -> ")); a task cannot require itself, directly or through others"
    case .ambiguousTask(let task, let difference):
      return "two different tasks are both called \(task): \(difference)"
    case .noWorkerThread(let reason):
      return "no worker thread could start (\(reason)); close other programs or raise the limit on processes"
    case .notAValue(let family):
      return
        "\(family) is a class, but a task must be a value: declare it as a struct, so that each run works on its own copy"
    }
  }

  /// ``ambiguousTask(_:difference:)`` for tasks of two types that are both called `name`.
  package static func typeClash(_ name: String, _ first: any PipelineTask.Type, _ second: any PipelineTask.Type)
    -> PipelineError
  {
    .ambiguousTask(
      name,
      difference: "one is of type \(qualifiedName(first)), the other of type \(qualifiedName(second)); "
        + "give one of them another name or a static namespace")
  }

  /// `Module.Outer.Name`, without the `(unknown context at $…)` parts private types add.
  private static func qualifiedName(_ type: any PipelineTask.Type) -> String {
    String(reflecting: type).split(separator: ".").filter { !$0.hasPrefix("(unknown context at ") }
      .joined(separator: ".")
  }
}
