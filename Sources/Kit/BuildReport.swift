import Foundation

/// The compile errors of a failed `swift build`, read back so the kit can name the file and show
/// a few lines instead of pages.
struct BuildReport {
  /// One compile error: where, what, and the source line it points at.
  struct Problem: Equatable {
    let file: String
    let line: Int
    let column: Int
    let message: String
    var sourceLine: String?

    /// One line on the usual cause, for the errors a skipped step of an exercise gives: using
    /// `input()` or `output()` before `requires()` or `output()` return what the TODO asks for,
    /// or `input()` without `try`.
    var hint: String? {
      let code = sourceLine ?? ""
      if (message.contains("'Void'") || message.contains("'()'")) && code.contains("input()") {
        return "input() is () until requires() returns a task: do the requires() TODO first (its return type too)"
      }
      if message.hasPrefix("call can throw but is not marked with 'try'") && code.contains("input()") {
        return "input() can throw (it calls requires()): write `try input()`, as in `for text in try input()`"
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

  let problems: [Problem]
  /// The last lines of the build's output, for failures that are not compile errors.
  let tail: String

  init(output: String) {
    let root = FileManager.default.currentDirectoryPath + "/"
    let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    var found: [Problem] = []
    for (index, line) in lines.enumerated() {
      // /path/File.swift:12:5: error: message
      let parts = line.split(separator: ":", maxSplits: 4, omittingEmptySubsequences: false)
      guard parts.count == 5, parts[0].hasSuffix(".swift"), let number = Int(parts[1]), let column = Int(parts[2]),
        parts[3].trimmingCharacters(in: .whitespaces) == "error"
      else { continue }
      let file = parts[0].hasPrefix(root) ? String(parts[0].dropFirst(root.count)) : String(parts[0])
      var problem = Problem(
        file: file, line: number, column: column,
        message: parts[4].trimmingCharacters(in: .whitespaces), sourceLine: nil)
      // The compiler prints the code under the error as ` 12 |     code`.
      let marker = "\(number) |"
      problem.sourceLine = lines[(index + 1)...].prefix(8).first {
        $0.trimmingCharacters(in: .whitespaces).hasPrefix(marker)
      }
      if !found.contains(where: { $0.file == problem.file && $0.line == number && $0.message == problem.message }) {
        found.append(problem)
      }
    }
    problems = found
    tail = lines.filter { !$0.isEmpty }.suffix(8).joined(separator: "\n")
  }

  /// The exercise folder (`4-dependencies`) the first error is in, if it is in an exercise.
  var exerciseFolder: String? {
    problems.lazy.compactMap { problem -> String? in
      let parts = problem.file.split(separator: "/")
      return parts.count > 2 && parts[0] == "Exercises" ? String(parts[1]) : nil
    }.first
  }

  /// A few lines naming the files and lines that do not compile.
  func describe(limit: Int = 3) -> String {
    guard !problems.isEmpty else { return tail }
    var lines: [String] = []
    var hints: Set<String> = []
    for problem in problems.prefix(limit) {
      lines.append("  \(problem.file):\(problem.line):\(problem.column): \(problem.message)")
      if let source = problem.sourceLine {
        lines.append(Terminal.dim("    " + source.trimmingCharacters(in: .whitespaces)))
      }
      if let hint = problem.hint, hints.insert(hint).inserted {
        lines.append(Terminal.yellow("    hint: " + hint))
      }
    }
    if problems.count > limit { lines.append("  … and \(problems.count - limit) more") }
    return lines.joined(separator: "\n")
  }
}
