import Foundation

/// Settings from an INI config file (`plumb.cfg`, or Luigi's `luigi.cfg`): a section per task
/// family holds parameter values; `[core]`, `[worker]`, `[retcode]`, `[execution_summary]` and
/// `[webhook]` hold engine settings. `${NAME}` is replaced by the environment variable NAME.
///
/// ```ini
/// # plumb.cfg
/// [DownloadData]
/// url = http://127.0.0.1:8000/iris.data
/// token = ${IRIS_TOKEN}
///
/// [AggregateArtists]
/// date_interval = 2022-02
///
/// [core]
/// workers = 2
/// ```
///
/// The syntax is Python's `configparser`, as Luigi reads it: `key = value` or `key: value`, whole-line
/// comments starting with `#` or `;`, and values continued on lines indented deeper than their key.
/// Keys may be written `date_interval`, `date-interval` or `dateInterval` for a parameter named
/// `dateInterval`. The keys of `[resources]` are resource names, matched exactly as written, as
/// Luigi's parser keeps them (`DB` and `db` are two resources).
///
/// ```swift
/// let configuration = try Configuration(text: "[Greet]\nname = Bob\n")
/// configuration.value(section: "Greet", key: "name")   // "Bob"
/// ```
public struct Configuration: Sendable, Equatable {
  /// One setting and where it was written, for error messages.
  package struct Entry: Sendable, Equatable {
    /// The key as written.
    package let key: String
    package let value: String
    /// The file, or what else the setting came from.
    package let source: String
    /// The line number in the file, if it came from one.
    package let line: Int?

    /// Where the setting was made: `plumb.cfg, line 3`.
    var location: String { line.map { "\(source), line \($0)" } ?? source }
  }

  /// Settings by section, then by ``storageKey(_:in:)``: a look-up costs one hash whatever the
  /// section holds, and a later spelling of a key replaces an earlier one.
  private var entries: [String: [String: Entry]]

  /// Values by section, then by key as written (the last spelling, where a key was written several ways).
  public var sections: [String: [String: String]] {
    // Keys written alike share a stored key, so the keys as written are unique.
    entries.mapValues { Dictionary(uniqueKeysWithValues: $0.values.map { ($0.key, $0.value) }) }
  }
  /// The files that were read, in order.
  public private(set) var files: [String]

  /// An empty configuration.
  public init() {
    entries = [:]
    files = []
  }

