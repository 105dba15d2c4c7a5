import Foundation

/// What `swift test` printed, read back into suites, test cases and failure messages.
struct TestReport {
  /// One test method's outcome.
  struct Case {
    let suite: String
    let name: String
    /// `nil` when the case started and never finished: the test run crashed in it.
    var passed: Bool?
    /// The failure messages, each possibly several lines long.
    var failures: [String] = []
    /// What the runtime said when the case crashed (`passed` is `nil`).
    var crash: Crash?
  }

  /// XCTest's closing count of one suite: `Executed 7 tests, with 1 test skipped and 5 failures (1 unexpected)`.
  struct Count: Equatable {
    var executed: Int
    var skipped = 0
    var failures: Int
  }

  private(set) var cases: [Case] = []
  /// The line that tells how the run died (`Fatal error: …`), when it crashed.
  private(set) var crash: String?
  private(set) var exitStatus: Int32
  /// Whether the run was stopped for taking longer than its time limit.
  private(set) var timedOut = false
  /// XCTest's count for each suite that finished (`Exercise9Tests`), and for the whole run
  /// (`Selected tests` with a filter, `All tests` without).
  private(set) var counts: [String: Count] = [:]
  /// XCTest's own error lines, in the order printed, to show where the kit's reading and XCTest's
  /// outcome disagree.
  private(set) var errorLines: [String] = []

  /// Reads `output`; `stoppedAfter` is the time limit in seconds when the run was stopped for
  /// exceeding it, so that a check that hangs is told apart from one that crashes.
  init(output: String, exitStatus: Int32, stoppedAfter timeLimit: Int? = nil) {
    self.exitStatus = exitStatus
    var current: Int?
    var collecting = false
    let lines = output.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
    // Where each case's output starts, to read a crash's reason and place from it.
    var firstLine: [Int: Int] = [:]
    for (number, line) in lines.enumerated() {
      if line.contains("error: ") { errorLines.append(line) }
      if let name = Self.caseName(in: line, event: "started") {
        let parts = name.split(separator: ".", maxSplits: 1).map(String.init)
        cases.append(Case(suite: parts.first ?? name, name: parts.last ?? name, passed: nil))
        current = cases.count - 1
        firstLine[cases.count - 1] = number + 1
        collecting = false
      } else if Self.caseName(in: line, event: "passed") != nil, let index = current {
        cases[index].passed = true
        collecting = false
      } else if Self.caseName(in: line, event: "failed") != nil, let index = current {
        cases[index].passed = false
        if cases[index].failures.isEmpty {
          cases[index].failures.append(Self.unexplained(lines[(firstLine[index] ?? number)..<number]))
        }
        collecting = false
      } else if Self.caseName(in: line, event: "skipped") != nil, let index = current {
        // A skipped check checked nothing: it does not count as passed.
        cases[index].passed = false
        let reason = lines[(firstLine[index] ?? number)..<number].lazy.compactMap(Self.skipReason).first
        cases[index].failures.append(
          Self.fields(
            "This check was skipped, so it checked nothing\(reason.map { ": \($0)" } ?? ".")",
            [("next", "a graded check should never be skipped: tell the instructor")]))
        collecting = false
      } else if let index = current, let failure = Self.failure(in: line, of: cases[index]) {
        cases[index].failures.append(failure.message)
        collecting = failure.continues
      } else if line.hasPrefix("Test Suite '") || line.hasPrefix("Test Case '") {
        collecting = false
      } else if number > 0, let suite = Self.finishedSuite(in: lines[number - 1]), let count = Self.count(in: line) {
        counts[suite] = count
      } else if collecting, let index = current, var last = cases[index].failures.popLast() {
        last += "\n" + line
        cases[index].failures.append(last)
      } else if crash == nil,
        line.contains("Fatal error") || line.contains("exited with unexpected signal")
          || line.contains("Program crashed") || line.contains("Crash:")
      {
        crash = line.trimmingCharacters(in: .whitespaces)
      }
    }
    if let timeLimit {
      timedOut = true
      crash = "the checks did not finish within \(timeLimit) seconds and were stopped"
      for index in cases.indices where cases[index].passed == nil {
        cases[index].passed = false
        cases[index].failures.append(
          """
          This check did not finish within \(timeLimit) seconds, so it was stopped.
            Look for a loop in your code that never ends (a `while` whose condition stays true), or a
            wait that never returns; then check again.
          """)
      }
    }
    if crash == nil, cases.contains(where: { $0.passed == nil }) {
      crash = "the test run stopped in the middle of a test (exit status \(exitStatus))"
    }
    for index in cases.indices where cases[index].passed == nil {
      let start = firstLine[index] ?? lines.count
      let end = lines[start...].firstIndex { $0.hasPrefix("Test Case '") } ?? lines.count
      let found = Crash(output: Array(lines[start..<end]))
      cases[index].crash = found
      cases[index].failures.append(Self.message(for: found))
    }
  }

