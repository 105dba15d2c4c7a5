import Foundation

/// A crash of the learner's code (a Swift runtime trap: a range whose end is below its start, an
/// index out of range, `!` on nil), read back from what the runtime printed, so the kit can say
/// what trapped and where instead of showing a backtrace of a hundred lines.
struct Crash: Equatable {
  /// The runtime's reason: `Fatal error: Range requires lowerBound <= upperBound`.
  var reason: String?
  /// The first frame of the backtrace in an exercise's file: `Exercises/3-parameters/Hello.swift:16`.
  var site: String?
  /// The function of that frame: `Hello.run()`.
  var function: String?
  /// Whether the process died of a bad memory access (signal 11) rather than a runtime check: in
  /// a learner's code, nearly always a variable that several workers changed at once.
  var isBadAccess = false

  /// What the Swift runtime's backtracer reads from, for runs whose crash the kit explains: no
  /// interactive prompt, and only the crashed thread's frames, which hold the learner's line.
  static let backtraceSettings = "enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none"

  /// Reads the reason and the first frame in an exercise's file from a crash's output.
  init(output lines: [String]) {
    let root = FileManager.default.currentDirectoryPath + "/"
    for line in lines {
      if reason == nil, let range = line.range(of: "Fatal error: ") {
        reason = String(line[range.lowerBound...]).trimmingCharacters(in: .whitespaces)
      }
      if line.contains("Program crashed: Bad pointer dereference") || line.hasPrefix("*** Signal 11:") {
        isBadAccess = true
      }
      // `  2 [ra]  0x000055a685ccb9fc closure #1 in Hello.run() + 203 in Tests.xctest at /kit/Exercises/3-parameters/Hello.swift:16:17`
      guard site == nil, let at = line.range(of: " at ", options: .backwards) else { continue }
      var path = String(line[at.upperBound...]).trimmingCharacters(in: .whitespaces)
      if path.hasPrefix(root) { path.removeFirst(root.count) }
      guard path.hasPrefix("Exercises/") || path.contains("/Exercises/") else { continue }
      // file:line:column → file:line
      let parts = path.split(separator: ":")
      site = parts.count >= 2 ? "\(parts[0]):\(parts[1])" : path
      function = Self.function(inFrame: String(line[..<at.lowerBound]))
    }
  }

  /// `closure #1 in Hello.run()` from `  2 [ra]  0x… closure #1 in Hello.run() + 203 in Tests.xctest`.
  private static func function(inFrame frame: String) -> String? {
    guard let address = frame.range(of: "0x"), let offset = frame.range(of: " + ", options: .backwards) else {
      return nil
    }
    var name = frame[address.upperBound..<offset.lowerBound].drop { $0 != " " }.trimmingCharacters(in: .whitespaces)
    while let closure = name.range(of: #"^closure #\d+ in "#, options: .regularExpression) {
      name.removeSubrange(closure)
    }
    return name.isEmpty ? nil : name
  }

  /// "Exercises/3-parameters/Hello.swift:16, in Hello.run()", or `nil` without a frame.
  var place: String? {
    site.map { site in site + (function.map { ", in \($0)" } ?? "") }
  }

  /// Whether a line of standard error is the pipeline's own rather than the runtime's notes on
  /// making a backtrace (`*** Signal 4: Backtracing from 0x… done ***`, `swift-runtime: failed to
  /// suspend thread …`): the kit explains a crash in two lines of its own instead.
  static func isNotRuntimeNoise(_ line: String) -> Bool {
    !(line.hasPrefix("*** Signal ") || line.hasPrefix("swift-runtime: ") || line.hasPrefix("💣 Program crashed"))
  }

  /// What the crash was, in a few words: the runtime's reason, or the kind of fault without one.
  var summary: String? {
    reason ?? (isBadAccess ? "a bad memory access (signal 11), with no message from Swift's runtime checks" : nil)
  }

  /// What a learner does about this crash.
  var advice: String {
    reason == nil && isBadAccess ? Self.sharedStateAdvice : Self.advice
  }

  /// A bad memory access in an exercise's code: Swift's checks catch the rest with a message.
  static let sharedStateAdvice =
    "two workers changing the same variable at once is the usual cause: look for a global or static `var` "
    + "(or one marked nonisolated(unsafe)) that tasks change, keep that state in a `var` inside run(), and "
    + "pass results on through the task's output"

  /// What a learner does about a trap, whatever its kind.
  static let advice =
    "make that line safe for every value it can get: a range such as 1...n traps when n is below 1 "
    + "and 0..<n when n is negative (0..<max(n, 0) does not), an index must be inside the array, "
    + "and `!` traps on nil"
}
