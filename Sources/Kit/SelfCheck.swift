import Foundation

/// `make test`: the kit checks itself both ways, like rustlings. The engine's tests pass; every graded
/// suite passes on the solutions; every graded suite fails on the committed stubs, without a crash and
/// with its "not done" message; and every exercise has its README, hints, stub, suite and solution.
///
/// The stubs checked are the committed ones (from `git archive`), even where a learner has edited theirs.
enum SelfCheck {
  static func run() -> Int32 {
    var failures = 0
    func result(_ passed: Bool, _ text: String, details: String = "") {
      if passed {
        Terminal.say(Terminal.green("  ✓ ") + text)
      } else {
        failures += 1
        Terminal.say(Terminal.red("  ✗ ") + text)
        if !details.isEmpty { Terminal.say(Check.indent(Check.indent(details))) }
      }
    }

    Terminal.say(Terminal.bold("Self-check of the kit"))
    let exercises = Exercise.all()
    guard let pristine = pristineStubs() else { return 1 }
    Terminal.say(Terminal.dim("  (stubs checked: \(pristine.description))"))
    for problem in structureProblems(exercises, stubsRoot: pristine.root) {
      result(false, problem)
    }
    if failures == 0 {
      result(
        true, "structure: \(exercises.count) exercises, each with README, hints, stubs with TODOs, suite and solution")
    }

    Terminal.say(Terminal.dim("  building the committed stubs…"))
    if let build = pristine.grader.build() {
      result(false, "the committed stubs and the engine build", details: build.describe())
      return 1
    }
    let engine = pristine.grader.test(["--skip", "^Exercise[0-9]+Tests\\."])
    let engineFailures = engine.cases.filter { $0.passed != true }
    result(
      engine.exitStatus == 0 && engineFailures.isEmpty,
      "engine tests: \(engine.cases.count) ran, \(engineFailures.count) failed",
      details: engineFailures.prefix(3).map { "\($0.suite).\($0.name): \($0.failures.first ?? "crashed")" }
        .joined(separator: "\n") + (engine.crash.map { "\n" + $0 } ?? ""))

    let stubReports = pristine.grader.testEach(exercises)
    for exercise in exercises {
      guard let stubs = stubReports[exercise.number] else { continue }
      let cases = stubs.cases(of: exercise.suiteName)
      let failed = cases.filter { $0.passed == false }.count
      let crashed = cases.contains { $0.passed == nil } || (cases.isEmpty && stubs.crash != nil)
      let notDone = "Exercise \(exercise.number) is not done yet"
      let saysNotDone = cases.contains { $0.failures.contains { $0.contains(notDone) } }
      let passed = !cases.isEmpty && failed > 0 && !crashed && saysNotDone
      var details: [String] = []
      if cases.isEmpty { details.append("no test of \(exercise.suiteName) ran") }
      if crashed { details.append("the suite crashed: \(stubs.crash ?? "a test never finished")") }
      if !cases.isEmpty && failed == 0 && !crashed {
        details.append("the untouched stub passes every check: the exercise gives nothing to do")
      }
      if failed > 0 && !saysNotDone { details.append("no failure says \"\(notDone): …\"") }
      result(
        passed, "exercise \(exercise.number) on its stub fails as it should (\(failed) of \(cases.count) checks)",
        details: details.joined(separator: "\n"))
    }

    Terminal.say(Terminal.dim("  building the solutions…"))
    let solutions = Grader(scratchPath: ".build-solutions", environment: ["KIT_SOLUTIONS": "1"])
    if let build = solutions.build() {
      result(false, "the solutions build", details: build.describe())
      return 1
    }
    let solvedReports = solutions.testEach(exercises)
    for exercise in exercises {
      guard let solved = solvedReports[exercise.number] else { continue }
      let cases = solved.cases(of: exercise.suiteName)
      let first = solved.firstFailure(of: exercise.suiteName, order: exercise.declaredChecks)
      let verdict = Grader.verdict(of: exercise, in: solved)
      result(
        verdict.state == .done, "exercise \(exercise.number) on its solution passes (\(cases.count) checks)",
        details: first.map { "\($0.test): \($0.message)" } ?? verdict.note)
    }

    Terminal.say()
    if failures == 0 {
      Terminal.say(Terminal.green("The kit is sound: engine tests pass, every solution passes, every stub fails."))
      return 0
    }
    Terminal.say(Terminal.red("\(failures) problem\(failures == 1 ? "" : "s") found."))
    return 1
  }

