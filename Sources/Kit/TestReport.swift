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

  private(set) var cases: [Case] = []
  /// The line that tells how the run died (`Fatal error: …`), when it crashed.
  private(set) var crash: String?
  private(set) var exitStatus: Int32
  /// Whether the run was stopped for taking longer than its time limit.
  private(set) var timedOut = false

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
        collecting = false
      } else if let range = line.range(of: " : failed - "), line.contains(": error: "), let index = current {
        cases[index].failures.append(String(line[range.upperBound...]))
        collecting = true
      } else if line.hasPrefix("Test Suite '") || line.hasPrefix("Test Case '") {
        collecting = false
      } else if collecting, let index = current, var last = cases[index].failures.popLast() {
        last += "\n" + line
        cases[index].failures.append(last)
      } else if crash == nil,
        line.contains("Fatal error") || line.contains("Exited with unexpected signal")
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
    [
      "Your code crashed in this check (a Swift runtime trap).",
      "  crash:    " + (crash.reason ?? "the test process stopped without saying why"),
      "  where:    "
        + (crash.place ?? "not found; `swift test --filter` with the suite's name shows the whole backtrace"),
      "  next:     " + Crash.advice,
    ].joined(separator: "\n")
  }

  /// Adds the cases of a later run of the same suites (the checks a crash kept from running).
  mutating func append(_ other: TestReport) {
    cases += other.cases
    crash = crash ?? other.crash
    if exitStatus == 0 { exitStatus = other.exitStatus }
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
