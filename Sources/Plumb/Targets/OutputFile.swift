import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// A file being written by ``LocalTarget``'s `write { file in … }`: what is written here appears at the
/// target's path only when the write finishes without throwing.
///
/// ```swift
/// try LocalTarget("counts.tsv").write { file in
///     file.writeLine("word\tcount")
/// }
/// ```
public final class OutputFile {
  private let finalPath: String
  private let temporaryPath: String
  private var descriptor: Int32
  private var buffer: [UInt8] = []
  private var failure: TargetError?

  init(finalPath: String) throws {
    self.finalPath = finalPath
    (temporaryPath, descriptor) = try Self.openTemporaryFile(beside: finalPath)
  }

  /// Creates a new file named `<path>-plumb-tmp-<random>`, and the folders above it when missing.
  private static func openTemporaryFile(beside path: String) throws -> (path: String, descriptor: Int32) {
    var createdFolders = false
    while true {
      let temporaryPath = "\(path)-plumb-tmp-\(UInt32.random(in: 0...UInt32.max))"
      let descriptor = open(temporaryPath, O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, 0o644)
      if descriptor >= 0 { return (temporaryPath, descriptor) }
      let code = errno
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

  func commit() throws {
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

  func discard() {
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
