import Foundation

/// The small commands: solution, reset and run.
enum Commands {
  /// `make solution N=4`: the difference between the learner's files and the solution's, file by file.
  static func solution(_ exercise: Exercise) -> Int32 {
    if Progress.load().verdict(of: exercise)?.state != .done {
      Terminal.say(
        Terminal.yellow("! Exercise \(exercise.number) has not passed yet: what follows gives its solution away.")
          + " To solve it yourself first: make hint N=\(exercise.number), then make check N=\(exercise.number).")
    }
    Terminal.say(
      Terminal.bold("Your files (-) against the solution (+), exercise \(exercise.number), \(exercise.title):"))
    let colour = Terminal.usesColour ? "--color=always" : "--color=never"
    var same = true
    for file in Set(exercise.sourceFiles + Exercise.swiftFiles(in: exercise.solutionPath)).sorted() {
      let yours = "\(exercise.path)/\(file)"
      let solution = "\(exercise.solutionPath)/\(file)"
      let status = Shell.run(["diff", "-uN", colour, "--label", yours, "--label", solution, yours, solution])
      if status > 1 { return status }
      same = same && status == 0
    }
    if same { Terminal.say(Terminal.green("Your files are the same as the solution.")) }
    return 0
  }

  /// `make reset N=4`: puts back the committed stub, keeping the learner's files in `.kit/backup`.
  static func reset(_ exercise: Exercise) -> Int32 {
    // A second reset must not back up the stub over the learner's work: the first backup stays the one to name.
    if exercise.isUntouched == true {
      Hints.startOver(exercise)
      Terminal.say(
        "Exercise \(exercise.number) is already its stub, so there was nothing to keep; its hints start again from the first."
      )
      if let earlier = latestBackup(of: exercise) {
        Terminal.say(
          "  Your files from before the last reset are in \(earlier); to get them back: cp -R \(earlier)/. \(exercise.path)/"
        )
      }
      return 0
    }
    let stamp = ISO8601DateFormatter().string(from: Date()).replacingOccurrences(of: ":", with: "-")
    let backup = "\(Sandbox.state)/backup/\(exercise.folder)-\(stamp)"
    do {
      try FileManager.default.createDirectory(atPath: "\(Sandbox.state)/backup", withIntermediateDirectories: true)
      try FileManager.default.copyItem(atPath: exercise.path, toPath: backup)
    } catch {
      Terminal.error(
        "could not keep a copy of \(exercise.path) in \(backup): \(error.localizedDescription); nothing was reset")
      return 1
    }
    let restore = Shell.capture(["git", "checkout", "HEAD", "--", exercise.path])
    let clean = Shell.capture(["git", "clean", "-fdq", "--", exercise.path])
    guard restore.succeeded, clean.succeeded else {
      Terminal.error(
        "could not restore \(exercise.path) from git: \((restore.output + clean.output).trimmingCharacters(in: .whitespacesAndNewlines))"
      )
      return 1
    }
    Hints.startOver(exercise)
    Terminal.say(
      "Exercise \(exercise.number) is back to its stub, and its hints start again from the first. Your files are kept in \(backup)."
    )
    Terminal.say("  To get them back: cp -R \(backup)/. \(exercise.path)/")
    return 0
  }

  /// The newest folder `reset` kept for `exercise` (the stamps in the names sort by time).
  private static func latestBackup(of exercise: Exercise) -> String? {
    let folder = "\(Sandbox.state)/backup"
    let names = (try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? []
    return names.filter { $0.hasPrefix(exercise.folder + "-") }.sorted().last.map { "\(folder)/\($0)" }
  }

  /// `make run N=4 ARGS='TopSongs --tld rs'`: runs the exercise's pipeline in workspace/4-dependencies.
  static func run(_ exercise: Exercise, arguments: [String]) -> Int32 {
    // The pipeline runs without the venv; the README's steps with the server need it.
    for problem in ServerVenv.install(for: exercise) { Terminal.say(Terminal.yellow("! ") + problem) }
    var grader = Sandbox.grader()
    let problems = Terminal.showingElapsed("Building…") {
      grader.buildLeavingOutBroken(keeping: exercise, product: "pipelines")
    }
    var progress = Progress.load()
    Check.reportLeftOut(grader.leftOut, checking: exercise, progress: &progress)
    if let problems {
      Check.reportBuildFailure(problems, checking: exercise, progress: &progress)
    }
    progress.save()
    guard problems == nil else { return 1 }
    let folder = "\(Sandbox.workspace)/\(exercise.folder)"
    try? FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    let root = FileManager.default.currentDirectoryPath
    let binary = root + "/" + grader.binFolder + "/pipelines"
    // A crash's backtrace goes to a file, read below for the learner's line, instead of
    // filling the terminal with eighty lines.
    let state = Sandbox.state.hasPrefix("/") ? Sandbox.state : root + "/" + Sandbox.state
    let backtrace = state + "/crash-backtrace.txt"
    try? FileManager.default.createDirectory(atPath: state, withIntermediateDirectories: true)
    try? FileManager.default.removeItem(atPath: backtrace)
    Terminal.say(Terminal.dim("Running in \(folder): \(arguments.joined(separator: " "))"))
    let code = Shell.run(
      [binary, String(exercise.number)] + arguments,
      environment: ["SWIFT_BACKTRACE": Crash.backtraceSettings + ",output-to=\(backtrace)"], in: folder,
      handingOnStop: true, showingLines: Crash.isNotRuntimeNoise)
    let signal = code - 128
    if [2, 9, 15].contains(signal) {
      Terminal.say(
        Terminal.dim("The pipeline was stopped (signal \(signal)\(signal == 2 ? ", Ctrl-C" : "")) before it finished."))
    } else if code > 128 {
      let text = (try? String(contentsOfFile: backtrace, encoding: .utf8)) ?? ""
      let crash = Crash(output: text.split(separator: "\n").map(String.init))
      let kind = [4, 5].contains(signal) ? "signal \(signal): a Swift runtime trap" : "signal \(signal)"
      Terminal.say(Terminal.red("✗ Your code crashed (\(kind))" + (crash.place.map { " at \($0)" } ?? "") + "."))
      Terminal.say("  next: " + crash.advice + "; then make check N=\(exercise.number)")
    } else if code != 0 {
      // The exit code is the pipeline's answer (30: a task failed, 20: missing data, …), not a kit error.
      Terminal.say(
        Terminal.dim(
          "The pipeline exited with code \(code) (`make run N=\(exercise.number) ARGS=--help` lists what each code means)."
        ))
    }
    return code
  }
}
