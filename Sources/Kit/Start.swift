import Foundation

/// `make` / `make start`: shows the welcome and the progress table. Suites run only for exercises
/// whose files changed since their last verdict; untouched exercises are "not started". When no
/// suite has to run (a fresh clone), the table comes first and the build after it, so a new learner
/// reads what to do while the first build runs.
enum Start {
  static func run() {
    let exercises = Exercise.all()
    Terminal.say(Terminal.bold("Welcome to BatchData: batch data pipelines in Swift, with Plumb."))
    Terminal.say("Each exercise is a folder in Exercises/: read its README.md, edit the files where it says TODO,")
    Terminal.say("and check your work.")
    Terminal.say()
    var progress = Progress.load()
    let stale = exercises.filter { progress.verdict(of: $0) == nil && $0.isUntouched != true }
    guard !stale.isEmpty else {
      table(exercises, progress: progress)
      buildAhead(next: exercises.first { progress.verdict(of: $0)?.state != .done })
      return
    }
    var grader = Grader(timeLimit: Grader.learnerTimeLimit)
    let build = Terminal.showingElapsed("Building…") { grader.buildLeavingOutBroken(keeping: nil) }
    for (broken, errors) in grader.leftOut {
      progress.record(.doesNotCompile, for: broken, note: errors.problems.first?.message ?? "")
    }
    if let build {
      Terminal.say(Terminal.red("The build failed:"))
      Terminal.say(build.describe())
      Terminal.say()
    } else {
      let checked = stale.filter { exercise in !grader.leftOut.contains { $0.exercise.number == exercise.number } }
      let reports = Terminal.showingElapsed("Checking the exercises you changed…") { grader.testEach(checked) }
      for exercise in checked {
        guard let report = reports[exercise.number] else { continue }
        let verdict = Grader.verdict(of: exercise, in: report)
        progress.record(verdict.state, for: exercise, note: verdict.note)
      }
    }
    progress.save()
    table(exercises, progress: progress)
  }

  /// Builds Plumb, the exercises and their suites once, after the table, so that the first
  /// `make check` takes seconds. It says what it is doing while it runs; Ctrl-C only moves the
  /// work to that first check.
  private static func buildAhead(next: Exercise?) {
    guard !FileManager.default.fileExists(atPath: ".build/debug/BatchDataPackageTests.xctest") else { return }
    Terminal.say()
    Terminal.say(Terminal.dim("Building Plumb, the exercises and their checks (about half a minute, once only),"))
    Terminal.say(Terminal.dim("so that your checks take seconds. Read the exercise's README meanwhile."))
    Terminal.say(Terminal.dim("Ctrl-C is safe: the first check then builds what is left."))
    if let failure = Terminal.showingElapsed("Building…", { Grader().build() }) {
      Terminal.say(Terminal.red("The build failed:"))
      Terminal.say(failure.describe())
    } else {
      Terminal.say(Terminal.dim("Built." + (next.map { " Next: make check N=\($0.number)" } ?? "")))
    }
  }

  /// `watching`: shown by the l key of `make watch`, where a save checks, not a command.
  static func table(_ exercises: [Exercise], progress: Progress, watching: Bool = false) {
    var next: Exercise?
    let width = max(16, exercises.map(\.title.count).max() ?? 0)
    Terminal.say(Terminal.bold("  #  " + "Exercise".padding(toLength: width, withPad: " ", startingAt: 0) + "  Status"))
    for exercise in exercises {
      let verdict = progress.verdict(of: exercise)
      let status: String
      switch (verdict?.state, exercise.isUntouched) {
      case (.done?, _): status = Terminal.green("✓ done")
      case (.doesNotCompile?, _): status = Terminal.red("✗ does not compile: \(verdict?.note ?? "")")
      case (_, true?): status = "· not started"
      case (.failing?, _): status = Terminal.yellow("✗ in progress: \(verdict?.note ?? "")")
      case (.notDone?, _): status = Terminal.yellow("✗ in progress: still throws NotImplemented (a TODO is left)")
      case (nil, _): status = "? changed since the last check"
      }
      let isNext = next == nil && verdict?.state != .done
      if isNext { next = exercise }
      let marker = isNext ? "▶" : " "
      let title = exercise.title.padding(toLength: width, withPad: " ", startingAt: 0)
      Terminal.say("\(marker) \(String(exercise.number).leftPadded(to: 2)) \(title)  \(shorten(status))")
    }
    Terminal.say()
    if let next {
      Terminal.say(Terminal.bold("Next: exercise \(next.number), \(next.title)."))
      Terminal.say(
        "  Read \(next.readmePath), edit \(next.filesToEdit.map { "\(next.path)/\($0)" }.joined(separator: ", ")),")
      Terminal.say(
        watching
          ? "  then save: this watch checks the exercise it watches on every save (n moves on to the next)"
          : "  then: make check N=\(next.number)   (or make watch N=\(next.number) to re-check on every save)")
    } else {
      Terminal.say(
        Terminal.green("All exercises pass. Well done!") + " Compare with the solutions: make solution N=1 …")
    }
    Terminal.say(
      Terminal.dim("  Other commands: make hint N=…, make solution N=…, make run N=… ARGS='…', make reset N=…"))
  }

  private static func shorten(_ text: String) -> String {
    text.count > 110 ? String(text.prefix(107)) + "…" : text
  }
}

extension String {
  func leftPadded(to width: Int) -> String {
    String(repeating: " ", count: max(0, width - count)) + self
  }
}