  /// The verdict's message for a case that crashed.
  static func message(for crash: Crash) -> String {
    fields(
      "Your code crashed in this check (\(crash.reason == nil && crash.isBadAccess ? "a bad memory access" : "a Swift runtime trap")).",
      [
        ("crash", crash.summary ?? "the test process stopped without saying why"),
        ("where", crash.place ?? "not found; `swift test --filter` with the suite's name shows the whole backtrace"),
        ("next", crash.advice),
      ])
  }

  /// A message in the kit's shape: a headline, then one `  name:     value` line per field that has a value.
  static func fields(_ headline: String, _ fields: [(name: String, value: String?)]) -> String {
    ([headline]
      + fields.compactMap { field in
        field.value.map { "  " + (field.name + ":").padding(toLength: 10, withPad: " ", startingAt: 0) + $0 }
      }).joined(separator: "\n")
  }

  /// Lines of XCTest's own output, indented as a block under a message's field.
  static func block(_ lines: some Collection<String>) -> String {
    lines.map { "\n      | " + $0 }.joined()
  }

  /// The message of XCTest's error line about `item`, and whether the lines after it continue it;
  /// `nil` for any other line. XCTest words each kind of failure differently:
  ///
  /// ```
  /// /kit/Tests/Exercise2Tests/Exercise2Tests.swift:29: error: Exercise2Tests.testB : failed - The run did not…
  /// <EXPR>:0: error: Exercise9Tests.testTheAlertsReachTheTeam : threw error "InsecureWebhook()"
  /// /kit/Tests/…:8: error: KindsTests.testUnwrapsNil : XCTUnwrap failed: expected non-nil value of type "Int" -
  /// /kit/Tests/…:11: error: KindsTests.testExpectationTimesOut : Asynchronous wait failed - Exceeded timeout of…
  /// ```
  private static func failure(in line: String, of item: Case) -> (message: String, continues: Bool)? {
    guard let marker = line.range(of: ": error: \(item.suite).\(item.name) : ") else { return nil }
    let place = checkPlace(String(line[..<marker.lowerBound]))
    let text = String(line[marker.upperBound...])
    let readTheCheck = place.map {
      "read \($0), the line of the check that failed, to see what it needs from your code"
    }
    if text.hasPrefix("failed - ") {
      let message = text.dropFirst("failed - ".count)
      guard message.trimmingCharacters(in: .whitespaces).isEmpty else { return (String(message), true) }
      return (fields("This check failed without saying why.", [("where", place), ("next", readTheCheck)]), false)
    }
    if text.hasPrefix("threw error \""), text.hasSuffix("\"") {
      return (thrown(String(text.dropFirst("threw error \"".count).dropLast()), suite: item.suite), false)
    }
    let headline =
      text.hasPrefix("XCTUnwrap failed")
      ? "This check expected a value and found nil."
      : text.hasPrefix("Asynchronous wait failed")
        ? "This check waited for something your code should do, and it did not happen in time." : "This check failed."
    return (
      fields(
        headline, [("found", text.trimmingCharacters(in: .whitespaces)), ("where", place), ("next", readTheCheck)]),
      false
    )
  }

  /// The message for a check that an error thrown through it stopped (from the test method or its
  /// `setUpWithError`), naming the line of the learner's code that throws it when there is one.
  static func thrown(_ error: String, suite: String) -> String {
    let exercise = Exercise.all().first { $0.suiteName == suite }
    let thrower = exercise?.line(throwing: error)
    let next =
      if thrower != nil {
        "see why that line throws for this check's input, and return a value there instead"
      } else if let exercise {
        "find where your code in \(exercise.path) throws \(error), and return a value there instead; if your code "
          + "does not throw it, the check's own setup failed: `swift test --filter '^\(suite)\\.'` shows the whole run"
      } else {
        "find where \(error) is thrown; `swift test --filter '^\(suite)\\.'` shows the whole run"
      }
    return fields(
      "This check stopped because an error was thrown through it.",
      [
        ("expected", "your code returns normally, without throwing"), ("found", "it threw \(error)"),
        ("where", thrower), ("next", next),
      ])
  }

  /// A case XCTest reports as failed without an error line the kit can read: XCTest's own lines say why.
  private static func unexplained(_ lines: ArraySlice<String>) -> String {
    let said = lines.filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
    return fields(
      "XCTest reports that this check failed\(said.isEmpty ? ", without a message." : "; it said:")"
        + block(said.suffix(12)),
      [("next", "`swift test --filter` with the suite's name shows the whole run")])
  }

  /// `Tests/Exercise2Tests/Exercise2Tests.swift:29` from XCTest's `/kit/Tests/…:29`; `nil` for
  /// `<EXPR>:0`, XCTest's place for a thrown error, which names no line.
  private static func checkPlace(_ text: String) -> String? {
    guard !text.hasPrefix("<") else { return nil }
    let root = FileManager.default.currentDirectoryPath + "/"
    return text.hasPrefix(root) ? String(text.dropFirst(root.count)) : text
  }

