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
    let solutions = Grader.solutions
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

    failures += readmeCommands(exercises)

    Terminal.say()
    if failures == 0 {
      Terminal.say(
        Terminal.green(
          "The kit is sound: engine tests pass, every solution passes, every stub fails, every README command works."))
      return 0
    }
    Terminal.say(Terminal.red("\(failures) problem\(failures == 1 ? "" : "s") found."))
    return 1
  }

  /// `kit selfcheck readmes`: only the READMEs' commands, after building the solutions, for an
  /// instructor who edited a README (the whole self-check takes minutes).
  static func runReadmes() -> Int32 {
    Terminal.say(Terminal.bold("Self-check of the exercises' README commands"))
    Terminal.say(Terminal.dim("  building the solutions…"))
    if let build = Grader.solutions.build() {
      Terminal.say(Terminal.red("  ✗ the solutions build"))
      Terminal.say(Check.indent(Check.indent(build.describe())))
      return 1
    }
    return readmeCommands(Exercise.all()) == 0 ? 0 : 1
  }

  /// Runs every command the exercises' READMEs show against the built solutions, in a sandbox
  /// folder (KIT_README_SANDBOX: the kit's state and the pipelines' runs go there, the solutions
  /// are what is checked and run), and says which do not work: README and line, the command, why,
  /// and the end of its output. Returns how many do not work.
  static func readmeCommands(_ exercises: [Exercise]) -> Int {
    let commands = ReadmeCommands.all(exercises)
    let sandbox = FileManager.default.temporaryDirectory.path + "/kit-readmes-\(getpid())"
    try? FileManager.default.removeItem(atPath: sandbox)
    defer { try? FileManager.default.removeItem(atPath: sandbox) }
    do {
      try FileManager.default.createDirectory(atPath: sandbox + "/workspace", withIntermediateDirectories: true)
      // The READMEs' file commands (`cp -r data/failures …`) read the kit's data.
      try FileManager.default.createSymbolicLink(
        atPath: sandbox + "/data", withDestinationPath: FileManager.default.currentDirectoryPath + "/data")
    } catch {
      Terminal.say(Terminal.red("  ✗ ") + "README commands: could not make the sandbox \(sandbox): \(error)")
      return 1
    }
    Terminal.say(
      Terminal.dim(
        """
          running the \(commands.count) commands of the exercises' READMEs as written, against the solutions:
            make's commands in the package folder with their state and workspace/ in \(sandbox) (make check
            must pass; a pipeline may fail its tasks without the servers the README starts by hand, but not
            refuse its command line or crash), and file commands (mkdir, printf, cp, rm) in that folder…
        """))
    var failed = 0
    var ran = 0
    for command in commands {
      let outcome: Shell.Outcome
      switch command.kind {
      case .skipped(let reason):
        Terminal.say(Terminal.dim("  - skipped \(command.place): \(command.text)\n      (it \(reason))"))
        continue
      case .setup:
        outcome = Shell.capture(["sh", "-c", command.text], in: sandbox, timeLimit: 60)
      case .make:
        // A `make test N=3` must not hand its variables down to the README's make.
        let clean = ["MAKEFLAGS": "", "MFLAGS": "", "MAKELEVEL": "0", Sandbox.variable: sandbox]
        outcome = Shell.capture(["sh", "-c", command.text], environment: clean, timeLimit: 300)
      }
      ran += 1
      let problem =
        outcome.timedOut
        ? "it did not end within its time limit"
        : ReadmeCommands.problem(with: command, status: outcome.status, output: outcome.output)
      guard let problem else { continue }
      failed += 1
      let tail = outcome.output.split(separator: "\n").suffix(8).map { "| " + $0 }.joined(separator: "\n")
      Terminal.say(Terminal.red("  ✗ ") + "\(command.place): \(command.text)")
      Terminal.say(Check.indent(Check.indent("\(problem); its output ends:\n" + tail)))
    }
    if failed == 0 {
      Terminal.say(Terminal.green("  ✓ ") + "README commands: the \(ran) run work as written")
    }
    return failed
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
