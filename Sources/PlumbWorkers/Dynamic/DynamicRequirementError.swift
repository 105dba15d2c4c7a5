/// Why `require(_:)` could not give a task the requirements it discovered while running.
///
/// Thrown on from `run()`, it fails the task, and the summary's reason says which requirement
/// failed or how the cycle goes:
///
/// ```
/// Why tasks failed:
///     - Report(): a requirement it discovered while running failed: FetchFile(name=b.txt)
/// ```
///
/// ```swift
/// do { _ = try await require(FetchFile(name: name)) } catch DynamicRequirementError.failed(let tasks) {
///     log("could not fetch \(tasks)")
///     throw DynamicRequirementError.failed(tasks)
/// }
/// ```
public enum DynamicRequirementError: Error, Equatable, Sendable, CustomStringConvertible {
  /// These required tasks (text forms) failed, could not be scheduled, lack external data, or
  /// have a dependency that did.
  case failed([String])
  /// Requiring them would make tasks wait for each other in a circle; the circle, its first task
  /// repeated at the end.
  case cycle([String])
  /// The run is stopping, so the tasks were not run.
  case stopped
  /// `require` was called outside a task's `run()` within a run.
  case outsideRun
  /// With luigid: the requiring task was PENDING there while it waited, as a Python worker reports
  /// such a task, and luigid handed it to another worker (its id), which runs it from the start;
  /// this run lets it go and counts it as that worker's. Rethrow it, so that the task does not go
  /// on here too.
  case handedToAnotherWorker(String)

  /// The reason, in one line.
  public var description: String {
    switch self {
    case .failed(let tasks):
      let shown = tasks.prefix(5).joined(separator: ", ")
      let more = tasks.count > 5 ? " and \(tasks.count - 5) more" : ""
      return
        "\(tasks.count == 1 ? "a requirement" : "requirements") it discovered while running "
        + "did not complete: \(shown)\(more)"
    case .cycle(let tasks):
      return "the requirements it discovered while running form a cycle: \(tasks.joined(separator: " -> "))"
    case .stopped:
      return "the run stopped while it waited for the requirements it discovered"
    case .outsideRun:
      return "require(_:) was called outside a task's run(); call it from run() to add requirements while running"
    case .handedToAnotherWorker(let worker):
      return
        "the central scheduler handed it to \(worker) once the requirements it discovered were done; "
        + "that worker runs it from the start"
    }
  }
}
