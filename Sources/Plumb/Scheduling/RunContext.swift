import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// What user code running inside a pipeline run needs to know about the run: where relative paths
/// point, and where unset parameters get their values. It is the current context of the thread
/// while the engine calls into a task, so several runs can go on side by side (in tests, say).
final class RunContext {
  let workingDirectory: String
  let configuration: Configuration
  /// `--Family-param value` from the command line, by family then parameter name.
  let familyValues: [String: [String: String]]

  init(workingDirectory: String, configuration: Configuration, familyValues: [String: [String: String]]) {
    self.workingDirectory = workingDirectory
    self.configuration = configuration
    self.familyValues = familyValues
  }

  private static let key: pthread_key_t = {
    var key = pthread_key_t()
    pthread_key_create(&key, nil)
    return key
  }()

  static var current: RunContext? {
    guard let pointer = pthread_getspecific(key) else { return nil }
    return Unmanaged<RunContext>.fromOpaque(pointer).takeUnretainedValue()
  }

  /// Runs `body` with this context current on this thread.
  func activate<Result>(_ body: () throws -> Result) rethrows -> Result {
    let previous = pthread_getspecific(Self.key)
    pthread_setspecific(Self.key, Unmanaged.passUnretained(self).toOpaque())
    defer { pthread_setspecific(Self.key, previous) }
    return try body()
  }

  /// Gives every parameter of `tasks` its value for this run, in Luigi's order: a value set in code,
  /// else `--Family-name` from the command line, else `[Family] name` in the config file, else the
  /// default; a required parameter with none of these is an error.
  ///
  /// `requested` says the tasks were asked for (named on the command line) rather than required
  /// by others, so that a missing parameter's error names the flag that would set it: `--name`
  /// for a requested task, `--Family-name` for the others.
  func resolve(_ tasks: [any PipelineTask], requested: Bool = false) throws {
    for task in tasks { try resolve(task, requested: requested) }
  }

  private func resolve(_ task: any PipelineTask, requested: Bool) throws {
    let type = type(of: task)
    let family = type.family
    let declarations = ParameterSchema.declarations(of: type)
    for (name, parameter) in ParameterSchema.parameters(of: task) where !parameter.isResolved(by: self) {
      guard let declared = declarations.first(where: { $0.name == name }) else { continue }
      let found =
        parameter.isSetInCode(defaultText: declared.defaultText)
        ? nil : familyValue(of: declared, family: family) ?? configurationValue(of: declared, family: family)
      guard let found else {
        if parameter.isRequiredMarker {
          throw ParameterError.missing(
            family: family, parameter: name, flag: requested ? declared.flag : declared.familyFlag(of: family))
        }
        parameter.useGivenValue(for: self)
        continue
      }
      guard parameter.use(text: found.text, for: self) else {
        throw ParameterError.malformed(
          family: family, parameter: name, value: found.text, expected: declared.expectedForm, source: found.source)
      }
    }
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

  /// Like ``resolve(_:requested:)``, for places that cannot throw; the scheduler has already reported any error.
  func resolveQuietly(_ tasks: [any PipelineTask]) {
    for task in tasks { try? resolve(task, requested: false) }
  }
}
