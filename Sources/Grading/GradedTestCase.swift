import Foundation
import Plumb
import PlumbTestSupport
import XCTest

/// The base of every graded suite: a fresh workspace per test, running the learner's tasks through
/// Plumb there, and checks whose failures say what was expected, what was found and what to do next.
///
/// ```swift
/// final class Exercise1Tests: GradedTestCase {
///   override var exerciseNumber: Int { 1 }
///
///   func testHelloPrintsHelloWorld() {
///     guard let run = run(Hello()) else { return }
///     expectPrinted(run, "Hello World\n", next: "print it in \(todo("Hello.run()", in: "Hello.swift"))")
///   }
/// }
/// ```
///
/// Each check returns whether it passed, so a test can stop at the first failure instead of
/// piling up consequences of it.
open class GradedTestCase: XCTestCase {
  /// The number of the exercise this suite grades; every suite overrides it.
  open var exerciseNumber: Int { 0 }

  /// The exercise's folder, for messages.
  public var exercise: ExerciseInfo { ExerciseInfo(number: exerciseNumber) }

  /// This test's own empty folder, removed after the test. Relative output paths land here.
  public private(set) var workspace: TemporaryFolder!

  override open func setUpWithError() throws {
    try super.setUpWithError()
    workspace = try TemporaryFolder(removedAfter: self)
  }

  // MARK: - Running

  /// Runs `tasks` in the workspace, as `build` would, and returns what happened.
  ///
  /// Returns `nil`, after recording a failure, when a task is not written yet (it threw
  /// ``NotImplemented``) or when the run stopped before any task ran (a missing parameter, a cycle).
  public func run(_ tasks: any PipelineTask..., file: StaticString = #filePath, line: UInt = #line) -> PipelineRun? {
    run(tasks, file: file, line: line)
  }

  /// Runs `tasks` in the workspace; see ``run(_:file:line:)-(any PipelineTask...,_,_)``. `configure`
  /// changes the run's options after the suite's own, as a command-line flag would (`--workers 4`).
  ///
  /// ```swift
  /// run([Assemble()]) { options in options.workers = 4 }
  /// ```
  public func run(
    _ tasks: [any PipelineTask], file: StaticString = #filePath, line: UInt = #line,
    configure: (inout RunOptions) -> Void = { _ in }
  ) -> PipelineRun? {
    switch execute(tasks, configure: configure) {
    case .failure(let error):
      XCTFail(
        Feedback.message(
          "Running \(names(of: tasks)) stopped before any task ran.", found: "\(error)",
          next: "read the error: it names the task and what it needs"), file: file, line: line)
      return nil
    case .success(let run):
      if let notDone = run.failures.lazy.compactMap({ $0.error as? NotImplemented }).first {
        XCTFail(notDoneMessage(notDone), file: file, line: line)
        return nil
      }
      return run
    }
  }

  /// Runs `tasks` expecting the run to stop before any task runs, and returns the error it stopped with.
  public func runStoppingWithError(
    _ tasks: any PipelineTask..., next: String, file: StaticString = #filePath, line: UInt = #line
  ) -> (any Error)? {
    switch execute(tasks) {
    case .failure(let error):
      return error
    case .success(let run):
      XCTFail(
        Feedback.message(
          "Running \(names(of: tasks)) should stop with an error before any task runs.",
          expected: "an error", found: "it ran:" + Feedback.block(run.summaryBody), next: next),
        file: file, line: line)
      return nil
    }
  }

  private func execute(
    _ tasks: [any PipelineTask], configure: (inout RunOptions) -> Void = { _ in }
  ) -> Result<PipelineRun, any Error> {
    let collector = RunCollector()
    var options = RunOptions()
    options.workingDirectory = workspace.path
    // A suite that writes plumb.cfg into the workspace gets it, as a run from the command line would;
    // the environment is left out so that a learner's PLUMB_CONFIG_PATH cannot change a grade.
    do {
      options.configuration = try Configuration.load(in: workspace.path, environment: [:])
    } catch {
      return .failure(error)
    }
    options.logSink = { line in collector.add(line: line) }
    options.observers.append { event in
      if case .failed(let task, let error) = event { collector.add(failure: error, of: task) }
    }
    configure(&options)
    let (outcome, printed) = inWorkspace {
      capturingStandardOutput { Result { try build(tasks, options: options) } }
    }
    return outcome.map { result in
      PipelineRun(result: result, printed: printed, log: collector.lines, failures: collector.failures)
    }
  }

