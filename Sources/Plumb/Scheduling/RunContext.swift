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

  /// Fills every parameter that code left at its default from the command line's family flags,
  /// the config file or the default, and checks that required ones got a value.
  func resolve(_ tasks: [any Task]) throws {
    for task in tasks { try resolve(task) }
  }

  func resolve(_ task: any Task) throws {
    let type = type(of: task)
    let family = type.family
    let declarations = ParameterSchema.declarations(of: type)
    for (name, parameter) in ParameterSchema.parameters(of: task) where !parameter.isResolved {
      let declared = declarations.first { $0.name == name }
      let setInCode = !parameter.isRequiredMarker && parameter.text != declared?.defaultText
      if !setInCode {
        if let value = familyValues[family].flatMap({ values in
          values.first { declared?.isNamed($0.key) ?? ($0.key == name) }?.value
        }) {
          try assign(
            value, to: parameter, family: family, name: name, source: "--\(family)-\(ParameterDeclaration.dashed(name))"
          )
        } else if let value = configuration.value(section: family, key: name) {
          try assign(value, to: parameter, family: family, name: name, source: "[\(family)] in the config file")
        } else if parameter.isRequiredMarker {
          throw ParameterError.missing(family: family, parameter: name, flag: "--" + ParameterDeclaration.dashed(name))
        }
      }
      parameter.isResolved = true
    }
  }

  /// Like ``resolve(_:)``, for places that cannot throw; the scheduler has already reported any error.
  func resolveQuietly(_ tasks: [any Task]) {
    for task in tasks { try? resolve(task) }
  }

  private func assign(_ value: String, to parameter: any AnyParameter, family: String, name: String, source: String)
    throws
  {
    guard parameter.assign(text: value) else {
      throw ParameterError.malformed(
        family: family, parameter: name, value: value, expected: parameter.expectedForm, source: source)
    }
  }
}
