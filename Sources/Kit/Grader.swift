import Foundation

/// Builds the package and runs graded suites through `swift test`, turning what they print into
/// verdicts. One configuration is one scratch folder: the learner's exercises build in `.build`,
/// the solutions and the pristine stubs in their own, so switching never rebuilds back and forth.
struct Grader {
  /// `--scratch-path`, or `nil` for the default `.build`.
  var scratchPath: String?
  /// KIT_SOLUTIONS or KIT_EXERCISES_ROOT, which pick the exercise sources Package.swift uses.
  var environment: [String: String] = [:]
  /// Seconds a `swift test` run may take before it is stopped, or `nil` for no limit. A learner's
  /// endless loop would otherwise leave `make check` and `make watch` waiting for ever.
  var timeLimit: Int?

  /// The limit for learners' checks: far above what a graded suite needs (a few seconds);
  /// KIT_CHECK_TIMEOUT (seconds) changes it, for a very slow machine.
  static let learnerTimeLimit =
    ProcessInfo.processInfo.environment["KIT_CHECK_TIMEOUT"].flatMap { Int($0) }.map { max(1, $0) } ?? 60

  private var scratchArguments: [String] { scratchPath.map { ["--scratch-path", $0] } ?? [] }

  /// Builds everything the suites need; returns the compile errors when it fails.
  func build() -> BuildReport? {
    let outcome = Shell.capture(["swift", "build", "--build-tests"] + scratchArguments, environment: environment)
    return outcome.succeeded ? nil : BuildReport(output: outcome.output)
  }

  /// Runs the suites of `exercises` in one `swift test`, without building.
  func test(_ exercises: [Exercise]) -> TestReport {
    let names = exercises.map(\.suiteName).joined(separator: "|")
    return test(["--filter", "^(\(names))\\."])
  }

  /// Runs the suite of `exercise`; when a check crashes, which ends the test process, runs the
  /// checks it kept from running, so the report has every check's result.
  func testCompletely(_ exercise: Exercise) -> TestReport {
    var report = test([exercise])
    var latest = report
    let suite = exercise.suiteName
    // Each round runs at least one check that had not run, so the loop ends. After a run that hit
    // the time limit it stops: the other checks would most likely hang in the same loop.
    while !latest.timedOut, latest.cases(of: suite).contains(where: { $0.passed == nil }) {
      let seen = Set(report.cases(of: suite).map(\.name))
      let missing = exercise.declaredChecks.filter { !seen.contains($0) }
      guard !missing.isEmpty else { break }
      latest = test(["--filter", "^\(suite)\\.\(suite)/(\(missing.joined(separator: "|")))$"])
      guard !latest.cases(of: suite).isEmpty else { break }
      report.append(latest)
    }
    return report
  }

  /// Runs the suites of `exercises` and returns a report for each exercise's number. The suites run
  /// together in one `swift test`; when a crash stops that run, the suites it did not finish run
  /// again one by one, so one crashing suite cannot hide the others' results.
  func testEach(_ exercises: [Exercise]) -> [Int: TestReport] {
    let together = test(exercises)
    var reports: [Int: TestReport] = [:]
    for exercise in exercises {
      let cases = together.cases(of: exercise.suiteName)
      let unfinished = cases.isEmpty || cases.contains { $0.passed == nil }
      reports[exercise.number] = together.crash != nil && unfinished ? testCompletely(exercise) : together
    }
    return reports
  }

  /// Runs `swift test --skip-build` with extra arguments (a filter or a skip).
  func test(_ arguments: [String]) -> TestReport {
    // A crash's backtrace names the learner's line; only the crashed thread's frames are needed.
    // With a time limit the tests print line by line (coreutils' stdbuf, inherited by the test
    // process), so a run that is stopped still shows which check was running.
    let lineBuffered = timeLimit == nil ? [] : ["stdbuf", "-oL", "-eL"]
    let outcome = Shell.capture(
      lineBuffered + ["swift", "test", "--skip-build"] + scratchArguments + arguments,
      environment: environment.merging(["SWIFT_BACKTRACE": Crash.backtraceSettings]) { $1 }, timeLimit: timeLimit)
    return TestReport(
      output: outcome.output, exitStatus: outcome.status, stoppedAfter: outcome.timedOut ? timeLimit : nil)
  }

  /// The verdict of one exercise's suite in a report.
  static func verdict(of exercise: Exercise, in report: TestReport) -> (state: Progress.State, note: String) {
    let cases = report.cases(of: exercise.suiteName)
    if cases.isEmpty {
      return (
        .failing, report.crash.map { "the test run crashed before this suite ran: \($0)" } ?? "no graded test ran"
      )
    }
    guard let first = report.firstFailure(of: exercise.suiteName, order: exercise.declaredChecks) else {
      return (.done, "")
    }
    return (first.message.contains("is not done yet") ? .notDone : .failing, first.message)
  }
}
