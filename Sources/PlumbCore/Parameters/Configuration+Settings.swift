// Typed readers of settings, shared by the layers that read plumb.cfg: the workers' `[worker]` and
// `[scheduler]` sections, the command line's `[core]`, `[resources]` and the stores' sections.
extension Configuration {
  /// A boolean setting, read as Python's configparser reads one; `nil` when absent.
  package func boolean(section: String, key: String) throws -> Bool? {
    guard let text = value(section: section, key: key) else { return nil }
    switch text.lowercased() {
    case "1", "yes", "true", "on": return true
    case "0", "no", "false", "off": return false
    default: throw problem("[\(section)] \(key) must be true or false, not '\(text)'")
    }
  }

  /// A count setting between `minimum` and `maximum`; `nil` when absent.
  package func count(section: String, key: String, minimum: Int, maximum: Int = .max) throws -> Int? {
    guard let number = try integer(section: section, key: key) else { return nil }
    guard number >= minimum else { throw problem("[\(section)] \(key) must be at least \(minimum), not \(number)") }
    guard number <= maximum else { throw problem("[\(section)] \(key) must be at most \(maximum), not \(number)") }
    return number
  }

  /// A number of seconds, not below zero; `nil` when absent.
  package func seconds(section: String, key: String) throws -> Double? {
    guard let text = value(section: section, key: key) else { return nil }
    guard let number = Double(text), number >= 0, number.isFinite else {
      throw problem("[\(section)] \(key) must be a number of seconds such as 0.5, not '\(text)'")
    }
    return number
  }

  /// A problem with the settings, blamed on the last file read.
  package func problem(_ text: String) -> ConfigurationError {
    ConfigurationError(source: files.last ?? "config", line: nil, problem: text)
  }
}
