import Foundation

/// One exercise as the kit sees it: its folder under Exercises/ (what the learner edits), its
/// solution, its README and hints, and its graded suite.
struct Exercise {
  let number: Int
  /// The folder's name: `4-dependencies`.
  let folder: String

  /// Every exercise, in order, found as `Exercises/N-name` folders.
  static func all() -> [Exercise] {
    let folders = (try? FileManager.default.contentsOfDirectory(atPath: "Exercises")) ?? []
    return folders.compactMap { folder -> Exercise? in
      guard let dash = folder.firstIndex(of: "-"), let number = Int(folder[..<dash]) else { return nil }
      return Exercise(number: number, folder: folder)
    }
    .sorted { $0.number < $1.number }
  }

  /// The exercise numbered `text`, or `nil` with an error printed. Without a number, the next
  /// exercise to do when `orNext` is set (the first not done, as `make` shows it).
  static func named(_ text: String?, for command: String, orNext: Bool = false) -> Exercise? {
    let exercises = all()
    let numbers = exercises.map { String($0.number) }.joined(separator: ", ")
    guard let text, !text.isEmpty else {
      let progress = Progress.load()
      let next = exercises.first { progress.verdict(of: $0)?.state != .done }
      guard orNext, let chosen = next ?? exercises.last else {
        Terminal.error("say which exercise: make \(command) N=1 (the exercises are \(numbers))")
        return nil
      }
      Terminal.say(
        Terminal.dim(
          next == nil
            ? "(No N=…: every exercise is done, so exercise \(chosen.number), the last one; for another, say which: make \(command) N=1)"
            : "(No N=…: exercise \(chosen.number), the next one to do.)"))
      return chosen
    }
    guard let exercise = exercises.first(where: { String($0.number) == text }) else {
      Terminal.error("there is no exercise \(text); the exercises are \(numbers)")
      return nil
    }
    return exercise
  }

  /// The first exercise after `exercise` that has not passed with its files as they are, going
  /// round to the first exercises; nil when every other one is done.
  static func nextToDo(after exercise: Exercise) -> Exercise? {
    let progress = Progress.load()
    let exercises = all()
    let others = exercises.filter { $0.number > exercise.number } + exercises.filter { $0.number < exercise.number }
    return others.first { progress.verdict(of: $0)?.state != .done }
  }

  var path: String { "Exercises/\(folder)" }
  var solutionPath: String { "Solutions/\(folder)" }
  var readmePath: String { "\(path)/README.md" }
  var hintsPath: String { "\(path)/hints.md" }
  var suiteName: String { "Exercise\(number)Tests" }
  var suitePath: String { "Tests/\(suiteName)" }

  /// The title from the README's first line, `# Exercise 4: Dependencies`, else from the folder name.
  var title: String {
    let firstLine =
      (try? String(contentsOfFile: readmePath, encoding: .utf8))?
      .split(separator: "\n").first.map(String.init) ?? ""
    if let colon = firstLine.firstIndex(of: ":") {
      return firstLine[firstLine.index(after: colon)...].trimmingCharacters(in: .whitespaces)
    }
    return folder.drop { $0 != "-" }.dropFirst().capitalized
  }

  /// The graded suite's test methods in the order its files declare them: the order the verdict
  /// reports failures in.
  var declaredChecks: [String] {
    Self.swiftFiles(in: suitePath).flatMap { file in
      Self.testMethods(in: (try? String(contentsOfFile: "\(suitePath)/\(file)", encoding: .utf8)) ?? "")
    }
  }

  /// The names of the methods XCTest runs in `source` (`func test…()`, no arguments), in order.
  static func testMethods(in source: String) -> [String] {
    source.split(separator: "\n").compactMap { line -> String? in
      let words = line.split(separator: " ")
      guard let index = words.firstIndex(of: "func"), index + 1 < words.count else { return nil }
      let name = words[index + 1]
      guard name.hasPrefix("test"), name.hasSuffix("()") else { return nil }
      return String(name.dropLast(2))
    }
  }

  /// The Swift files the learner edits, sorted.
  var sourceFiles: [String] {
    Self.swiftFiles(in: path)
  }

  /// The files that still say `// TODO:`. Once none does (the learner has deleted the markers but the
  /// exercise does not pass yet), those that differ from the solution: the ones the exercise is about,
  /// not `Pipeline.swift` or the helpers it gives, which need no change. All of them only when every
  /// file is the solution's.
  var filesToEdit: [String] {
    let marked = sourceFiles.filter { file in
      (try? String(contentsOfFile: "\(path)/\(file)", encoding: .utf8))?.contains("// TODO:") ?? false
    }
    if !marked.isEmpty { return marked }
    let changed = sourceFiles.filter { file in
      FileManager.default.contents(atPath: "\(path)/\(file)")
        != FileManager.default.contents(atPath: "\(solutionPath)/\(file)")
    }
    return changed.isEmpty ? sourceFiles : changed
  }

  /// Where the learner's code throws `error`, as XCTest quotes it (`InsecureWebhook()`, or `insecure`
  /// for an enum's case): the first line that throws it, else the line that declares its type, as
  /// `Exercises/9-failures/Alerts.swift:9`; `nil` when no file names it.
  func line(throwing error: String) -> String? {
    let name = error.prefix { $0.isLetter || $0.isNumber || $0 == "_" }
    guard !name.isEmpty else { return nil }
    var declaration: String?
    for file in sourceFiles {
      let text = (try? String(contentsOfFile: "\(path)/\(file)", encoding: .utf8)) ?? ""
      for (index, line) in text.split(separator: "\n", omittingEmptySubsequences: false).enumerated() {
        let place = "\(path)/\(file):\(index + 1)"
        if line.range(of: #"\bthrow\s+(\w+)?\.?"# + name + #"\b"#, options: .regularExpression) != nil { return place }
        if declaration == nil,
          line.range(of: #"\b(struct|enum|class|actor)\s+"# + name + #"\b"#, options: .regularExpression) != nil
        {
          declaration = place
        }
      }
    }
    return declaration
  }

  static func swiftFiles(in folder: String) -> [String] {
    ((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []).filter { $0.hasSuffix(".swift") }.sorted()
  }

  /// A fingerprint of what decides the suite's verdict: the learner's files and the suite's.
  /// A remembered result is only trusted while the fingerprint is unchanged.
  var fingerprint: String {
    var hash: UInt64 = 0xcbf2_9ce4_8422_2325
    let files =
      sourceFiles.map { "\(path)/\($0)" } + Self.swiftFiles(in: suitePath).map { "\(suitePath)/\($0)" }
    for file in files {
      let bytes = Array(file.utf8) + [0] + Array(FileManager.default.contents(atPath: file) ?? Data()) + [0]
      for byte in bytes {
        hash = (hash ^ UInt64(byte)) &* 0x100_0000_01b3
      }
    }
    return String(hash, radix: 16)
  }

  /// Whether the learner's folder is exactly as committed (a fresh start); `nil` outside a git checkout.
  var isUntouched: Bool? {
    let outcome = Shell.capture(["git", "status", "--porcelain", "--", path])
    guard outcome.succeeded else { return nil }
    return outcome.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty
  }
}
