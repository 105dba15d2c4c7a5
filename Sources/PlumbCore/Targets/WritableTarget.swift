import Foundation

/// A target that Plumb code can write: give it ``write(_:)-((OutputFile)->Void)`` and it gets
/// ``write(_:)-(String)`` and ``write(_:)-(Data)``, so every kind of target is written the same way.
///
/// A new kind of file can keep Plumb's promise of nothing half-written by writing through
/// ``OutputFile/write(to:_:)``. This one marks its file done with a `_SUCCESS`-style flag beside it,
/// for readers that look for the flag rather than the file:
///
/// ```swift
/// struct FlaggedFile: ReadableTarget, WritableTarget {
///     let path: String
///     var flag: String { path + ".done" }
///     var description: String { path }
///
///     func exists() -> Bool { FileManager.default.fileExists(atPath: flag) }
///     func readData() throws -> Data { try Data(contentsOf: URL(fileURLWithPath: path)) }
///     func write(_ body: (OutputFile) throws -> Void) throws {
///         try OutputFile.write(to: path, body)
///         try OutputFile.write(to: flag) { _ in }
///     }
/// }
///
/// try FlaggedFile(path: "/data/report.tsv").write("song\tplays\n")
/// ```
///
/// The protocol does not require `Sendable`; ``LocalTarget`` and ``ObjectStoreTarget`` are.
public protocol WritableTarget: Target {
  /// Writes the target's whole data from what `body` writes into the file, all at once or not at all.
  ///
  /// If `body` throws, nothing may be written and the error must be rethrown.
  func write(_ body: (OutputFile) throws -> Void) throws
}

extension WritableTarget {
  /// Writes `text` (UTF-8) as the target's whole data, atomically.
  ///
  /// ```swift
  /// try output().write("done\n")
  /// ```
  public func write(_ text: String) throws {
    try write { $0.write(text) }
  }

  /// Writes `data` as the target's whole data, atomically.
  ///
  /// ```swift
  /// try output().write(Data([0xCA, 0xFE]))
  /// ```
  public func write(_ data: Data) throws {
    try write { $0.write(data) }
  }
}
