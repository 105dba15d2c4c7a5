/// A parameter that is missing, unknown or malformed. Each description is one line naming the task,
/// the parameter and what to do:
///
/// ```
/// Greet requires the 'name' parameter to be set: pass --name VALUE, or set name in section [Greet] of plumb.cfg
/// Greet: cannot use 'many' for parameter 'times' (from --Greet-times): expected an integer such as 42
/// Train: cannot use 'z' for parameter 'mode' (from [Train] mode in plumb.cfg, line 3): expected one of fast, thorough
/// unknown parameter --nmae for Greet: it takes --name, --times
/// ```
public enum ParameterError: Error, CustomStringConvertible, Equatable {
  /// A required parameter got no value from code, command line or config file.
  case missing(family: String, parameter: String, flag: String)
  /// A value could not be read as the parameter's type.
  case malformed(family: String, parameter: String, value: String, expected: String, source: String)
  /// A flag names no parameter of the task.
  case unknown(family: String, flag: String, known: [String])

  /// The one-line message; control characters in names and values are written out (`\n`, `\u{0}`).
  public var description: String { escapingControlCharacters(message) }

  private var message: String {
    switch self {
    case .missing(let family, let parameter, let flag):
      return
        "\(family) requires the '\(parameter)' parameter to be set: pass \(flag) VALUE, or set \(parameter) in section [\(family)] of plumb.cfg"
    case .malformed(let family, let parameter, let value, let expected, let source):
      return
        "\(family): cannot use '\(value)' for parameter '\(parameter)' (from \(source)): expected \(expected)"
    case .unknown(let family, let flag, let known):
      let list = known.isEmpty ? "it takes no parameters" : "it takes " + known.joined(separator: ", ")
      return "unknown parameter \(flag) for \(family): \(list)"
    }
  }
}
