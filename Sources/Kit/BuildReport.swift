import Foundation

/// The compile errors of a failed `swift build`, read back so the kit can name the file and show
/// the compiler's picture of the first errors instead of pages.
struct BuildReport {
  /// One compile error: where, what, and the compiler's excerpt of the code.
  struct Problem: Equatable {
    let file: String
    let line: Int
    let column: Int
    let message: String
    /// The lines the compiler prints under the error: the code around it (` 12 |     code`), a caret
    /// line under the column (`` `- error: … ``), and the notes that belong to the error, which
    /// may be in other files (a `file:line:column: note: …` line and its own code).
    var excerpt: [String] = []

    /// The code on the error's line, as the compiler prints it: ` 12 |     code`.
    var sourceLine: String? {
      excerpt.prefix(while: BuildReport.isExcerpt).first {
        $0.trimmingCharacters(in: .whitespaces).hasPrefix("\(line) |")
      }
    }

    /// One line on the usual cause, for the errors a skipped step of an exercise gives: using
    /// `input()` or `output()` before `requires()` or `output()` return what the TODO asks for,
    /// or `input()` without `try`.
    var hint: String? {
      let code = sourceLine ?? ""
      if (message.contains("'Void'") || message.contains("'()'")) && code.contains("input()") {
        return
          "input() is () until requires() returns a task, an array of tasks or AllOf(…) (a tuple is none of these): do the requires() TODO first, its return type too"
      }
      if message.hasPrefix("call can throw but is not marked with 'try'") && code.contains("input()") {
        return "input() can throw (it calls requires()): write `try input()`, as in `for text in try input()`"
      }
      // The protocol's requirement reads `run() async throws`, which sends a learner looking for async.
      if message.hasPrefix("type '"), message.hasSuffix("' does not conform to protocol 'PipelineTask'") {
        return
          "a task needs `func run() throws { … }` (it may also be async, but need not be): is it missing or misspelt?"
      }
      // Exercises 7 onward compile in Swift 6 mode, where a variable that several workers change
      // at once is a compile error instead of a crash at random. The compiler's own notes suggest
      // @MainActor or nonisolated(unsafe), neither of which is the fix in a pipeline.
      if message.contains("is not concurrency-safe") || message.contains("concurrently-executing code") {
        return "tasks run on several workers at once, so a variable outside run() is shared by all of them "
          + "(a data race): make it a `let` if it never changes, or keep it in a `var` inside run() and pass "
          + "results on through the task's output (the next task reads it with input())"
      }
      if message.contains("main actor-isolated") {
        return "tasks run on worker threads, not on the main actor, so @MainActor state cannot be changed "
          + "from run(): keep the state inside run() and pass results on through the task's output"
      }
      if message.contains("Substring") {
        return "split(…) gives Substring pieces (views into the text), not Strings: "
          + "write String(piece), or pieces.map(String.init) for an array"
      }
      if message.hasPrefix("cannot find '"), let name = message.split(separator: "'").dropFirst().first,
        BuildReport.foundationNames.contains(String(name))
      {
        return "\(name) comes from Foundation: add `import Foundation` at the top of \(file)"
      }
      for (type, function) in [("NoOutput", "output()"), ("NoRequirements", "requires()")] {
        if message.hasPrefix("value of type '\(type)' has no member") {
          return "\(function) returns \(type) until you change its return type: do the \(function) TODO first"
        }
        if message.hasPrefix("cannot convert return expression of type"), message.hasSuffix("to return type '\(type)'"),
          let returned = message.split(separator: "'").dropFirst().first
        {
          return "change \(function)'s return type too: func \(function.dropLast(2))() -> \(returned) { … }"
        }
      }
      return nil
    }
  }

  /// Names a learner uses from Foundation, whose absence means a missing `import Foundation`
  /// (`import Plumb` does not re-export it).
  static let foundationNames: Set<String> = [
    "Date", "DateFormatter", "ISO8601DateFormatter", "Calendar", "TimeZone", "Locale", "URL", "URLSession",
    "Data", "FileManager", "ProcessInfo", "JSONDecoder", "JSONEncoder", "JSONSerialization", "NSRegularExpression",
    "CharacterSet", "NumberFormatter", "NSString", "Thread", "NSLock", "UUID", "TimeInterval",
  ]

  let problems: [Problem]
  /// The last lines of the build's output, for failures that are not compile errors.
  let tail: String

