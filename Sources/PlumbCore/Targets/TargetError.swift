#if canImport(Glibc)
  import Glibc
#endif

/// Why reading or writing a target failed.
public enum TargetError: Error, CustomStringConvertible, Equatable {
  /// The file could not be read.
  case unreadable(path: String, reason: String)
  /// The file is not UTF-8 text.
  case notText(path: String)
  /// A system call failed.
  case io(path: String, operation: String, code: Int32)
  /// A folder is where the file should be, so the file can be neither checked nor written.
  case isFolder(path: String)

  /// The message, in one line; control characters in the path are written out (`\n`).
  public var description: String { escapingControlCharacters(message) }

  private var message: String {
    switch self {
    case .unreadable(let path, let reason): return "\(path) \(reason)"
    case .notText(let path): return "\(path) is not UTF-8 text"
    case .io(let path, let operation, let code):
      return "could not \(operation) \(path): \(String(cString: strerror(code)))"
    case .isFolder(let path):
      return "\(path) is a folder, not a file: remove it or choose another output path"
    }
  }
}