  /// `not on Linux` from `…/KindsTests.swift:14: KindsTests.testSkips : Test skipped - not on Linux`.
  private static func skipReason(in line: String) -> String? {
    guard let marker = line.range(of: " : Test skipped - ") ?? line.range(of: " : Test skipped: ") else { return nil }
    return String(line[marker.upperBound...])
  }

  /// `Exercise9Tests` from `Test Suite 'Exercise9Tests' failed at …`, the line before a suite's count.
  private static func finishedSuite(in line: String) -> String? {
    guard line.hasPrefix("Test Suite '"), line.contains("' passed at ") || line.contains("' failed at ") else {
      return nil
    }
    let rest = line.dropFirst("Test Suite '".count)
    return rest.firstIndex(of: "'").map { String(rest[..<$0]) }
  }

  /// Reads `Executed 7 tests, with 1 test skipped and 5 failures (1 unexpected) in 0.208 (0.208) seconds`.
  static func count(in line: String) -> Count? {
    let words = line.split { " \t,(".contains($0) }
    guard words.first == "Executed", words.count > 1, let executed = Int(words[1]),
      let failures = words.firstIndex(where: { $0.hasPrefix("failure") }).flatMap({ Int(words[$0 - 1]) })
    else { return nil }
    let skipped = words.firstIndex(of: "skipped").flatMap { $0 >= 2 ? Int(words[$0 - 2]) : nil } ?? 0
    return Count(executed: executed, skipped: skipped, failures: failures)
  }

  /// Why XCTest's own outcome does not confirm that every check of `suite` in `declared` ran and
  /// passed, or `nil` when it does: XCTest's count for the suite has as many tests as `declared`,
  /// none failed or skipped, and `swift test` exited with 0 (or the run finished and its failures
  /// were in other suites). The kit's reading of the lines is never the only witness of a pass.
  func disagreement(with suite: String, declared: [String]) -> String? {
    let expected = declared.isEmpty ? cases(of: suite).count : declared.count
    guard let count = counts[suite] else {
      return disagreementMessage(suite, expected, found: "XCTest printed no count for \(suite): the run did not finish")
    }
    let finished = counts["Selected tests"] != nil || counts["All tests"] != nil
    let exitExplained = exitStatus == 0 || (finished && cases.contains { $0.suite != suite && $0.passed != true })
    let ran = cases(of: suite)
    let allRan = declared.allSatisfy { name in ran.contains { $0.name == name } }
    if count.executed == expected, count.failures == 0, count.skipped == 0, exitExplained, allRan,
      ran.allSatisfy({ $0.passed == true })
    {
      return nil
    }
    let found =
      "XCTest ran \(count.executed) test\(count.executed == 1 ? "" : "s"): \(count.failures) failed"
      + (count.skipped > 0 ? ", \(count.skipped) skipped" : "") + "; swift test exited with \(exitStatus)"
    return disagreementMessage(suite, expected, found: found)
  }

  private func disagreementMessage(_ suite: String, _ expectedCount: Int, found: String) -> String {
    let said = errorLines.suffix(12)
    return Self.fields(
      "XCTest's own outcome is not a pass, so the checks do not count as passed.",
      [
        ("expected", "XCTest runs the \(expectedCount) checks of \(suite), none fails, and swift test exits with 0"),
        ("found", found + (said.isEmpty ? "" : "; XCTest said:" + Self.block(said))),
        ("next", "`swift test --filter '^\(suite)\\.'` shows the whole run"),
      ])
  }

  /// Adds the cases of a later run of the same suites (the checks a crash kept from running).
  mutating func append(_ other: TestReport) {
    cases += other.cases
    crash = crash ?? other.crash
    if exitStatus == 0 { exitStatus = other.exitStatus }
    counts.merge(other.counts) { _, later in later }
    errorLines += other.errorLines
  }

  /// `'Exercise4Tests.testX' started` → `Exercise4Tests.testX`.
  private static func caseName(in line: String, event: String) -> String? {
    guard line.hasPrefix("Test Case '"), line.contains("' \(event)") else { return nil }
    let rest = line.dropFirst("Test Case '".count)
    guard let end = rest.firstIndex(of: "'") else { return nil }
    return String(rest[..<end])
  }

  /// The cases of one suite, in the order of `declared` (the suite file's test methods, which its
  /// author writes from the basic to the advanced), then any others in the order they ran.
  /// XCTest runs them alphabetically, so the first to fail there is often a consequence of a
  /// more basic failure declared before it.
  func cases(of suite: String, order declared: [String] = []) -> [Case] {
    let position = Dictionary(declared.enumerated().map { ($1, $0) }) { first, _ in first }
    let rank = { (item: (offset: Int, element: Case)) in (position[item.element.name] ?? declared.count, item.offset) }
    return cases.enumerated().filter { $0.element.suite == suite }.sorted { rank($0) < rank($1) }.map(\.element)
  }

  /// The first failure message of a suite, in the order of `declared` (see ``cases(of:order:)``).
  func firstFailure(of suite: String, order declared: [String] = []) -> (test: String, message: String)? {
    for item in cases(of: suite, order: declared) {
      if let message = item.failures.first { return (item.name, message) }
    }
    return nil
  }
}
