import Foundation

#if canImport(Glibc)
  import Glibc
#endif

/// Runs `body` with the process's standard output going into a pipe, and returns what it printed,
/// cut in the middle when it is longer than ``KeptOutput/limit`` (see ``KeptOutput``).
///
/// Tasks print with `print`, which writes to standard output; the grader reads it back to check it.
/// A pipe rather than a file: a file named in the temporary folder stayed behind whenever the test
/// process crashed or was killed, and an endless `print` loop filled it with hundreds of megabytes.
/// A thread of its own reads the pipe while `body` runs, so a long output never blocks the writer.
///
/// Output is flushed before and after, so nothing leaks into or out of the captured part. C's
/// `stdout` is a global the Swift 6 checker will not let us name; `fflush(nil)` flushes every
/// output stream, standard output among them, which is what is needed here.
func capturingStandardOutput<Result>(_ body: () throws -> Result) rethrows -> (Result, String) {
  fflush(nil)
  var ends: [Int32] = [-1, -1]
  let saved = dup(STDOUT_FILENO)
  guard saved >= 0, pipe(&ends) == 0 else {
    if saved >= 0 { close(saved) }
    return (try body(), "")
  }
  // A process the tasks start inherits standard output, not these ends: the reader must see the end.
  for end in ends { _ = fcntl(end, F_SETFD, FD_CLOEXEC) }
  let kept = KeptOutput()
  let drained = DispatchSemaphore(value: 0)
  let reading = ends[0]
  Thread.detachNewThread {
    kept.read(reading)
    close(reading)
    drained.signal()
  }
  dup2(ends[1], STDOUT_FILENO)
  close(ends[1])
  let result: Result
  do {
    defer {
      fflush(nil)
      // Closes the pipe's last writing end, so the reader comes to its end.
      dup2(saved, STDOUT_FILENO)
      close(saved)
      drained.wait()
    }
    result = try body()
  }
  return (result, kept.text)
}

/// What a capture keeps of an output: all of it up to `limit` bytes; beyond that, its first and
/// last `shownWhenCut` bytes with a line between them saying how much was cut, so a verdict shows
/// how the output started and how it ended, and an endless `print` loop cannot fill the memory.
final class KeptOutput: @unchecked Sendable {
  /// Far more than any exercise prints.
  static let limit = 64 * 1024
  static let shownWhenCut = 500

  // Written by the reading thread only, and read once it has finished (the semaphore orders the two).
  private var head: [UInt8] = []
  private var tail: [UInt8] = []
  private var total = 0

  /// Reads `descriptor` to its end.
  func read(_ descriptor: Int32) {
    var buffer = [UInt8](repeating: 0, count: 64 * 1024)
    while true {
      let count = buffer.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
      if count < 0 && errno == EINTR { continue }
      guard count > 0 else { return }
      append(buffer[0..<count])
    }
  }

  func append(_ bytes: ArraySlice<UInt8>) {
    total += bytes.count
    let intoHead = min(bytes.count, Self.limit - head.count)
    head += bytes.prefix(intoHead)
    tail += bytes.dropFirst(intoHead)
    // Trimmed in batches, so that keeping the end costs no more than reading it.
    if tail.count > 4 * Self.shownWhenCut { tail.removeFirst(tail.count - Self.shownWhenCut) }
  }

  /// The output, or its start and end with the cut between them.
  var text: String {
    guard total > Self.limit else { return String(decoding: head, as: UTF8.self) }
    let start = Self.whole(head.prefix(Self.shownWhenCut), atStart: true)
    let end = Self.whole((head + tail).suffix(Self.shownWhenCut), atStart: false)
    let cut = total - start.count - end.count
    return String(decoding: start, as: UTF8.self)
      + "\n[… \(cut) bytes cut: the output had \(total) bytes in all …]\n"
      + String(decoding: end, as: UTF8.self)
  }

  /// `bytes` without the character at the cut, which the cut may have split (in UTF-8, a
  /// character's first byte of several is 11xxxxxx, the others 10xxxxxx).
  private static func whole(_ bytes: ArraySlice<UInt8>, atStart: Bool) -> ArraySlice<UInt8> {
    let isContinuation = { (byte: UInt8) in byte & 0b1100_0000 == 0b1000_0000 }
    guard atStart else { return bytes.drop(while: isContinuation) }
    guard let last = bytes.lastIndex(where: { !isContinuation($0) }), bytes[last] >= 0b1100_0000 else { return bytes }
    return bytes[..<last]
  }
}
