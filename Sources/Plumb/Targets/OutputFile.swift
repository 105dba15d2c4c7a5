import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A file being written, whose content appears at its final path only when the writing code
/// finishes without throwing: a crash or an error leaves the earlier file, or none, never half a file.
///
/// ``LocalTarget``'s `write { file in … }` hands you one:
///
/// ```swift
/// try LocalTarget("counts.tsv").write { file in
///     file.writeLine("word\tcount")
/// }
/// ```
///
/// Your own kind of target gets the same guarantee from ``write(to:_:)``; see ``WritableTarget`` for
/// a whole example.
///
/// An `OutputFile` is not `Sendable`: it belongs to the code writing it, for the length of the write.
public final class OutputFile {
  private let finalPath: String
  private let temporaryPath: String
  private var descriptor: Int32
  private var buffer: [UInt8] = []
  private var failure: TargetError?

  private init(finalPath: String) throws {
    self.finalPath = finalPath
    (temporaryPath, descriptor) = try Self.openTemporaryFile(beside: finalPath)
  }

  /// Writes the file at `path` from what `body` writes into it, all at once or not at all.
  ///
  /// `body` writes into a new temporary file beside `path` (`<path>-plumb-tmp-<random>`, so on the
  /// same file system), which `rename(2)` then puts in place of any earlier file in one step; readers
  /// see the old file or the new one, never a mix. Missing parent folders are created. If `body`
  /// throws, the temporary file is deleted, the earlier file is left untouched, and the error is
  /// rethrown. A temporary file still open when the process exits (its task was left running by a
  /// stopped run) is removed then.
  ///
  /// ```swift
  /// try OutputFile.write(to: "/data/report.tsv") { file in
  ///     file.writeLine("song\tplays")
  /// }
  /// try OutputFile.write(to: "/data/report.tsv.done") { _ in }  // a flag, written only after the report
  /// ```
  ///
  /// - Parameters:
  ///   - path: The file to write. A relative path resolves against the process's current folder,
  ///     not the run's: pass `LocalTarget(path).path` to follow ``RunOptions/workingDirectory``.
  ///   - body: Writes the content into the file it is given.
  /// - Throws: What `body` throws, or a one-line ``TargetError`` naming `path` when the file cannot
  ///   be created, written or moved into place.
  public static func write(to path: String, _ body: (OutputFile) throws -> Void) throws {
    let file = try OutputFile(finalPath: path)
    do {
      try body(file)
      try file.commit()
    } catch {
      file.discard()
      throw error
    }
  }

  /// Creates a new file named `<path>-plumb-tmp-<random>`, and the folders above it when missing.
  private static func openTemporaryFile(beside path: String) throws -> (path: String, descriptor: Int32) {
    var createdFolders = false
    while true {
      let temporaryPath = "\(path)-plumb-tmp-\(UInt32.random(in: 0...UInt32.max))"
      let (descriptor, code) = TemporaryFiles.create(temporaryPath) {
        open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
      }
      if descriptor >= 0 { return (temporaryPath, descriptor) }
      switch code {
      case EEXIST, EINTR:
        continue
      case ENOENT where !createdFolders:
        try createParentFolders(of: path)
        createdFolders = true
      default:
        throw TargetError.io(path: path, operation: "create a temporary file for", code: code)
      }
    }
  }

  /// Appends text (UTF-8).
  public func write(_ text: String) {
    buffer.append(contentsOf: text.utf8)
    if buffer.count >= 64 * 1024 { flush() }
  }

  /// Appends text followed by a newline.
  public func writeLine(_ text: String) {
    write(text)
    buffer.append(10)
  }

  /// Appends bytes.
  public func write(_ data: Data) {
    buffer.append(contentsOf: data)
    if buffer.count >= 64 * 1024 { flush() }
  }

  private func flush() {
    guard failure == nil, !buffer.isEmpty else { return }
    var offset = 0
    buffer.withUnsafeBytes { bytes in
      while offset < bytes.count {
        let written = Glibc.write(descriptor, bytes.baseAddress! + offset, bytes.count - offset)
        if written < 0 {
          if errno == EINTR { continue }
          failure = .io(path: finalPath, operation: "write", code: errno)
          return
        }
        offset += written
      }
    }
    buffer.removeAll(keepingCapacity: true)
  }

  private func commit() throws {
    defer { TemporaryFiles.forget(temporaryPath) }
    flush()
    let closed = close(descriptor)
    descriptor = -1
    if let failure {
      unlink(temporaryPath)
      throw failure
    }
    if closed != 0 {
      let code = errno
      unlink(temporaryPath)
      throw TargetError.io(path: finalPath, operation: "write", code: code)
    }
    if rename(temporaryPath, finalPath) != 0 {
      let code = errno
      unlink(temporaryPath)
      throw TargetError.io(path: finalPath, operation: "move into place", code: code)
    }
  }

  private func discard() {
    defer { TemporaryFiles.forget(temporaryPath) }
    if descriptor >= 0 {
      close(descriptor)
      descriptor = -1
    }
    unlink(temporaryPath)
  }

  /// Creates the folders above `path` that are missing, like `mkdir -p`.
  static func createParentFolders(of path: String) throws {
    let parent = (path as NSString).deletingLastPathComponent
    guard !parent.isEmpty, parent != "/" else { return }
    if mkdir(parent, 0o777) == 0 { return }
    let code = errno
    switch code {
    case EEXIST:
      return
    case ENOENT:
      try createParentFolders(of: parent)
      guard mkdir(parent, 0o777) != 0 else { return }
      let again = errno
      if again != EEXIST { throw TargetError.io(path: path, operation: "create the folder for", code: again) }
    default:
      throw TargetError.io(path: path, operation: "create the folder for", code: code)
    }
  }
}

@available(*, unavailable, message: "an OutputFile belongs to the code writing it")
extension OutputFile: Sendable {}
