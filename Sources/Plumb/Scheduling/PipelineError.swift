/// A problem that stops a run before any task starts.
public enum PipelineError: Error, CustomStringConvertible, Equatable {
  /// The requirements form a cycle; the tasks are listed in order, the first repeated at the end.
  case cycle([String])

  /// The message, in one line.
  public var description: String {
    switch self {
    case .cycle(let tasks):
      return
        "the dependencies form a cycle: \(tasks.joined(separator: " -> ")); a task cannot require itself, directly or through others"
    }
  }
}
