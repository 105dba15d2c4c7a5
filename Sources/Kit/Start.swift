import Foundation

/// `make` / `make start`: builds, then shows the welcome and the progress table. Suites run only for
/// exercises whose files changed since their last verdict; untouched exercises are "not started".
enum Start {
  static func run() {
    let exercises = Exercise.all()
    Terminal.say(Terminal.bold("Welcome to BatchData: batch data pipelines in Swift, with Plumb."))
    Terminal.say("Each exercise is a folder in Exercises/: read its README.md, edit the files where it says TODO,")
    Terminal.say("and check your work.")
    Terminal.say()
    // The first build is the one that takes long; later ones only compile what changed.
    let firstBuild = !FileManager.default.fileExists(atPath: ".build/debug/BatchDataPackageTests.xctest")
    Terminal.say(
      Terminal.dim(
        "Building…" + (firstBuild ? " (the first build takes about half a minute; later ones take seconds)" : "")))
    var progress = Progress.load()
    let grader = Grader(timeLimit: Grader.learnerTimeLimit)
    let build = grader.build()
    if let build {
      let broken = build.exerciseFolder.flatMap { folder in exercises.first { $0.folder == folder } }
      if let broken {
        progress.record(.doesNotCompile, for: broken, note: build.problems.first?.message ?? "")
        Terminal.say(Terminal.red("Exercise \(broken.number) does not compile:"))
      } else {
        Terminal.say(Terminal.red("The build failed:"))
      }
      Terminal.say(build.describe())
      Terminal.say()
    } else {
      let stale = exercises.filter { progress.verdict(of: $0) == nil && $0.isUntouched != true }
      if !stale.isEmpty {
        let reports = grader.testEach(stale)
        for exercise in stale {
          guard let report = reports[exercise.number] else { continue }
          let verdict = Grader.verdict(of: exercise, in: report)
          progress.record(verdict.state, for: exercise, note: verdict.note)
        }
      }
    }
    progress.save()
    table(exercises, progress: progress)
  }

  static func table(_ exercises: [Exercise], progress: Progress) {
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
      Terminal.say("  then: make check N=\(next.number)   (or make watch N=\(next.number) to re-check on every save)")
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