  /// Runs a command line, as `make run` would, through Plumb's ``PipelineCommand`` in the workspace.
  ///
  /// ```swift
  /// let help = runCommand(["Hello", "--help"], tasks: pipelineTasks)
  /// ```
  ///
  /// `clock` is the time a scheduled run (`schedule ...`) or a range without bounds reads: a
  /// ``ManualClock`` makes a `--forever` run go from interval to interval without waiting.
  public func runCommand(
    _ arguments: [String], tasks: [any PipelineTask.Type], clock: (any ScheduleClock)? = nil
  ) -> CommandRun {
    var output: [String] = []
    var errors: [String] = []
    // Messages show the command as the learner types it for `make run`.
    var command = PipelineCommand(name: "exercise\(exerciseNumber)", tasks: tasks) { [exerciseNumber] in
      "make run N=\(exerciseNumber) ARGS='\($0)'"
    }
    if let clock { command.clock = clock }
    let (code, printed) = inWorkspace {
      capturingStandardOutput {
        command.run(
          arguments: arguments, workingDirectory: workspace.path, environment: [:],
          standardOutput: { output.append($0) }, standardError: { errors.append($0) })
      }
    }
    return CommandRun(exitCode: code, output: output.joined(separator: "\n"), errors: errors, printed: printed)
  }

  /// Runs `body` with the workspace as the process's current folder, as `make run` runs in
  /// `workspace/N-name`: a learner's `write(toFile: "output.txt", …)` then lands in the workspace
  /// the checks look at, not in the kit's root.
  ///
  /// The current folder belongs to the whole process, so runs take turns (XCTest runs one test at
  /// a time anyway) and the folder is put back after each.
  func inWorkspace<Result>(_ body: () throws -> Result) rethrows -> Result {
    try Self.currentFolderLock.withLock {
      let previous = FileManager.default.currentDirectoryPath
      _ = FileManager.default.changeCurrentDirectoryPath(workspace.path)
      defer { _ = FileManager.default.changeCurrentDirectoryPath(previous) }
      return try body()
    }
  }

  private static let currentFolderLock = NSLock()

  /// The message for a stub that is still a stub, naming the line to delete:
  /// "Exercise 4 is not done yet: TopSongs.run() still throws NotImplemented
  /// (Exercises/4-dependencies/TopSongs.swift:19): finish its TODO, then delete that line".
  ///
  /// It says "throws" rather than "has its TODO" because learners often write the code and forget
  /// the `throw` line under it.
  public func notDoneMessage(_ error: NotImplemented) -> String {
    "Exercise \(exerciseNumber) is not done yet: \(error.place) still throws NotImplemented "
      + "(\(ExerciseInfo.displayPath(error.filePath)):\(error.line)): finish its TODO, then delete that line"
  }

  /// The "not done" message when a command line run reached a stub's ``NotImplemented``, read back
  /// from the failure Plumb logged; `nil` when none did.
  public func notDoneMessage(in command: CommandRun) -> String? {
    notDoneMessage(inLog: command.errors)
  }

  /// The "not done" message when the log `lines` of a run (of a pipeline started as a process of
  /// its own, say) report a stub's ``NotImplemented``; `nil` when none does.
  public func notDoneMessage(inLog lines: [String]) -> String? {
    lines.lazy.compactMap(NotImplemented.init(loggedIn:)).first.map(notDoneMessage)
  }

  /// Where the learner works on `place`: "the TODO in TopSongs.run() (Exercises/4-dependencies/TopSongs.swift)".
  public func todo(_ place: String, in file: String) -> String {
    "the TODO in \(place) (\(exercise.path(of: file)))"
  }

  func names(of tasks: [any PipelineTask]) -> String {
    tasks.map { TaskInfo($0).description }.joined(separator: ", ")
  }

  // MARK: - Checks

  /// Checks that no task failed; a failure names the task and its error.
  @discardableResult
  public func expectNoFailures(
    _ run: PipelineRun, next: String, file: StaticString = #filePath, line: UInt = #line
  ) -> Bool {
    guard let failure = run.failures.first else { return true }
    XCTFail(
      Feedback.message(
        "\(failure.task) failed.", expected: "it runs without an error",
        found: run.result.records.first { $0.info == failure.task }?.errorMessage ?? "\(failure.error)", next: next),
      file: file, line: line)
    return false
  }

  /// Checks that `task` ran to the end in `run` (or was already complete); a failure says what the
  /// run reported instead (the task failed, a task it needs failed, its external data is missing),
  /// and `next` gets that reason, so the verdict points at its cause rather than at the missing file.
  @discardableResult
  public func expectDone(
    _ run: PipelineRun, _ task: any PipelineTask, next: (NotDone) -> String, file: StaticString = #filePath,
    line: UInt = #line
  ) -> Bool {
    guard let reason = run.whyNotDone(task) else { return true }
    XCTFail(
      Feedback.message(
        "\(TaskInfo(task)) did not run to the end.", expected: "it runs to the end", found: reason.found,
        next: next(reason)), file: file, line: line)
    return false
  }

