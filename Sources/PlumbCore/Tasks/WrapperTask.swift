/// A task that only groups other tasks: complete when all of them are, and its run does nothing.
///
/// ```swift
/// struct AllCountries: WrapperTask {
///     func requires() -> [TopSongs] { ["rs", "de", "fr"].map { TopSongs(tld: $0) } }
/// }
/// ```
public protocol WrapperTask: PipelineTask {}

extension WrapperTask {
  /// Does nothing: a wrapper's work is its requirements'.
  public func run() throws {}

  /// Complete when every required task is complete.
  public func complete() throws -> Bool {
    let context = RunContext.current
    for task in try requires().requiredTasks {
      let resolved = try context?.resolvedTask(task) ?? task
      if try !resolved.complete() { return false }
    }
    return true
  }
}