  /// Where the committed stubs are and how to build them.
  struct Pristine {
    let root: String
    let grader: Grader
    let description: String
  }

  /// The committed stubs: `Exercises/` itself when it is unchanged (reusing the learner's build),
  /// else a copy taken with `git archive` into `.kit/pristine`, built in `.build-pristine`.
  static func pristineStubs() -> Pristine? {
    let status = Shell.capture(["git", "status", "--porcelain", "--", "Exercises"])
    guard status.succeeded else {
      return Pristine(root: "Exercises", grader: Grader(), description: "Exercises/ as it is (not a git checkout)")
    }
    if status.output.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty {
      return Pristine(root: "Exercises", grader: Grader(), description: "Exercises/, unchanged since the last commit")
    }
    try? FileManager.default.removeItem(atPath: ".kit/pristine")
    try? FileManager.default.createDirectory(atPath: ".kit/pristine", withIntermediateDirectories: true)
    let copy = Shell.capture(["sh", "-c", "git archive HEAD Exercises | tar -x -C .kit/pristine"])
    guard copy.succeeded else {
      Terminal.error(
        "could not copy the committed exercises: \(copy.output.trimmingCharacters(in: .whitespacesAndNewlines))")
      return nil
    }
    return Pristine(
      root: ".kit/pristine/Exercises",
      grader: Grader(scratchPath: ".build-pristine", environment: ["KIT_EXERCISES_ROOT": ".kit/pristine/Exercises"]),
      description: "the committed Exercises/ from git, since yours has changes")
  }

  /// What is missing or wrong in the exercises' files, one line each.
  static func structureProblems(_ exercises: [Exercise], stubsRoot: String) -> [String] {
    var problems: [String] = []
    if exercises.isEmpty { problems.append("no exercise folders (Exercises/N-name) found") }
    let pipelines = (try? String(contentsOfFile: "Sources/Pipelines/main.swift", encoding: .utf8)) ?? ""
    for exercise in exercises {
      let stubs = "\(stubsRoot)/\(exercise.folder)"
      let name = "exercise \(exercise.number)"
      for file in ["README.md", "hints.md"] where text(of: "\(stubs)/\(file)")?.isEmpty ?? true {
        problems.append("\(name): \(exercise.path)/\(file) is missing or empty")
      }
      let stubFiles = Exercise.swiftFiles(in: stubs)
      let solutionFiles = Exercise.swiftFiles(in: exercise.solutionPath)
      if stubFiles.isEmpty { problems.append("\(name): no Swift files in \(exercise.path)") }
      if stubFiles != solutionFiles {
        problems.append("\(name): \(exercise.solutionPath) should hold the same Swift files as \(exercise.path)")
      }
      var hasTODO = false
      for file in stubFiles {
        let stub = text(of: "\(stubs)/\(file)") ?? ""
        let solution = text(of: "\(exercise.solutionPath)/\(file)") ?? ""
        hasTODO = hasTODO || stub.contains("// TODO:")
        if stub != solution && !stub.contains("// TODO:") {
          problems.append("\(name): \(file) differs from its solution but has no // TODO: marker")
        }
        for (label, source) in [(exercise.path, stub), (exercise.solutionPath, solution)] {
          for crash in ["fatalError(", "try!", "preconditionFailure("] where source.contains(crash) {
            problems.append("\(name): \(label)/\(file) uses \(crash), which would crash the test run")
          }
        }
        if solution.contains("TODO") || solution.contains("NotImplemented") {
          problems.append("\(name): \(exercise.solutionPath)/\(file) still has a TODO")
        }
      }
      if !hasTODO { problems.append("\(name): no // TODO: in \(exercise.path)") }
      if Exercise.swiftFiles(in: exercise.suitePath).isEmpty {
        problems.append("\(name): no graded suite in \(exercise.suitePath)")
      }
      if !pipelines.contains("Exercise\(exercise.number).pipelineTasks") {
        problems.append("\(name): Sources/Pipelines/main.swift does not list Exercise\(exercise.number).pipelineTasks")
      }
    }
    return problems
  }

  private static func text(of path: String) -> String? {
    (try? String(contentsOfFile: path, encoding: .utf8))?.trimmingCharacters(in: .whitespacesAndNewlines)
  }
}
