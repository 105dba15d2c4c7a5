import Foundation

/// `make check N=4`: builds, runs exercise 4's suite, and prints a short verdict: the first failure's
/// message and what to type next, instead of pages of XCTest output.
enum Check {
  /// Checks `exercise`, prints the verdict, remembers it, and returns whether it passed.
  /// `watching` leaves out the advice to use `make watch` and, after a pass, the next exercise: for a
  /// check that `make watch` started, which says itself where it goes next.
  @discardableResult
  static func run(_ exercise: Exercise, watching: Bool = false) -> Bool {
    var progress = Progress.load()
    defer { progress.save() }
    let installProblems = ServerVenv.install(for: exercise)
    for problem in installProblems { Terminal.say(Terminal.red("✗ ") + problem) }
    var grader = Sandbox.grader(timeLimit: Grader.learnerTimeLimit)
    let problems = Terminal.showingElapsed("Building…") { grader.buildLeavingOutBroken(keeping: exercise) }
    reportLeftOut(grader.leftOut, checking: exercise, progress: &progress)
    if let problems {
      reportBuildFailure(problems, checking: exercise, progress: &progress)
      return false
    }
    let report = Terminal.showingElapsed(
      "Running exercise \(exercise.number)'s checks (a check still running at \(Grader.learnerTimeLimit) s is stopped)…"
    ) { grader.testCompletely(exercise) }
    let verdict = ServerVenv.verdict(Grader.verdict(of: exercise, in: report), installProblems: installProblems)
    progress.record(verdict.state, for: exercise, note: verdict.note)
    // Saved before anything is printed: output cut short (`| head`) must not lose the verdict.
    progress.save()
    let cases = report.cases(of: exercise.suiteName)
    let name = "Exercise \(exercise.number), \(exercise.title)"
    if verdict.state == .done {
      Terminal.say(Terminal.green("✓ \(name): all \(cases.count) checks pass."))
      Terminal.say("  Compare with the solution: make solution N=\(exercise.number)")
      // `make watch` moves on to the next exercise itself, and says so.
      guard !watching else { return true }
      if let next = Exercise.nextToDo(after: exercise) {
        Terminal.say(
          "  Next: exercise \(next.number), \(next.title). Read \(next.readmePath), then: make check N=\(next.number)")
      } else {
        Terminal.say("  Every exercise passes. Well done!")
      }
      return true
    }
    let failed = cases.filter { $0.passed != true }.count
    let first = report.firstFailure(of: exercise.suiteName, order: exercise.declaredChecks)
    // After a hang the checks that were to follow never ran, so a count would mislead.
    let count =
      report.timedOut ? " A check did not finish." : failed == 0 ? "" : " \(failed) of \(cases.count) checks fail."
    Terminal.say(Terminal.red("✗ \(name):\(count)") + (first.map { " The first (\($0.test)):" } ?? ""))
    Terminal.say()
    Terminal.say(indent(first?.message ?? verdict.note))
    Terminal.say()
    Terminal.say(
      "  Stuck? make hint N=\(exercise.number)"
        + (watching ? "" : "    Re-check on every save: make watch N=\(exercise.number)"))
    return false
  }

  /// Says, in two lines each, which other exercises do not compile and were left out of the build
  /// so that `exercise` could be checked or run, and remembers their state.
  static func reportLeftOut(
    _ leftOut: [(exercise: Exercise, errors: BuildReport)], checking exercise: Exercise, progress: inout Progress
  ) {
    for (other, errors) in leftOut {
      progress.record(.doesNotCompile, for: other, note: errors.problems.first?.message ?? "")
      Terminal.say(
        Terminal.yellow("! Exercise \(other.number) does not compile, so exercise \(exercise.number) goes without it")
          + " (make check N=\(other.number) shows the error):")
      if let first = errors.problems.first {
        Terminal.say(Terminal.dim("  \(first.file):\(first.line): \(first.message)"))
      }
    }
  }

