import Foundation
import PlumbCore

/// The limits a download runs with: what its caller passed, else the `[download]` section of the
/// run's config file, else Plumb's defaults.
///
/// ```ini
/// [download]
/// deadline = 600          ; seconds for a whole download
/// maximum_bytes = 100MB   ; also 5000, 2 GB, 500 KB (decimal units)
/// ```
enum DownloadLimits {
  /// Seconds a whole download may take when neither the caller nor the config file says.
  static let defaultDeadline: TimeInterval = 600
  /// Bytes a body kept in memory may have when neither the caller nor the config file says.
  static let defaultMaximumInMemory = 100_000_000
  /// Bytes a body written to a target may have when neither the caller nor the config file says.
  static let defaultMaximumOnDisk = 10_000_000_000

  /// The limits for downloading `url`, after checking that it is an HTTP(S) URL and that every
  /// limit is usable.
  ///
  /// - Throws: ``DownloadError`` for another scheme or a limit that is not positive,
  ///   ``ConfigurationError`` for a bad `[download]` setting.
  static func resolve(
    _ url: URL, timeout: TimeInterval, deadline: TimeInterval?, maximumBytes: Int?, inMemory: Bool
  ) throws -> HTTPExchange.Limits {
    guard let scheme = url.scheme?.lowercased(), scheme == "http" || scheme == "https" else {
      throw DownloadError.unsupportedScheme(url: url.absoluteString)
    }
    guard timeout > 0, timeout.isFinite else { throw DownloadError.invalidTimeout(seconds: timeout) }
    let configuration = RunContext.current?.configuration
    let deadline = try deadline ?? configuration.flatMap(configuredDeadline) ?? defaultDeadline
    guard deadline > 0, deadline.isFinite else { throw DownloadError.invalidDeadline(seconds: deadline) }
    let maximumBytes =
      try maximumBytes ?? configuration.flatMap(configuredMaximumBytes)
      ?? (inMemory ? defaultMaximumInMemory : defaultMaximumOnDisk)
    guard maximumBytes > 0 else { throw DownloadError.invalidLimit(bytes: maximumBytes) }
    return HTTPExchange.Limits(timeout: timeout, deadline: deadline, maximumBytes: maximumBytes)
  }

  private static func configuredDeadline(_ configuration: Configuration) throws -> TimeInterval? {
    guard let entry = configuration.entry(section: "download", key: "deadline") else { return nil }
    guard let seconds = TimeInterval(entry.value), seconds > 0, seconds.isFinite else {
      throw ConfigurationError(
        source: entry.source, line: entry.line,
        problem: "[download] \(entry.key) must be a positive number of seconds such as 600, not '\(entry.value)'")
    }
    return seconds
  }

  private static func configuredMaximumBytes(_ configuration: Configuration) throws -> Int? {
    guard let entry = configuration.entry(section: "download", key: "maximum_bytes") else { return nil }
    guard let bytes = bytes(in: entry.value), bytes > 0 else {
      throw ConfigurationError(
        source: entry.source, line: entry.line,
        problem: "[download] \(entry.key) must be a positive size such as 100MB or 5000, not '\(entry.value)'")
    }
    return bytes
  }

  /// `5000`, `100MB`, `2 GB` as bytes (decimal units, any case), or `nil`.
  static func bytes(in text: String) -> Int? {
    let written = text.trimmingCharacters(in: .whitespaces).uppercased()
    for (unit, size) in DownloadError.byteUnits where written.hasSuffix(unit) {
      let number = written.dropLast(unit.count).trimmingCharacters(in: .whitespaces)
      return Int(number).flatMap { $0.multipliedReportingOverflow(by: size).overflow ? nil : $0 * size }
    }
    return Int(written)
  }
}
