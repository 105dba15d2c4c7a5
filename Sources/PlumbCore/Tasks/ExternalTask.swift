/// Data that arrives from outside the pipeline: never run, only checked for completeness.
///
/// When an external task's outputs are missing, the tasks that need it stay pending and the
/// summary lists it under "were missing external dependencies".
///
/// ```swift
/// struct InputText: ExternalTask {
///     @Parameter(help: "the day of the file") var date: Day = .required
///     func output() -> LocalTarget { LocalTarget("data/text/\(date).txt") }
/// }
/// ```
public protocol ExternalTask: PipelineTask {}

extension ExternalTask {
  /// External tasks are never run; this does nothing.
  public func run() throws {}
}