  init(output: String) {
    let root = FileManager.default.currentDirectoryPath + "/"
    let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var found: [Problem] = []
    // The error whose excerpt and notes are being read, as an index into `found`.
    var current: Int?
    for line in lines {
      guard let header = Header(line, root: root) else {
        if let current, Self.isExcerpt(line) {
          found[current].excerpt.append(line.replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression))
        } else if !line.isEmpty {
          // A line of swift build's own ("[3/9] Compiling …") ends the error's part.
          current = nil
        }
        continue
      }
      switch header.severity {
      case "error":
        // swift build can print an error twice, when it emits the module and when it compiles the file.
        let isRepeated = found.contains {
          $0.file == header.file && $0.line == header.line && $0.message == header.message
        }
        if isRepeated {
          current = nil
        } else {
          found.append(Problem(file: header.file, line: header.line, column: header.column, message: header.message))
          current = found.count - 1
        }
      case "note":
        if let current {
          found[current].excerpt.append("\(header.file):\(header.line):\(header.column): note: \(header.message)")
        }
      default:
        // A warning and its notes are not shown: the learner has an error to fix first.
        current = nil
      }
    }
    problems = found
    tail = lines.filter { !$0.isEmpty }.suffix(8).joined(separator: "\n")
  }

  /// A diagnostic's first line, `/path/File.swift:12:5: error: message`, with the path made relative
  /// to the package's root.
  private struct Header {
    let file: String
    let line: Int
    let column: Int
    let severity: String
    let message: String

    init?(_ text: String, root: String) {
      let parts = text.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
      // A note can point into a module's interface, `Swift.Sequence.drop:2:36`, not only a .swift file.
      let severity = parts.count == 5 ? parts[3].trimmingCharacters(in: .whitespaces) : ""
      guard ["error", "warning", "note", "remark"].contains(severity), let line = Int(parts[1]),
        let column = Int(parts[2])
      else { return nil }
      file = parts[0].hasPrefix(root) ? String(parts[0].dropFirst(root.count)) : String(parts[0])
      self.line = line
      self.column = column
      self.severity = severity
      message = parts[4].trimmingCharacters(in: .whitespaces)
    }
  }

  /// Whether `line` is part of the compiler's picture of the code: ` 12 |     code`, the line of the
  /// caret that points at the column, or `   :` where it skips lines.
  static func isExcerpt(_ line: String) -> Bool {
    let rest: Substring = line.drop(while: { $0 == " " }).drop(while: \.isNumber).drop(while: { $0 == " " })
    return rest.hasPrefix("|") || rest == ":"
  }

  /// The exercise folder (`4-dependencies`) the first error is in, if it is in an exercise.
  var exerciseFolder: String? {
    problems.lazy.compactMap { problem -> String? in
      let parts = problem.file.split(separator: "/")
      return parts.count > 2 && parts[0] == "Exercises" ? String(parts[1]) : nil
    }.first
  }

  /// The exercise the first error is in: in its folder, or in its graded suite (which then does not
  /// compile against the learner's code).
  var brokenExercise: Exercise? {
    let exercises = Exercise.all()
    for problem in problems {
      let parts = problem.file.split(separator: "/")
      guard parts.count > 2 else { continue }
      if parts[0] == "Exercises", let exercise = exercises.first(where: { $0.folder == parts[1] }) {
        return exercise
      }
      if parts[0] == "Tests", let exercise = exercises.first(where: { $0.suiteName == parts[1] }) {
        return exercise
      }
    }
    return nil
  }

  /// The errors as the compiler shows them (the code, a caret under the column, the notes), each
  /// followed by its hint, as many as fit in `lineLimit` lines: a screenful. The first is always
  /// shown, cut to the limit if it is longer, with its hint kept.
  func describe(lineLimit: Int = 20) -> String {
    guard !problems.isEmpty else { return tail }
    var lines: [String] = []
    var hints: Set<String> = []
    var shown = 0
    for problem in problems {
      var block =
        ["  \(problem.file):\(problem.line):\(problem.column): error: \(problem.message)"]
        + problem.excerpt.map { "  " + $0 }
      // Two errors with the same cause give its hint once.
      let hint = problem.hint.flatMap { hints.contains($0) ? nil : $0 }
      let room = lineLimit - lines.count - (hint == nil ? 0 : 1)
      if block.count > room {
        guard shown == 0 else { break }
        let cut = block.count - (room - 1)
        block = block.prefix(room - 1) + ["  … (\(cut) more lines: swift build --build-tests shows them)"]
      }
      lines += block
      if let hint {
        hints.insert(hint)
        lines.append(Terminal.yellow("  hint: " + hint))
      }
      shown += 1
    }
    if shown < problems.count {
      let more = problems.count - shown
      lines.append("  … and \(more) more error\(more == 1 ? "" : "s") (swift build --build-tests shows them all)")
      // A hint is the most useful line of an error, so the errors left out still give theirs.
      for problem in problems.dropFirst(shown) {
        if let hint = problem.hint, hints.insert(hint).inserted {
          lines.append(Terminal.yellow("  hint for \(problem.file):\(problem.line): " + hint))
        }
      }
    }
    return lines.joined(separator: "\n")
  }
}
