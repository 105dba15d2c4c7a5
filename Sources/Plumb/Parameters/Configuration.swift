import Foundation

/// Settings from an INI config file (`plumb.cfg`, or Luigi's `luigi.cfg`): a section per task
/// family holds parameter values; `[core]`, `[worker]`, `[retcode]` and `[execution_summary]` hold
/// engine settings. `${NAME}` is replaced by the environment variable NAME.
///
/// ```ini
/// [DownloadData]
/// url = http://127.0.0.1:8000/iris.data
///
/// [core]
/// workers = 2
/// ```
public struct Configuration: Sendable, Equatable {
  /// Values by section, then by key.
  public private(set) var sections: [String: [String: String]]
  /// The files that were read, in order.
  public private(set) var files: [String]

  /// An empty configuration.
  public init() {
    sections = [:]
    files = []
  }

  /// Parses INI text. `source` names it in error messages.
  public init(
    text: String, source: String = "config", environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws {
    self.init()
    try merge(text: text, source: source, environment: environment)
  }

  /// The configuration a run in `directory` reads: the file named by `PLUMB_CONFIG_PATH` or
  /// `LUIGI_CONFIG_PATH` if set, otherwise `luigi.cfg` then `plumb.cfg` in the folder (later wins).
  public static func load(
    in directory: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> Configuration {
    var configuration = Configuration()
    var paths: [String] = []
    if let named = environment["PLUMB_CONFIG_PATH"] ?? environment["LUIGI_CONFIG_PATH"], !named.isEmpty {
      let path = named.hasPrefix("/") ? named : directory + "/" + named
      guard FileManager.default.fileExists(atPath: path) else {
        throw ConfigurationError(source: path, line: nil, problem: "the config file does not exist")
      }
      paths = [path]
    } else {
      paths = ["luigi.cfg", "plumb.cfg"].map { directory + "/" + $0 }
        .filter { FileManager.default.fileExists(atPath: $0) }
    }
    for path in paths {
      guard let data = FileManager.default.contents(atPath: path),
        let text = String(data: data, encoding: .utf8)
      else {
        throw ConfigurationError(source: path, line: nil, problem: "cannot be read as UTF-8 text")
      }
      try configuration.merge(text: text, source: path, environment: environment)
      configuration.files.append(path)
    }
    return configuration
  }

  /// The value of `key` in `section`, accepting `date_interval`, `date-interval` and `dateInterval` alike.
  public func value(section: String, key: String) -> String? {
    guard let values = sections[section] else { return nil }
    if let exact = values[key] { return exact }
    let wanted = ParameterDeclaration.dashed(key)
    return values.first { ParameterDeclaration.dashed($0.key.replacingOccurrences(of: "_", with: "-")) == wanted }?
      .value
  }

  /// An integer setting, or `nil` when absent; a value that is not an integer is an error.
  public func integer(section: String, key: String) throws -> Int? {
    guard let text = value(section: section, key: key) else { return nil }
    guard let number = Int(text) else {
      throw ConfigurationError(
        source: files.last ?? "config", line: nil,
        problem: "[\(section)] \(key) must be an integer, not '\(text)'")
    }
    return number
  }

  /// Adds a value, replacing an earlier one.
  public mutating func set(_ value: String, section: String, key: String) {
    sections[section, default: [:]][key] = value
  }

  mutating func merge(text: String, source: String, environment: [String: String]) throws {
    var section: String?
    var lastKey: String?
    for (index, rawLine) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
      let lineNumber = index + 1
      let line = rawLine.hasSuffix("\r") ? String(rawLine.dropLast()) : String(rawLine)
      let trimmed = line.trimmingCharacters(in: .whitespaces)
      if trimmed.isEmpty || trimmed.hasPrefix("#") || trimmed.hasPrefix(";") { continue }
      if trimmed.hasPrefix("[") {
        guard trimmed.hasSuffix("]"), trimmed.count > 2 else {
          throw ConfigurationError(
            source: source, line: lineNumber, problem: "a section header looks like [Name], not \(trimmed)")
        }
        let name = String(trimmed.dropFirst().dropLast()).trimmingCharacters(in: .whitespaces)
        section = name
        lastKey = nil
        if sections[name] == nil { sections[name] = [:] }
        continue
      }
      if line.first == " " || line.first == "\t", let section, let lastKey {
        // An indented line continues the previous value, as in Python's configparser.
        let continued = try interpolate(trimmed, source: source, line: lineNumber, environment: environment)
        sections[section]![lastKey]! += "\n" + continued
        continue
      }
      guard let separator = trimmed.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
        throw ConfigurationError(source: source, line: lineNumber, problem: "expected key = value, found '\(trimmed)'")
      }
      guard let section else {
        throw ConfigurationError(
          source: source, line: lineNumber, problem: "'\(trimmed)' comes before any [Section] header")
      }
      let key = trimmed[..<separator].trimmingCharacters(in: .whitespaces)
      let value = trimmed[trimmed.index(after: separator)...].trimmingCharacters(in: .whitespaces)
      guard !key.isEmpty else {
        throw ConfigurationError(source: source, line: lineNumber, problem: "a value without a key: '\(trimmed)'")
      }
      sections[section]![key] = try interpolate(value, source: source, line: lineNumber, environment: environment)
      lastKey = key
    }
  }

  private func interpolate(_ value: String, source: String, line: Int, environment: [String: String]) throws -> String {
    guard value.contains("${") else { return value }
    var result = ""
    var rest = Substring(value)
    while let start = rest.range(of: "${") {
      result += rest[..<start.lowerBound]
      guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
        throw ConfigurationError(source: source, line: line, problem: "unclosed ${ in '\(value)'")
      }
      let name = String(rest[start.upperBound..<end])
      guard let replacement = environment[name] else {
        throw ConfigurationError(
          source: source, line: line, problem: "environment variable \(name) is not set (used as ${\(name)})")
      }
      result += replacement
      rest = rest[rest.index(after: end)...]
    }
    return result + rest
  }
}

/// A config file that cannot be used: one line naming the file, the line and the problem.
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
  /// The file.
  public let source: String
  /// The line number, when the problem is on one line.
  public let line: Int?
  /// What is wrong.
  public let problem: String

  public var description: String {
    if let line { return "bad config file \(source), line \(line): \(problem)" }
    return "bad config file \(source): \(problem)"
  }
}