  /// Checks what the run's tasks printed.
  @discardableResult
  public func expectPrinted(
    _ run: PipelineRun, _ expected: String, next: String, file: StaticString = #filePath, line: UInt = #line
  ) -> Bool {
    expect(
      run.printed == expected, "The run printed something else.", expected: Feedback.quoted(expected),
      found: Feedback.quoted(run.printed), next: next, file: file, line: line)
  }

  /// Checks the execution summary, compared line by line without its frame.
  @discardableResult
  public func expectSummary(
    _ run: PipelineRun, _ expected: String, next: String, file: StaticString = #filePath, line: UInt = #line
  ) -> Bool {
    // Summaries are short and read as a whole, so they get more room than files.
    let start = Feedback.firstDifferentLine(expected, run.summaryBody).map { max(0, $0 - 2) } ?? 0
    return expect(
      run.summaryBody == expected, "The execution summary is not the expected one.",
      expected: Feedback.block(expected, limit: 14, from: start),
      found: Feedback.block(run.summaryBody, limit: 14, from: start), next: next, file: file, line: line)
  }

  /// Checks that the workspace holds file `name` with exactly `expected` in it.
  ///
  /// When the file is missing, the message lists what the folder has instead (a misspelt name shows
  /// there) rather than the expected contents; a long file shows the lines around the first difference.
  @discardableResult
  public func expectFile(
    _ name: String, holding expected: String, next: String, file: StaticString = #filePath, line: UInt = #line
  ) -> Bool {
    let found = workspace.contents(of: name)
    guard found != expected else { return true }
    let lineCount = expected.split(separator: "\n").count
    guard let found else {
      let short = lineCount <= 3 && expected.count <= 80
      return expectFile(
        name, expected: short ? "\(name) holding \(Feedback.quoted(expected))" : "\(name), \(lineCount) lines",
        next: next, file: file, line: line)
    }
    // Whole lines read best as a block, unless only the final newline differs.
    let differsOnlyAtTheEnd = found.trimmingCharacters(in: .newlines) == expected.trimmingCharacters(in: .newlines)
    let start = Feedback.firstDifferentLine(expected, found).map { max(0, $0 - 2) } ?? 0
    let show = { (text: String) in
      lineCount > 1 && !differsOnlyAtTheEnd ? Feedback.block(text, from: start) : Feedback.quoted(text)
    }
    XCTFail(
      Feedback.message(
        "\(name) does not hold what it should.", expected: show(expected), found: show(found), next: next),
      file: file, line: line)
    return false
  }

  /// Checks that the workspace has file `name`; the failure lists what the folder has instead.
  @discardableResult
  public func expectFile(
    _ name: String, expected: String? = nil, next: String, file: StaticString = #filePath, line: UInt = #line
  ) -> Bool {
    expect(
      workspace.contains(name), "The run did not write \(name).", expected: expected ?? name,
      found: "no file \(name) (the folder has: \(listing()))", next: next, file: file, line: line)
  }

  /// Checks that the workspace has no file `name`.
  @discardableResult
  public func expectNoFile(
    _ name: String, because reason: String, next: String, file: StaticString = #filePath, line: UInt = #line
  ) -> Bool {
    expect(
      !workspace.contains(name), "\(name) should not exist: \(reason).", expected: "no \(name)",
      found: Feedback.quoted(workspace.contents(of: name) ?? ""), next: next, file: file, line: line)
  }

  /// Checks a condition that has no better-suited check, with the kit's message shape.
  @discardableResult
  public func expect(
    _ condition: Bool, _ check: @autoclosure () -> String, expected: @autoclosure () -> String,
    found: @autoclosure () -> String, next: @autoclosure () -> String, file: StaticString = #filePath,
    line: UInt = #line
  ) -> Bool {
    guard !condition else { return true }
    XCTFail(Feedback.message(check(), expected: expected(), found: found(), next: next()), file: file, line: line)
    return false
  }

  private func listing() -> String {
    let files = workspace.listing()
    return files.isEmpty ? "nothing" : files.joined(separator: ", ")
  }
}

/// Collects a run's log lines and failures; observers may call it from worker threads.
private final class RunCollector: @unchecked Sendable {
  private let lock = NSLock()
  private var storedLines: [String] = []
  private var storedFailures: [(task: TaskInfo, error: any Error)] = []

  var lines: [String] { lock.withLock { storedLines } }
  var failures: [(task: TaskInfo, error: any Error)] { lock.withLock { storedFailures } }

  func add(line: String) { lock.withLock { storedLines.append(line) } }
  func add(failure: any Error, of task: TaskInfo) { lock.withLock { storedFailures.append((task, failure)) } }
}