  /// Says which exercise does not compile and where, in a few lines, and remembers it.
  static func reportBuildFailure(_ build: BuildReport, checking exercise: Exercise, progress: inout Progress) {
    let broken = build.exerciseFolder.flatMap { folder in Exercise.all().first { $0.folder == folder } }
    if let broken {
      progress.record(.doesNotCompile, for: broken, note: build.problems.first?.message ?? "")
    }
    switch broken {
    case .some:
      Terminal.say(Terminal.red("✗ Exercise \(exercise.number) does not compile:"))
      Terminal.say(build.describe())
      Terminal.say()
      Terminal.say(
        "  Fix the error above, then: make check N=\(exercise.number)    Stuck? make hint N=\(exercise.number)")
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

/// `make watch N=4`: checks, then checks again whenever a file of the exercise changes; after a
/// pass, watches the next exercise that is not done. On a terminal each verdict replaces the last
/// one, and single keys ask for a hint, the next exercise, the list, or quit; elsewhere (a log, an
/// editor's panel) a line with the time separates the verdicts.
enum Watch {
  private static let clock: DateFormatter = {
    let formatter = DateFormatter()
    formatter.dateFormat = "HH:mm:ss"
    return formatter
  }()

  private enum Event {
    case change
    case key(Character)
  }

  static func run(_ first: Exercise) -> Never {
    let hasKeys = Keyboard.start()
    let help = hasKeys ? "Keys: h hint · n next exercise · l list · q quit" : "Ctrl-C to stop."
    var exercise = first
    var heading: String?
    var round = 0
    while true {
      let time = clock.string(from: Date())
      if Terminal.isInteractive {
        Terminal.clearScreen()
      } else if round > 0 {
        Terminal.say("\n" + Terminal.dim("──── \(time) " + String(repeating: "─", count: 60)))
      }
      round += 1
      if let heading { Terminal.say(Terminal.bold(heading)) }
      var checked = exercise.fingerprint
      if Check.run(exercise, watching: true) {
        if let next = Exercise.nextToDo(after: exercise) {
          // Not checked yet: its verdict would replace the pass on the screen.
          Terminal.say(
            Terminal.green("\nOn to exercise \(next.number), \(next.title).")
              + " Read \(next.readmePath) and edit its files: each save checks it.")
          exercise = next
          checked = exercise.fingerprint
        } else {
          Terminal.say(Terminal.green("\nAll exercises pass. Well done!"))
        }
      }
      Terminal.say(Terminal.dim("\nChecked at \(time). Watching \(exercise.path) for changes. \(help)"))
      waiting: while true {
        switch nextEvent(watching: exercise, since: checked, keys: hasKeys) {
        case .change:
          heading = "Change seen, checking exercise \(exercise.number) again…"
          break waiting
        case .key("h"):
          Terminal.say()
          _ = Hints.run(exercise, all: false, watching: true)
        case .key("n"):
          guard let next = Exercise.nextToDo(after: exercise) else {
            Terminal.say("\nNo other exercise is left to do.")
            continue
          }
          exercise = next
          heading = "Exercise \(next.number), \(next.title): read \(next.readmePath)"
          break waiting
        case .key("l"):
          Terminal.say()
          Start.table(Exercise.all(), progress: Progress.load(), watching: true)
        case .key:
          continue
        }
        Terminal.say(Terminal.dim("\nWatching \(exercise.path) for changes. \(help)"))
      }
    }
  }

  /// Waits for a change to the exercise's files since the fingerprint `checked`, or for a key.
  private static func nextEvent(watching exercise: Exercise, since checked: String, keys: Bool) -> Event {
    // Polling twice a second is cheap and sees every save, whatever the editor or file system.
    while exercise.fingerprint == checked {
      if !keys {
        Thread.sleep(forTimeInterval: 0.5)
      } else if let key = Keyboard.key(within: 0.5) {
        return .key(key)
      }
    }
    // Editors often save in several steps: wait until the files stop changing.
    var seen: String
    repeat {
      seen = exercise.fingerprint
      Thread.sleep(forTimeInterval: 0.2)
    } while exercise.fingerprint != seen
    return .change
  }
}
