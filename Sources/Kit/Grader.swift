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

  /// The solutions, built in a scratch folder of their own (KIT_SOLUTIONS, read by Package.swift).
  static let solutions = Grader(scratchPath: ".build-solutions", environment: ["KIT_SOLUTIONS": "1"])

  /// Where the build puts its debug products: `.build/debug`.
  var binFolder: String { (scratchPath ?? ".build") + "/debug" }

  private var scratchArguments: [String] { scratchPath.map { ["--scratch-path", $0] } ?? [] }

  /// Exercises that did not compile and were left out of the build (KIT_LEAVE_OUT in Package.swift),
  /// each with its compile errors. The suites then run without them.
  private(set) var leftOut: [(exercise: Exercise, errors: BuildReport)] = []

  /// Builds everything the suites need (or only `product`); returns the compile errors when it fails.
  func build(product: String? = nil) -> BuildReport? {
    let what = product.map { ["--product", $0] } ?? ["--build-tests"]
    // SwiftPM 6.3.1 leaves empty `TemporaryDirectory.*` folders in TMPDIR on every build (six for
    // a build with nothing to do, thousands in a day of checks): the build gets a run folder of
    // its own as TMPDIR, which goes with whatever it left.
    let outcome = RunFolders.using { folder in
      var settings = environment
      if let folder { settings["TMPDIR"] = folder }
      return Shell.capture(["swift", "build"] + what + scratchArguments, environment: settings) { line in
        if let activity = Self.activity(ofBuildLine: line) { Terminal.showActivity(activity) }
      }
    }
    return outcome.succeeded ? nil : BuildReport(output: outcome.output)
  }

  /// What a step line of swift build (`[120/412] Compiling Plumb Scheduler.swift`) says it is doing,
  /// without the step's count: the total grows as swift build finds more to do ([30/83], later
  /// [280/373]), which reads as progress going back.
  static func activity(ofBuildLine line: String) -> String? {
    guard line.hasPrefix("["), let end = line.firstIndex(of: "]") else { return nil }
    let text = line[line.index(after: end)...].trimmingCharacters(in: .whitespaces)
    return text.isEmpty ? nil : text
  }

  /// Builds like `build(product:)`, leaving out each exercise other than `kept` that does not
  /// compile (or whose suite does not compile against it), so that one broken exercise does not
  /// stop the others from being checked. Returns the errors that remain: in `kept`, or outside
  /// the exercises. The exercises left out are in `leftOut`, and later runs of the suites leave
  /// them out too.
  mutating func buildLeavingOutBroken(keeping kept: Exercise?, product: String? = nil) -> BuildReport? {
    while let errors = build(product: product) {
      guard let broken = errors.brokenExercise, broken.number != kept?.number,
        !leftOut.contains(where: { $0.exercise.number == broken.number })
      else { return errors }
      leftOut.append((broken, errors))
      environment["KIT_LEAVE_OUT"] = leftOut.map { String($0.exercise.number) }.joined(separator: ",")
    }
    return nil
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
    // The tests' temporary files go into a folder of the run's own, removed after it: a test
    // process that crashes or is stopped cannot clean up after itself.
    let lineBuffered = timeLimit == nil ? [] : ["stdbuf", "-oL", "-eL"]
    let outcome = RunFolders.using { folder in
      var settings = ["SWIFT_BACKTRACE": Crash.backtraceSettings]
      settings["TMPDIR"] = folder
      return Shell.capture(
        lineBuffered + ["swift", "test", "--skip-build"] + scratchArguments + arguments,
        environment: environment.merging(settings) { $1 }, timeLimit: timeLimit)
    }
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
      // Done only when XCTest's own count and the exit status agree with the lines read.
      if let disagreement = report.disagreement(with: exercise.suiteName, declared: exercise.declaredChecks) {
        return (.failing, disagreement)
      }
      return (.done, "")
    }
    return (first.message.contains("is not done yet") ? .notDone : .failing, first.message)
  }
}
