import Foundation

/// A task's identity and names: its family, significant parameter values, text form and Luigi id.
///
/// ```swift
/// let info = TaskInfo(TopSongs(tld: "rs"))
/// info.description  // "TopSongs(tld=rs)"
/// info.id           // "TopSongs_rs_<10 hex digits>", the id Luigi gives the same task
/// ```
///
/// Two infos are equal when their family and parameter texts are equal byte for byte, as Luigi
/// compares them: `TaskInfo` of `Label(s: "caf\u{e9}")` and of `Label(s: "cafe\u{301}")` differ,
/// although the two strings are equal in Swift.
public struct TaskInfo: Hashable, CustomStringConvertible, Sendable {
  /// The family: the type name, with its namespace if any.
  public let family: String
  /// The significant parameters as text, in declaration order.
  public let parameters: [NamedValue]
  /// The text form: `TopSongs(tld=rs)`, `Hello()`.
  public let description: String

  /// One parameter's name and value as text.
  public struct NamedValue: Hashable, Sendable {
    /// The parameter's name.
    public let name: String
    /// The value's text form.
    public let value: String
    /// The text of the next value in order (next integer, day, month), if the type has an order.
    public let successor: String?

    /// Whether the names and the values are equal byte for byte.
    public static func == (lhs: NamedValue, rhs: NamedValue) -> Bool {
      ExactText(lhs.name) == ExactText(rhs.name) && ExactText(lhs.value) == ExactText(rhs.value)
    }

    /// Hashes the name's and the value's bytes, consistently with ``==(_:_:)``.
    public func hash(into hasher: inout Hasher) {
      hasher.combine(ExactText(name))
      hasher.combine(ExactText(value))
    }

    /// A parameter's name and value, with the next value in order if there is one.
    public init(name: String, value: String, successor: String? = nil) {
      self.name = name
      self.value = value
      self.successor = successor
    }
  }

  /// Whether the two describe the same task: the same family and parameter texts, byte for byte.
  public static func == (lhs: TaskInfo, rhs: TaskInfo) -> Bool {
    // Equal infos have equal text forms, and one comparison of those tells most others apart: a
    // graph's dictionaries compare every key they probe, most of them another task of the family.
    ExactText(lhs.description) == ExactText(rhs.description) && ExactText(lhs.family) == ExactText(rhs.family)
      && lhs.parameters == rhs.parameters
  }

  /// Hashes the bytes of the text form, consistently with ``==(_:_:)``: equal infos have equal
  /// families and parameter texts, of which the text form is made. One text to hash instead of one
  /// per name and value, where a run's graph looks up each task's info at least twice.
  public func hash(into hasher: inout Hasher) {
    hasher.combine(ExactText(description))
  }

  /// Describes `task` with its parameter values as they are in this value. Within a run, the
  /// run's copies hold the values the run resolved (from the command line or the config file too).
  public init(_ task: any PipelineTask) {
    self.init(family: type(of: task).family, parameters: Self.significantValues(of: task))
  }

  private static func significantValues<T: PipelineTask>(of task: T) -> [NamedValue] {
    if let values = ParameterLayout.of(T.self).significantValues(of: task) { return values }
    // A class, whose parameters only `Mirror` finds.
    var parameters: [NamedValue] = []
    for (name, parameter) in ParameterSchema.parameters(of: task) where parameter.isSignificant {
      parameters.append(NamedValue(name: name, value: parameter.text, successor: parameter.successorText))
    }
    return parameters
  }

  /// Describes a task by family and parameter values.
  public init(family: String, parameters: [(name: String, value: String)]) {
    self.init(family: family, parameters: parameters.map { NamedValue(name: $0.name, value: $0.value) })
  }

  init(family: String, parameters: [NamedValue]) {
    self.family = family
    self.parameters = parameters
    // In one allocation: a run names every task it meets this way.
    let length = parameters.reduce(family.utf8.count + 2 + max(0, 2 * (parameters.count - 1))) {
      $0 + $1.name.utf8.count + 1 + $1.value.utf8.count
    }
    description = String(utf8Capacity: length) { text in
      text.append(family)
      text.append(ascii: UInt8(ascii: "("))
      for (index, parameter) in parameters.enumerated() {
        if index > 0 {
          text.append(ascii: UInt8(ascii: ","))
          text.append(ascii: UInt8(ascii: " "))
        }
        text.append(parameter.name)
        text.append(ascii: UInt8(ascii: "="))
        text.append(parameter.value)
      }
      text.append(ascii: UInt8(ascii: ")"))
    }
  }

  /// Luigi's task id: `Family_<first 3 values by name, 16 chars each>_<md5 prefix>`.
  ///
  /// The same family and parameters give the same id as Luigi, so Plumb workers and Luigi's
  /// central scheduler agree on which task is which.
  public var id: String {
    let sorted = parameters.sorted { $0.name < $1.name }
    let json =
      "{" + sorted.map { "\(Self.jsonString($0.name)):\(Self.jsonString($0.value))" }.joined(separator: ",") + "}"
    let hash = MD5.hex(Array(json.utf8)).prefix(10)
    // Python cuts strings by code points, not by the characters a reader sees (é may be two).
    let summary = sorted.prefix(3).map { String(String.UnicodeScalarView($0.value.unicodeScalars.prefix(16))) }
      .joined(separator: "_")
    let cleaned = String(
      summary.unicodeScalars.map { scalar -> Character in
        let value = scalar.value
        let isWord = (48...57).contains(value) || (65...90).contains(value) || (97...122).contains(value) || value == 95
        return isWord ? Character(scalar) : "_"
      })
    return "\(family)_\(cleaned)_\(hash)"
  }

  /// JSON string encoding as Python's json.dumps writes it (ASCII only, \uXXXX escapes).
  package static func jsonString(_ text: String) -> String {
    var result = "\""
    for unit in text.utf16 {
      switch unit {
      case 0x22: result += "\\\""
      case 0x5C: result += "\\\\"
      case 0x0A: result += "\\n"
      case 0x0D: result += "\\r"
      case 0x09: result += "\\t"
      case 0x08: result += "\\b"
      case 0x0C: result += "\\f"
      case 0x20..<0x7F: result.unicodeScalars.append(Unicode.Scalar(unit)!)
      default: result += String(format: "\\u%04x", unit)
      }
    }
    return result + "\""
  }
}
