import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A file on the local disk, written atomically.
///
/// Writing goes to a temporary file beside the final one (`out.txt-plumb-tmp-…`) that is renamed
/// into place only when the writing code finishes; until then ``exists()`` is false, and a write
/// that throws leaves neither file behind. Parent folders are created on write.
///
/// A relative path resolves against the working folder of the run that creates the target
/// (see ``RunOptions/workingDirectory``), or the process's current folder outside a run.
///
/// ```swift
/// func output() -> LocalTarget { LocalTarget("top-\(tld).tsv") }
///
/// try output().write { file in
///     for (song, plays) in totals { file.writeLine("\(song)\t\(plays)") }
/// }
/// ```
public struct LocalTarget: Target, Hashable, Sendable {
  /// The absolute path of the file.
  public let path: String

  /// Creates a target for a file; a relative `path` resolves against the run's working folder.
  public init(_ path: String) {
    if path.hasPrefix("/") {
      self.path = path
    } else {
      let base = RunContext.current?.workingDirectory ?? FileManager.default.currentDirectoryPath
      self.path = base.hasSuffix("/") ? base + path : base + "/" + path
    }
  }

  /// The file's URL.
  public var url: URL { URL(fileURLWithPath: path) }

  /// The absolute path.
  public var description: String { path }

  /// Whether the file is in place (a write in progress does not count).
  ///
  /// It answers from `access(2)` and never throws, so code holding a `LocalTarget` needs no `try`.
  public func exists() -> Bool {
    access(path, F_OK) == 0
  }

  /// The whole file as UTF-8 text.
  public func read() throws -> String {
    let data = try readData()
    guard let text = String(data: data, encoding: .utf8) else {
      throw TargetError.notText(path: path)
    }
    return text
  }

  /// The whole file as bytes.
  public func readData() throws -> Data {
    do {
      return try Data(contentsOf: url)
    } catch {
      throw TargetError.unreadable(path: path, reason: exists() ? "cannot be read" : "does not exist")
    }
  }

  /// The file's lines, without their line endings (`\n`, `\r\n` or `\r`, as Python reads text);
  /// a final line ending does not add an empty line.
  public func lines() throws -> [String] {
    let text = try read()
    let bytes = text.utf8
    var lines: [String] = []
    var start = bytes.startIndex
    var index = start
    while index != bytes.endIndex {
      let byte = bytes[index]
      guard byte == UInt8(ascii: "\n") || byte == UInt8(ascii: "\r") else {
        bytes.formIndex(after: &index)
        continue
      }
      lines.append(String(text[start..<index]))
      bytes.formIndex(after: &index)
      if byte == UInt8(ascii: "\r") && index != bytes.endIndex && bytes[index] == UInt8(ascii: "\n") {
        bytes.formIndex(after: &index)
      }
      start = index
    }
    if start != bytes.endIndex { lines.append(String(text[start...])) }
    return lines
  }

  /// Writes the file atomically from what `body` writes into it.
  ///
  /// If `body` throws, nothing is written and the error is rethrown.
  public func write(_ body: (OutputFile) throws -> Void) throws {
    let file = try OutputFile(finalPath: path)
    do {
      try body(file)
      try file.commit()
    } catch {
      file.discard()
      throw error
    }
  }

  /// Writes `text` as the whole file, atomically.
  public func write(_ text: String) throws {
    try write { $0.write(text) }
  }

  /// Writes `data` as the whole file, atomically.
  public func write(_ data: Data) throws {
    try write { $0.write(data) }
  }

  /// Deletes the file if it exists.
  public func remove() throws {
    guard unlink(path) != 0 else { return }
    let code = errno
    if code != ENOENT { throw TargetError.io(path: path, operation: "remove", code: code) }
  }

  /// Moves the file to `destination` with an atomic rename, creating its parent folders.
  ///
  /// Across file systems (from a RAM-backed `/tmp`, say), where no rename reaches, the file is
  /// copied as ``write(_:)-(OutputFile)`` writes, so that it still appears whole or not at all,
  /// and then the original is removed, as Luigi's `move` does.
  public func move(to destination: LocalTarget) throws {
    try OutputFile.createParentFolders(of: destination.path)
    guard rename(path, destination.path) != 0 else { return }
    let code = errno
    guard code == EXDEV else {
      throw TargetError.io(path: "\(path) to \(destination.path)", operation: "move", code: code)
    }
    try copy(to: destination)
    try remove()
  }

  /// Writes a copy of the file at `destination`, reading it a piece at a time.
  private func copy(to destination: LocalTarget) throws {
    let source = open(path, O_RDONLY | O_CLOEXEC)
    guard source >= 0 else { throw TargetError.io(path: path, operation: "read", code: errno) }
    defer { close(source) }
    try destination.write { file in
      var piece = [UInt8](repeating: 0, count: 64 * 1024)
      while true {
        let count = piece.withUnsafeMutableBytes { Glibc.read(source, $0.baseAddress, $0.count) }
        if count == 0 { return }
        guard count > 0 else {
          let code = errno
          if code == EINTR { continue }
          throw TargetError.io(path: path, operation: "read", code: code)
        }
        file.write(Data(piece[..<count]))
      }
    }
  }
}
