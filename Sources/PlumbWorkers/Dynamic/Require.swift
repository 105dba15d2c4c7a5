import PlumbCore

/// Runs `requirement`'s tasks from inside a task's `run()`, waits until they are done, and returns
/// their outputs: requirements a task discovers only while it runs (a listing that names the files
/// to fetch), Luigi's dynamic dependencies.
///
/// ```swift
/// struct FetchListed: PipelineTask {
///     func requires() -> Listing { Listing() }
///     func output() -> LocalTarget { LocalTarget("all.txt") }
///
///     func run() async throws {
///         let names = try input().lines()
///         let files = try await require(names.map { FetchFile(name: $0) })   // [LocalTarget]
///         try output().write(try files.map { try $0.read() }.joined())
///     }
/// }
/// ```
///
/// The tasks go through the run's own scheduler and workers, as if `requires()` had named them:
/// complete ones are not run again, each runs once however many tasks require it, and they appear
/// in the summary and the graph, with an edge from each to the task that required it. Unlike
/// Luigi's, `run()` is not started again from the top once they are done: `require` returns and the
/// code goes on. Call it as often as needed; a task run by `require` may call it in turn.
///
/// While a task waits here, its worker slot goes to the tasks it waits for, so a run with
/// `--workers 1` does not deadlock.
///
/// - Returns: The outputs of the tasks, shaped like `requirement` (see ``PipelineTask/input()``).
/// - Throws: ``DynamicRequirementError`` when one of the tasks failed or could not run, when they
///   would form a cycle with the task waiting for them, when the run is stopping, or when
///   `require` is called outside a task's `run()`; ``ParameterError`` or ``PipelineError`` for a task
///   the run cannot take. Thrown on, the error fails the task with its reason.
public func require<R: Requirement>(_ requirement: R) async throws -> R.RequiredOutput {
  guard let scope = DynamicScope.current else { throw DynamicRequirementError.outsideRun }
  try await scope.host.require(requirement.requiredTasks, by: scope.node)
  return requirement.requiredOutput
}

/// `require(_:)`'s form for a synchronous `run()`: it blocks the task's own worker thread
/// until the tasks are done, and the run lends another thread the task's slot meanwhile.
///
/// ```swift
/// func run() throws {
///     let names = try input().lines()
///     let files = try require(names.map { FetchFile(name: $0) })
///     try output().write(try files.map { try $0.read() }.joined())
/// }
/// ```
///
/// - Returns: The outputs of the tasks, shaped like `requirement`.
/// - Throws: What the `async` form throws.
@available(
  *, noasync, message: "blocks the calling thread until the tasks are done; in async code, call try await require(...)"
)
public func require<R: Requirement>(_ requirement: R) throws -> R.RequiredOutput {
  guard let scope = DynamicScope.current else { throw DynamicRequirementError.outsideRun }
  try scope.host.requireBlocking(requirement.requiredTasks, by: scope.node)
  return requirement.requiredOutput
}