  /// Parses INI text. `source` names it in error messages.
  ///
  /// - Throws: ``ConfigurationError`` naming the line of a malformed line or of a `${NAME}` whose
  ///   environment variable is not set.
  public init(
    text: String, source: String = "config", environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws {
    self.init()
    try merge(text: text, source: source, environment: environment)
  }

  /// The configuration a run in `directory` reads: the file named by `PLUMB_CONFIG_PATH` or
  /// `LUIGI_CONFIG_PATH` if set (a relative path is taken from `directory`), otherwise `luigi.cfg`
  /// and `plumb.cfg` in `directory`, where they exist; a value in `plumb.cfg` wins.
  ///
  /// ```swift
  /// let configuration = try Configuration.load(in: FileManager.default.currentDirectoryPath)
  /// ```
  ///
  /// - Throws: ``ConfigurationError`` for a named file that does not exist, a file that is not
  ///   UTF-8 text, or a malformed one.
  public static func load(
    in directory: String, environment: [String: String] = ProcessInfo.processInfo.environment
  ) throws -> Configuration {
    var configuration = Configuration()
    let paths: [String]
    if let named = ["PLUMB_CONFIG_PATH", "LUIGI_CONFIG_PATH"].lazy.compactMap({ environment[$0] }).first(where: {
      !$0.isEmpty
    }) {
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

  /// The value of `key` in `section`, or `nil` when it is not set. `date_interval`,
  /// `date-interval` and `dateInterval` name the same key; where several are written, the last wins.
  /// In `[resources]` a key is only itself.
  public func value(section: String, key: String) -> String? {
    entry(section: section, key: key)?.value
  }

  /// The setting for `key` in `section` with where it was made.
  package func entry(section: String, key: String) -> Entry? {
    entries[section]?[Self.storageKey(key, in: section)]
  }

  /// What `key` is stored and looked up by in `section`: its ``ParameterDeclaration/canonicalKey(_:)``,
  /// but in `[resources]` the key as written. Luigi's parser keeps option names as written
  /// (`optionxform = str`) and folds `-` into `_` only for the settings it looks up by name, and
  /// luigid matches a task's resource names to `[resources]` exactly: `[resources] DB = 2` leaves
  /// `db` and `Db` at limit 1, `my-db = 2` leaves `my_db` at 1 (measured on luigid 3.8.1).
  private static func storageKey(_ key: String, in section: String) -> String {
    section == "resources" ? key : ParameterDeclaration.canonicalKey(key)
  }

  /// An integer setting, or `nil` when absent; a value that is not an integer is an error.
  ///
  /// ```swift
  /// let workers = try configuration.integer(section: "core", key: "workers") ?? 1
  /// ```
  public func integer(section: String, key: String) throws -> Int? {
    guard let entry = entry(section: section, key: key) else { return nil }
    guard let number = Int(entry.value) else {
      throw ConfigurationError(
        source: entry.source, line: entry.line,
        problem: "[\(section)] \(entry.key) must be an integer, not '\(entry.value)'")
    }
    return number
  }

  /// Adds a value, replacing an earlier one.
  ///
  /// ```swift
  /// var configuration = Configuration()
  /// configuration.set("2", section: "core", key: "workers")
  /// ```
  public mutating func set(_ value: String, section: String, key: String) {
    add(Entry(key: key, value: value, source: "a value set in code", line: nil), to: section)
  }

  private mutating func add(_ entry: Entry, to section: String) {
    entries[section, default: [:]][Self.storageKey(entry.key, in: section)] = entry
  }

  mutating func merge(text: String, source: String, environment: [String: String]) throws {
    var section: String?
    // The setting an indented line would continue, how deep its key was indented, and its lines so
    // far: they are joined once the value ends, so that a long value costs time in its length.
    var open: (section: String, key: String, line: Int, indent: Int, lines: [String])?
    func close() {
      guard let open else { return }
      let value = open.lines.joined(separator: "\n")
      add(Entry(key: open.key, value: value, source: source, line: open.line), to: open.section)
    }
    // The text is read in bytes and scalars, not Characters: as fast, a megabyte or not, and the
    // same as Python's configparser, which sees `=` followed by a combining accent as an `=`.
    let body = text.unicodeScalars.first == "\u{FEFF}" ? Substring(text.unicodeScalars.dropFirst()) : text[...]
    for (index, line) in Self.lines(of: body).enumerated() {
      let lineNumber = index + 1
      let trimmed = line.trimmingWhitespace()
      if trimmed.isEmpty || trimmed.utf8.first == UInt8(ascii: "#") || trimmed.utf8.first == UInt8(ascii: ";") {
        continue
      }
      let indent = line.utf8.prefix { $0 == UInt8(ascii: " ") || $0 == UInt8(ascii: "\t") }.count
      // Only the indent is read: a copy of `open` would share its lines and make each append copy them.
      if let depth = open?.indent, indent > depth {
        // A line indented deeper than its key continues the value, as in Python's configparser.
        let continued = try interpolate(
          trimmed, source: source, line: lineNumber, environment: environment, secret: Self.namesASecret(open?.key))
        open?.lines.append(continued)
        continue
      }
      close()
      open = nil
      let scalars = trimmed.unicodeScalars
      if scalars.first == "[" {
        guard scalars.last == "]", scalars.count > 2 else {
          throw ConfigurationError(
            source: source, line: lineNumber, problem: "a section header looks like [Name], not \(trimmed)")
        }
        let name = scalars.dropFirst().dropLast().trimmingWhitespace()
        section = name
        if entries[name] == nil { entries[name] = [:] }
        continue
      }
      guard let separator = scalars.firstIndex(where: { $0 == "=" || $0 == ":" }) else {
        throw ConfigurationError(
          source: source, line: lineNumber, problem: "expected key = value, found \(Self.quotedHidingSecrets(trimmed))")
      }
      guard let section else {
        throw ConfigurationError(
          source: source, line: lineNumber,
          problem: "\(Self.quotedHidingSecrets(trimmed)) comes before any [Section] header")
      }
      let key = scalars[..<separator].trimmingWhitespace()
      guard !key.isEmpty else {
        throw ConfigurationError(source: source, line: lineNumber, problem: "a value without a key: '\(trimmed)'")
      }
      let value = try interpolate(
        scalars[scalars.index(after: separator)...].trimmingWhitespace(), source: source,
        line: lineNumber, environment: environment, secret: Self.namesASecret(key))
      open = (section, key, lineNumber, indent, [value])
    }
    close()
  }

  /// The lines of `text`, split where `Character.isNewline` splits them: LF, CR, CR LF, VT, FF, NEL,
  /// U+2028 and U+2029. Read byte by byte: each of these is its own Character, so a split there
  /// never cuts one.
  private static func lines(of text: Substring) -> [Substring] {
    let bytes = text.utf8
    var lines: [Substring] = []
    var start = bytes.startIndex
    var index = start
    while index != bytes.endIndex {
      let next = bytes.index(after: index)
      let second = next == bytes.endIndex ? nil : bytes[next]
      var end: String.Index?
      switch bytes[index] {
      case 0x0A, 0x0B, 0x0C: end = next
      case 0x0D: end = second == 0x0A ? bytes.index(after: next) : next
      case 0xC2 where second == 0x85: end = bytes.index(after: next)
      case 0xE2 where second == 0x80:
        let third = bytes.index(after: next)
        if third != bytes.endIndex, (0xA8...0xA9).contains(bytes[third]) { end = bytes.index(after: third) }
      default: break
      }
      if let end {
        lines.append(Substring(text.unicodeScalars[start..<index]))
        start = end
        index = end
      } else {
        index = next
      }
    }
    lines.append(Substring(text.unicodeScalars[start...]))
    return lines
  }

  private func interpolate(
    _ value: String, source: String, line: Int, environment: [String: String], secret: Bool
  ) throws -> String {
    guard value.contains("${") else { return value }
    var result = ""
    var rest = Substring(value)
    while let start = rest.range(of: "${") {
      result += rest[..<start.lowerBound]
      guard let end = rest[start.upperBound...].firstIndex(of: "}") else {
        let shown = secret ? "the value (hidden: it is a secret's)" : "'\(value)'"
        throw ConfigurationError(source: source, line: line, problem: "unclosed ${ in \(shown)")
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

  /// Whether a setting named `key` holds a secret (`secret_access_key`, `password`,
  /// `session_token`...), whose value no message may show.
  static func namesASecret(_ key: String?) -> Bool {
    guard let key = key?.lowercased() else { return false }
    return ["secret", "password", "passwd", "token", "credential"].contains { key.contains($0) }
  }

  /// `'line'` for a message, or, when the line's first word names a secret, that word alone and a
  /// note that the rest is hidden: a line missing its `=` still holds the secret after the key.
  static func quotedHidingSecrets(_ line: String) -> String {
    let firstWord = String(line.prefix { !$0.isWhitespace && $0 != "=" && $0 != ":" })
    guard namesASecret(firstWord) else { return "'\(line)'" }
    return "'\(firstWord) …' (the rest is hidden: it may be a secret)"
  }
}

/// A config file that cannot be used: one line naming the file, the line and the problem.
///
/// ```
/// bad config file plumb.cfg, line 4: expected key = value, found 'workers'
/// ```
public struct ConfigurationError: Error, CustomStringConvertible, Equatable {
  /// The file.
  public let source: String
  /// The line number, when the problem is on one line.
  public let line: Int?
  /// What is wrong.
  public let problem: String

  /// Describes a problem in `source`, on `line` if it is on one.
  public init(source: String, line: Int?, problem: String) {
    self.source = source
    self.line = line
    self.problem = problem
  }

  /// The one-line message; control characters in the file name or the quoted text are written out.
  public var description: String {
    let location = line.map { "\(source), line \($0)" } ?? source
    return escapingControlCharacters("bad config file \(location): \(problem)")
  }
}
