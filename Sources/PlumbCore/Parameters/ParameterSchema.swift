/// What a task type declares about one parameter: read once per type from `Type()` by reflection.
///
/// The command line builds `--help` and reads flags from these:
///
/// ```swift
/// struct Greet: PipelineTask { @Parameter(help: "who to greet") var firstName: String = "World" }
/// // name "firstName", flag "--first-name", defaultText "World", expectedForm "any text"
/// ```
public struct ParameterDeclaration: Sendable {
  /// The property's name (`tld`).
  public let name: String
  /// The help text.
  public let help: String
  /// Whether it is part of the task's identity.
  public let isSignificant: Bool
  /// The default's text form, or `nil` when the parameter is required.
  public let defaultText: String?
  /// What valid text looks like.
  public let expectedForm: String
  /// Whether it is a Bool, which `--name` alone sets to true.
  public let isBoolean: Bool

  /// The command-line flag: the name with camelCase and underscores turned to dashes (`--date-interval`).
  public var flag: String { "--" + Self.dashed(name) }

  /// The flag that sets the parameter for every task of `family`: `--TopSongs-tld`.
  func familyFlag(of family: String) -> String { "--\(family)-" + Self.dashed(name) }

  /// `name` as flags write it: `dateInterval` and `date_interval` become `date-interval`, and an
  /// acronym stays one word (`downloadURL` becomes `download-url`, `parseHTMLFile` `parse-html-file`).
  package static func dashed(_ name: String) -> String {
    let characters = Array(name)
    var result = ""
    for (index, character) in characters.enumerated() {
      if character == "_" {
        result.append("-")
      } else if character.isUppercase {
        // A capital starts a word after a lower-case letter or digit, or when it is the last
        // capital of an acronym that a lower-case word follows (the F of HTMLFile).
        let followsCapital = index > 0 && characters[index - 1].isUppercase
        let precedesLowercase = index + 1 < characters.count && characters[index + 1].isLowercase
        if !followsCapital || precedesLowercase, !result.isEmpty, result.last != "-" { result.append("-") }
        result += character.lowercased()
      } else {
        result.append(character)
      }
    }
    return result
  }

  /// Whether `key` (from a flag or a config file) names this parameter: `dateInterval`,
  /// `date-interval` and `date_interval` all do.
  func isNamed(_ key: String) -> Bool { Self.isSameKey(key, name) }

  /// Whether two spellings of a parameter or setting name are the same: camelCase, dashes and
  /// underscores are interchangeable (`dateInterval`, `date-interval`, `date_interval`), and case
  /// does not matter, as in Python's configparser, which reads Luigi's config files.
  package static func isSameKey(_ first: String, _ second: String) -> Bool {
    first == second || canonicalKey(first) == canonicalKey(second)
  }

  /// The one spelling of a name that ``isSameKey(_:_:)`` compares: lower case, without dashes and
  /// underscores (`dateinterval` for `dateInterval`, `date-interval` and `date_interval`).
  package static func canonicalKey(_ key: String) -> String {
    // Dropping ASCII bytes leaves valid UTF-8, and costs little on a megabyte-long flag.
    String(decoding: key.lowercased().utf8.filter { $0 != UInt8(ascii: "-") && $0 != UInt8(ascii: "_") }, as: UTF8.self)
  }
}

/// The parameters of a task type, in declaration order.
package enum ParameterSchema {
  private static let cache = TypeCache<[ParameterDeclaration]>()

  /// What `type` declares about each of its parameters, worked out on first use.
  package static func declarations(of type: any PipelineTask.Type) -> [ParameterDeclaration] {
    cache.value(for: type) {
      parameters(of: type.init()).map { name, parameter in
        ParameterDeclaration(
          name: name, help: parameter.help, isSignificant: parameter.isSignificant,
          defaultText: parameter.isUnset ? nil : parameter.text,
          expectedForm: parameter.expectedForm, isBoolean: parameter.isBoolean)
      }
    }
  }

  private static let batchedNames = TypeCache<[String]>()

  /// The names of `type`'s batchable parameters, those with a ``BatchMethod``, in declaration
  /// order (Luigi's `batch_param_names`); empty for a family that never runs as a batch.
  package static func batchedParameterNames(of type: any PipelineTask.Type) -> [String] {
    batchedNames.value(for: type) { parameters(of: type.init()).filter { $0.parameter.isBatched }.map(\.name) }
  }

  /// The parameters of a task value, by property name, in declaration order.
  package static func parameters(of task: any PipelineTask) -> [(name: String, parameter: any AnyParameter)] {
    ParameterLayout.of(type(of: task)).parameters(of: task)
  }
}
