import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A file on the local disk, written atomically.
///
/// What the writing code writes reaches the file only when that code finishes, all at once (see
/// ``OutputFile/write(to:_:)``: a small file waits in memory, a large one goes to a file that has no
/// name until it is in place); until then ``exists()`` is false, and a write that throws, or a
/// process killed while it writes, leaves no file behind. Parent folders are created on write. A folder at the
/// path is an error, for ``exists()`` and for writing, not a file that is there.
///
/// A relative path resolves against the working folder of the run that creates the target
/// (see ``RunOptions/workingDirectory``), or the process's current folder outside a run. The run is
/// known in a task's methods and in the child tasks they start (`async let`, task groups,
/// `Task { }`), not in `Task.detached`, a `Thread` or a `DispatchQueue`: make targets before
/// handing work to those.
///
/// Reading (`read()`, `lines()`) and writing text or data come from ``ReadableTarget`` and
/// ``WritableTarget``.
///
/// ```swift
/// func output() -> LocalTarget { LocalTarget("top-\(tld).tsv") }
///
/// let rows = try input().lines()
/// try output().write { file in
///     for (song, plays) in totals { file.writeLine("\(song)\t\(plays)") }
/// }
/// ```
public struct LocalTarget: ReadableTarget, WritableTarget, Hashable, Sendable {
  /// The absolute path of the file.
  public let path: String

  /// Creates a target for a file; a relative `path` resolves against the run's working folder.
  public init(_ path: String) {
    // Bytes, not `hasPrefix`, which compares characters: a task's output() makes its targets each
    // time it is called, several times a task.
    if path.utf8.first == UInt8(ascii: "/") {
      self.path = path
    } else {
      let base = RunContext.current?.workingDirectory ?? FileManager.default.currentDirectoryPath
      // Copied into one allocation, for the same reason.
      let slash = base.utf8.last != UInt8(ascii: "/")
      self.path = String(utf8Capacity: base.utf8.count + (slash ? 1 : 0) + path.utf8.count) { text in
        text.append(base)
        if slash { text.append(ascii: UInt8(ascii: "/")) }
        text.append(path)
      }
    }
  }

  /// The file's URL.
  public var url: URL { URL(fileURLWithPath: path) }

  /// The absolute path.
  public var description: String { path }

  /// Whether the file is in place (a write in progress does not count).
  ///
  /// ```swift
  /// if try !LocalTarget("raw/2024-05-01.tsv").exists() { … }
  /// ```
  ///
  /// - Throws: ``TargetError/isFolder(path:)`` when a folder is at the path: a task whose output
  ///   is a folder is not done, and it cannot be written, so it fails scheduling with that message
  ///   rather than counting as complete. A ``TargetError/io(path:operation:code:)`` when the
  ///   system cannot tell, such as when a folder on the way may not be searched.
  public func exists() throws -> Bool {
    var info = stat()
    // The C string the native string already holds; passed as it is, `path` is copied into a new
    // array for the call, and a run checks each task at least once.
    guard path.withCString({ stat($0, &info) }) == 0 else {
      let code = errno
      // No file can be there with a file on the way where a folder should be (`a/b` when `a` is a
      // file) or with a name too long; writing it says why.
      if code == ENOENT || code == ENOTDIR || code == ENAMETOOLONG { return false }
      throw TargetError.io(path: path, operation: "check", code: code)
    }
    if info.st_mode & S_IFMT == S_IFDIR { throw TargetError.isFolder(path: path) }
    return true
  }

  /// The whole file as bytes; ``ReadableTarget`` builds `read()` and `lines()` on it.
  public func readData() throws -> Data {
    do {
      return try Data(contentsOf: url)
    } catch {
      throw TargetError.unreadable(path: path, reason: try exists() ? "cannot be read" : "does not exist")
    }
  }

  /// Writes the file atomically from what `body` writes into it, with ``OutputFile/write(to:_:)``;
  /// ``WritableTarget`` builds `write(_:)` of text and data on it.
  ///
  /// If `body` throws, nothing is written and the error is rethrown.
  public func write(_ body: (OutputFile) throws -> Void) throws {
    try OutputFile.write(to: path, body)
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
  /// copied as ``write(_:)-((OutputFile)->Void)`` writes, so that it still appears whole or not at all,
  /// and then the original is removed, as Luigi's `move` does.
  public func move(to destination: LocalTarget) throws {
    try OutputFile.createParentFolders(of: destination.path)
    guard rename(path, destination.path) != 0 else { return }
    let code = errno
    if code == EISDIR { throw TargetError.isFolder(path: destination.path) }
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
