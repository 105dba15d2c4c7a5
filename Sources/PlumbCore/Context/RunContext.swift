import Foundation

/// What code running inside a pipeline run needs to know about the run: where relative paths
/// point, and where unset parameters get their values.
///
/// The engine makes it ``current`` (a task-local value) while it calls into a task: `requires()`,
/// `output()`, `complete()` and `run()`. So it reaches what those call, on their thread, and the
/// child tasks they start with `async let`, a task group or `Task { }`, which inherit task-local
/// values. It does not reach `Task.detached { }`, a `Thread` or a `DispatchQueue` the code starts
/// itself: a ``LocalTarget`` made there with a relative path resolves against the process's folder.
/// Make targets in `output()` (or before handing work to such a thread) to keep them in the run's folder.
package final class RunContext: Sendable {
  package let workingDirectory: String
  package let configuration: Configuration
  /// `--Family-param value` from the command line, by family then parameter name.
  let familyValues: [String: [String: String]]

  package init(workingDirectory: String, configuration: Configuration, familyValues: [String: [String: String]]) {
    self.workingDirectory = workingDirectory
    self.configuration = configuration
    self.familyValues = familyValues
  }

  /// The run the current code is part of, or `nil` outside a run.
  @TaskLocal package static var current: RunContext?

  /// Runs `body` with this context current.
  package func activate<Result>(_ body: () throws -> Result) rethrows -> Result {
    try Self.$current.withValue(self, operation: body)
  }

  /// Runs `body` with this context current, for asynchronous work.
  package func activate<Result: Sendable>(
    isolation: isolated (any Actor)? = #isolation, _ body: () async throws -> Result
  ) async rethrows -> Result {
    try await Self.$current.withValue(self, operation: body, isolation: isolation)
  }

  /// A copy of `task` in which every parameter has its value for this run, in Luigi's order: a
  /// value set in code, else `--Family-name` from the command line, else `[Family] name` in the
  /// config file, else the default; a required parameter with none of these is an error. The task
  /// passed in is not changed, so one task value can be part of several runs at once.
  ///
  /// `requested` says the task was asked for (named on the command line) rather than required by
  /// others, so that a missing parameter's error names the flag that would set it: `--name` for a
  /// requested task, `--Family-name` for the others.
  func resolved<T: PipelineTask>(_ task: T, requested: Bool = false) throws -> T {
    let layout = ParameterLayout.of(T.self)
    guard layout.isValueType else { throw PipelineError.notAValue(T.family) }
    let declarations = ParameterSchema.declarations(of: T.self)
    // Parameters resolved already or set in code are settled by `resolving` itself.
    let defaultText = { (name: String) in declarations.first { $0.name == name }.map(\.defaultText) }
    return try layout.resolving(task, defaultText: defaultText) { name, parameter in
      guard let declared = declarations.first(where: { $0.name == name }) else { return nil }
      let family = T.family
      let found = familyValue(of: declared, family: family) ?? configurationValue(of: declared, family: family)
      guard let found else {
        if parameter.isUnset {
          throw ParameterError.missing(
            family: family, parameter: name, flag: requested ? declared.flag : declared.familyFlag(of: family))
        }
        return parameter.resolving(text: nil)
      }
      guard let resolved = parameter.resolving(text: found.text) else {
        throw ParameterError.malformed(
          family: family, parameter: name, value: found.text, expected: declared.expectedForm, source: found.source)
      }
      return resolved
    }
  }

  /// ``resolved(_:requested:)`` for a task whose type is known only at run time.
  package func resolvedTask(_ task: any PipelineTask, requested: Bool = false) throws -> any PipelineTask {
    try resolved(task, requested: requested)
  }

  private func familyValue(of declared: ParameterDeclaration, family: String) -> (text: String, source: String)? {
    guard let values = familyValues[family] else { return nil }
    let text = values[declared.name] ?? values.first { declared.isNamed($0.key) }?.value
    return text.map { ($0, declared.familyFlag(of: family)) }
  }

  private func configurationValue(of declared: ParameterDeclaration, family: String) -> (
    text: String, source: String
  )? {
    guard let entry = configuration.entry(section: family, key: declared.name) else { return nil }
    return (entry.value, "[\(family)] \(entry.key) in \(entry.location)")
  }
}
