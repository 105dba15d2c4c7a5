import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Runs `body` with the process's standard output going to a temporary file, and returns what it printed.
///
/// Tasks print with `print`, which writes to standard output; the grader reads it back to check it.
/// Output is flushed before and after, so nothing leaks into or out of the captured part. C's
/// `stdout` is a global the Swift 6 checker will not let us name; `fflush(nil)` flushes every
/// output stream, standard output among them, which is what is needed here.
func capturingStandardOutput<Result>(_ body: () throws -> Result) rethrows -> (Result, String) {
  let path =
    FileManager.default.temporaryDirectory.path + "/plumb-kit-output-\(getpid())-\(UInt32.random(in: 0...UInt32.max))"
  fflush(nil)
  let saved = dup(STDOUT_FILENO)
  let file = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0o600)
  guard saved >= 0, file >= 0 else { return (try body(), "") }
  dup2(file, STDOUT_FILENO)
  close(file)
  defer {
    fflush(nil)
    dup2(saved, STDOUT_FILENO)
    close(saved)
    unlink(path)
  }
  let result = try body()
  fflush(nil)
  let printed = FileManager.default.contents(atPath: path).flatMap { String(data: $0, encoding: .utf8) } ?? ""
  return (result, printed)
}
