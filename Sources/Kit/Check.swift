import Foundation

/// `make check N=4`: builds, runs exercise 4's suite, and prints a short verdict: the first failure's
/// message and what to type next, instead of pages of XCTest output.
enum Check {
  /// Checks `exercise`, prints the verdict, remembers it, and returns whether it passed.
  /// `watching` leaves out the advice to use `make watch`, for a check that `make watch` started.
  @discardableResult
  static func run(_ exercise: Exercise, watching: Bool = false) -> Bool {
    var progress = Progress.load()
    defer { progress.save() }
    let grader = Grader(timeLimit: Grader.learnerTimeLimit)
    if let problems = Terminal.showingElapsed("Building…", grader.build) {
      reportBuildFailure(problems, checking: exercise, progress: &progress)
      return false
    }
    let report = Terminal.showingElapsed(
      "Running exercise \(exercise.number)'s checks (a check still running at \(Grader.learnerTimeLimit) s is stopped)…"
    ) { grader.testCompletely(exercise) }
    let verdict = Grader.verdict(of: exercise, in: report)
    progress.record(verdict.state, for: exercise, note: verdict.note)
    let cases = report.cases(of: exercise.suiteName)
    let name = "Exercise \(exercise.number), \(exercise.title)"
    if verdict.state == .done {
      Terminal.say(Terminal.green("✓ \(name): all \(cases.count) checks pass."))
      Terminal.say("  Compare with the solution: make solution N=\(exercise.number)")
      if let next = Exercise.all().first(where: { $0.number > exercise.number }) {
        Terminal.say(
          "  Next: exercise \(next.number), \(next.title). Read \(next.readmePath), then: make check N=\(next.number)")
      } else {
        Terminal.say("  That was the last exercise. Well done!")
      }
      return true
    }
    let failed = cases.filter { $0.passed != true }.count
    let first = report.firstFailure(of: exercise.suiteName, order: exercise.declaredChecks)
    // After a hang the checks that were to follow never ran, so a count would mislead.
    let count =
      report.timedOut ? " A check did not finish." : cases.isEmpty ? "" : " \(failed) of \(cases.count) checks fail."
    Terminal.say(Terminal.red("✗ \(name):\(count)") + (first.map { " The first (\($0.test)):" } ?? ""))
    Terminal.say()
    Terminal.say(indent(first?.message ?? verdict.note))
    Terminal.say()
    Terminal.say(
      "  Stuck? make hint N=\(exercise.number)"
        + (watching ? "" : "    Re-check on every save: make watch N=\(exercise.number)"))
    return false
  }

  /// Says which exercise does not compile and where, in a few lines, and remembers it.
  static func reportBuildFailure(_ build: BuildReport, checking exercise: Exercise, progress: inout Progress) {
    let broken = build.exerciseFolder.flatMap { folder in Exercise.all().first { $0.folder == folder } }
    if let broken {
      progress.record(.doesNotCompile, for: broken, note: build.problems.first?.message ?? "")
    }
    switch broken {
    case .some(let other) where other.number != exercise.number:
      Terminal.say(
        Terminal.red(
          "✗ Exercise \(other.number) does not compile, and all exercises build together, so no suite can run:"))
      Terminal.say(build.describe())
      Terminal.say(
        "  Fix it (or put back its stub with make reset N=\(other.number)), then: make check N=\(exercise.number)")
    case .some:
      Terminal.say(Terminal.red("✗ Exercise \(exercise.number) does not compile:"))
      Terminal.say(build.describe())
      Terminal.say(
        "  Fix the line above, then: make check N=\(exercise.number)    Stuck? make hint N=\(exercise.number)")
    case .none where build.problems.contains(where: { $0.file.hasPrefix("Tests/Exercise") }):
      Terminal.say(Terminal.red("✗ A graded suite does not compile against your code:"))
      Terminal.say(build.describe())
      Terminal.say("  The suites use the names the exercise's README gives (tasks, parameters): keep those names.")
    case .none:
      Terminal.say(Terminal.red("✗ The build failed:"))
      Terminal.say(build.describe())
    }
  }

  static func indent(_ text: String) -> String {
    text.split(separator: "\n", omittingEmptySubsequences: false).map { "  " + $0 }.joined(separator: "\n")
  }
}

/// `make watch N=4`: checks, then checks again whenever a file of the exercise changes. Each
/// verdict replaces the last one on a terminal; elsewhere (a log, an editor's panel) a line with
/// the time separates them.
enum Watch {
  private static let clock: DateFormatter = {
    let formatter = DateFormatter()
    formatter.dateFormat = "HH:mm:ss"
    return formatter
  }()

  static func run(_ exercise: Exercise) -> Never {
    var seen = exercise.fingerprint
    var round = 0
    while true {
      let time = clock.string(from: Date())
      if Terminal.isInteractive {
        Terminal.clearScreen()
      } else if round > 0 {
        Terminal.say("\n" + Terminal.dim("──── \(time) " + String(repeating: "─", count: 60)))
      }
      if round > 0 { Terminal.say(Terminal.bold("Change seen, checking exercise \(exercise.number) again…")) }
      Check.run(exercise, watching: true)
      Terminal.say(Terminal.dim("\nChecked at \(time). Watching \(exercise.path) for changes. Ctrl-C to stop."))
      round += 1
      // Polling twice a second is cheap and sees every save, whatever the editor or file system.
      while exercise.fingerprint == seen {
        Thread.sleep(forTimeInterval: 0.5)
      }
      // Editors often save in several steps: wait until the files stop changing.
      repeat {
        seen = exercise.fingerprint
        Thread.sleep(forTimeInterval: 0.2)
      } while exercise.fingerprint != seen
    }
  }
}
