import Foundation
import PlumbBuild
import PlumbCore
import PlumbLuigid
import PlumbReporting
import PlumbSchedules
import PlumbWorkers

/// A pipeline executable's command line, as Luigi's: name a task and its parameters, and the task
/// runs with everything it requires that is not complete yet.
///
/// A pipeline's `main.swift` registers the tasks that may be named on the command line:
///
/// ```swift
/// import Plumb
///
/// PipelineCommand(name: "songs", tasks: [TopSongs.self, Producer.self]).main()
/// ```
///
/// ```
/// $ swift run songs TopSongs --tld rs --workers 2
/// $ swift run songs TopSongs --tld rs --Producer-rows 500   # a parameter of every Producer
/// $ swift run songs TopSongs --tld rs --graph graph.html    # and a picture of the run
/// $ swift run songs --help                                  # the tasks and the options
/// $ swift run songs TopSongs --help                         # the task's parameters
/// ```
///
/// Parameter values come, first found wins, from the named task's own flags (`--tld rs`), family
/// flags (`--TopSongs-tld rs`, for every instance), the config file (`[TopSongs] tld = rs` in
/// `plumb.cfg` or `luigi.cfg`), then the declared default. Engine settings come from flags
/// (`--workers`, `--retries`, `--retry-delay`, `--log-level`, `--no-lock`), else from the config
/// file (`[core] workers`, `[scheduler] retry_count`, ...), else from ``RunOptions``' defaults.
///
/// `--graph FILE` writes the run's ``DependencyGraph`` after the summary, in the form the file's
/// extension names: a web page (`.html`), a picture (`.svg`), Graphviz text (`.dot`) or Mermaid
/// text (`.mmd`). A relative path is relative to the working folder.
///
/// After the run the execution summary goes to standard output and the process exits with
/// ``RunResult/exitCode``. A command line that cannot run prints one line to standard error and
/// exits with ``usageErrorExitCode`` (2); a cycle exits with ``ExitCodes/schedulingError``; the
/// same command already running in the same folder exits with ``ExitCodes/alreadyRunning``; a central
/// scheduler (`--scheduler-host`, `--scheduler-port`, `--scheduler-url`) that does not answer exits
/// with ``ExitCodes/schedulerUnreachable`` (45), see ``CentralScheduler``.
///
/// ## Signals and crashes
///
/// Under ``main()``, SIGINT (Ctrl-C), SIGTERM and SIGHUP stop the run rather than the process: no
/// task is started any more, asynchronous tasks are cancelled, and running tasks get
/// ``RunOptions/stopGracePeriod`` seconds (`[core] stop_grace_period`, 5 by default) to end. The
/// summary then lists the tasks that did not finish as pending, says which were interrupted, and
/// the process exits with 128 plus the signal's number, as shells report a command killed by it:
/// 130 for SIGINT, 143 for SIGTERM, 129 for SIGHUP. Temporary files of writes in progress are
/// removed, also those of a task still running when the grace period ran out. A second signal ends
/// the process at once, with the same kind of code and without a summary (temporary files are
/// still removed). Outputs stay atomic throughout, so the next run does only what is missing.
///
/// ```
/// $ songs TopSongs --tld rs --workers 4
/// ^C
/// plumb: SIGINT: stopping; SIGINT again stops at once
/// ...
/// $ echo $?
/// 130
/// ```
///
/// SIGPIPE is ignored: when standard output or error is a pipe whose reader has gone
/// (`songs TopSongs --tld rs | head -1`), the run goes on and exits with its own code.
///
/// A Swift runtime trap in a task (an index out of range, `!` on nil) cannot be caught: it ends the
/// process and every task running in it, with no summary. Outputs stay atomic (a crashed write
/// leaves no final file), so the next run resumes from what is missing. Under ``main()``, standard
/// error gets a line naming the task, `plumb: the run crashed while running TopSongs(tld=rs)`,
/// between the runtime's `Fatal error` line and its backtrace.
public struct PipelineCommand: Sendable {
  /// The exit code for a command line that cannot run as written: an unknown task or parameter,
  /// a missing or malformed value, a bad config file. It is 2, as for other Unix commands.
  public static let usageErrorExitCode: Int32 = 2

  /// The executable's name, used in messages and to tell its runs apart for the process lock.
  public let name: String
  /// The tasks the command line may name, in the order `--help` lists them.
  public let tasks: [any PipelineTask.Type]
  /// How a command with the given arguments is typed, for usage lines and messages.
  public let command: @Sendable (_ arguments: String) -> String
  /// Where scheduled runs (`NAME schedule ...`) and ranges without bounds read the time, and
  /// retry delays are waited on (``RunOptions/clock``); the system's clock unless a test gives a
  /// ``ManualClock``.
  ///
  /// ```swift
  /// var command = PipelineCommand(name: "reports", tasks: [DailyReport.self])
  /// command.clock = ManualClock(now: Day(year: 2024, month: 1, day: 10)!.date)
  /// ```
  public var clock: any ScheduleClock = SystemClock()

  /// A command line for the pipeline called `name` that can run any of `tasks`.
  ///
  /// Register every task whose parameters users may set with `--Family-param`; a family flag
  /// naming an unregistered family is refused as an unknown option.
  ///
  /// `command` says how people type the pipeline with some arguments, where that is not simply the
  /// name followed by them: a workshop's `make` target, say.
  ///
  /// ```swift
  /// PipelineCommand(name: "exercise4", tasks: [TopSongs.self]) { "make run N=4 ARGS='\($0)'" }
  /// ```
  public init(
    name: String, tasks: [any PipelineTask.Type], command: (@Sendable (_ arguments: String) -> String)? = nil
  ) {
    self.name = name
    self.tasks = tasks
    self.command = command ?? { "\(name) \($0)" }
  }

  /// Parses CommandLine.arguments (dropping the program name), runs, prints, and exits with the
  /// code; stops the run on SIGINT, SIGTERM and SIGHUP and names a crashing task (see "Signals and
  /// crashes" in ``PipelineCommand``).
  ///
  /// ```swift
  /// PipelineCommand(name: "songs", tasks: [TopSongs.self]).main()
  /// ```
  public func main() -> Never {
    main(arguments: Array(CommandLine.arguments.dropFirst()))
  }

  /// Runs `arguments` (the words after the program name) as ``main()`` runs the process's own,
  /// handling signals and crashes the same way, and exits with the code.
  ///
  /// ```swift
  /// var arguments = Array(CommandLine.arguments.dropFirst())
  /// let exercise = arguments.removeFirst()
  /// PipelineCommand(name: "exercise\(exercise)", tasks: tasks).main(arguments: arguments)
  /// ```
  public func main(arguments: [String]) -> Never {
    let stop = RunStop()
    let signals = StopSignals(stop: stop)
    CrashReport.install()
    let code = run(
      arguments: arguments, environment: ProcessInfo.processInfo.environment, standardOutput: { print($0) },
      standardError: { StandardStream.error.write($0 + "\n") }, stop: stop, signals: signals)
    exit(signals.exitCode ?? code)
  }

  /// Runs one invocation; returns the exit code. Used by main() and by tests/other tools.
  ///
  /// ```swift
  /// var lines: [String] = []
  /// let code = PipelineCommand(name: "songs", tasks: [TopSongs.self])
  ///     .run(arguments: ["TopSongs", "--tld", "rs"], workingDirectory: folder, standardOutput: { lines.append($0) })
  /// ```
  ///
  /// - Parameters:
  ///   - arguments: The words after the program name.
  ///   - workingDirectory: Where relative targets and the config file are; `nil` for the current folder.
  ///   - environment: Where `PLUMB_CONFIG_PATH`, `LUIGI_CONFIG_PATH`, `${NAME}` in the config, and
  ///     `TMPDIR` (for the lock file) are looked up.
  ///   - standardOutput: Receives the execution summary or the help text.
  ///   - standardError: Receives log lines and error messages, one line per call, one call at a time.
  ///     It is not called after `run` returns.
  ///   - stop: Stops the run early when requested (see ``RunStop``); the summary is still printed,
  ///     and the exit code is the run's (``ExitCodes/notRun`` when tasks were left undone).
  /// - Returns: The exit code: 0 when everything asked for is complete.
  public func run(
    arguments: [String], workingDirectory: String? = nil,
    environment: [String: String] = ProcessInfo.processInfo.environment,
    standardOutput: (String) -> Void = { print($0) },
    standardError: (String) -> Void = { StandardStream.error.write($0 + "\n") },
    stop: RunStop? = nil
  ) -> Int32 {
    run(
      arguments: arguments, workingDirectory: workingDirectory, environment: environment,
      standardOutput: standardOutput,
      standardError: standardError, stop: stop, signals: nil)
  }

  /// ``run(arguments:workingDirectory:environment:standardOutput:standardError:stop:)`` for
  /// ``main(arguments:)``, whose `signals` the run's configuration may ask to leave SIGUSR1 alone.
  private func run(
    arguments: [String], workingDirectory: String? = nil, environment: [String: String],
    standardOutput: (String) -> Void, standardError: (String) -> Void, stop: RunStop?, signals: StopSignals?
  ) -> Int32 {
    withoutActuallyEscaping(standardError) { standardError in
      let errors = LineSink(standardError)
      defer { errors.close() }
      return execute(
        arguments, directory: workingDirectory ?? FileManager.default.currentDirectoryPath, environment: environment,
        standardOutput: standardOutput, standardError: errors, stop: stop, signals: signals)
    }
  }

  private func execute(
    _ arguments: [String], directory: String, environment: [String: String], standardOutput: (String) -> Void,
    standardError: LineSink, stop: RunStop?, signals: StopSignals?
  ) -> Int32 {
    if let clash = familyClash() {
      standardError(message(for: clash))
      return exitCode(for: clash, codes: ExitCodes())
    }
    var parser = InvocationParser(command: command, tasks: namableTasks)
    var invocation: Invocation
    // `NAME schedule TASK --cron ... --start ...`: the schedule's flags first, then the rest as usual.
    var scheduling: ScheduleInvocation?
    do {
      var words = arguments
      if words.first == ScheduleInvocation.command, !words.dropFirst().contains(where: { $0 == "--help" || $0 == "-h" })
      {
        let (schedule, rest) = try ScheduleInvocation.extract(from: Array(words.dropFirst()))
        scheduling = schedule
        words = rest
      } else if words.first == ScheduleInvocation.command {
        words.removeFirst()
      }
      invocation = try parser.parse(words)
      if let task = invocation.task, !invocation.wantsHelp { invocation.task = try binding(task) }
    } catch {
      // Someone asking for help gets it, even with a mistake elsewhere on the line, unless the
      // mistake is the task's name: then the error lists the tasks.
      let asksForHelp = arguments.contains { $0 == "--help" || $0 == "-h" }
      let misnamedTask: Bool
      if case CommandLineError.unknownTask = error { misnamedTask = true } else { misnamedTask = false }
      guard asksForHelp, !misnamedTask else {
        standardError(message(for: error))
        return error is PipelineError ? exitCode(for: error, codes: ExitCodes()) : Self.usageErrorExitCode
      }
      standardOutput(help(for: parser.invocation.task))
      return 0
    }
    if invocation.wantsHelp {
      standardOutput(help(for: invocation.task))
      return 0
    }
    var exitCodes = ExitCodes()
    do {
      let configuration = try Configuration.load(in: directory, environment: environment)
      if try invocation.leavesSIGUSR1 || configuration.leavesSIGUSR1() { signals?.leaveSIGUSR1() }
      // An assistant needs no task: it runs what luigid hands it.
      guard try invocation.task != nil || scheduling == nil && (invocation.isAssistant || configuration.isAssistant())
      else {
        throw CommandLineError.noTask(usage: command("TASK [--PARAMETER VALUE ...]"), known: tasks.map { $0.family })
      }
      var options = RunOptions(invocation: invocation, configuration: configuration, workingDirectory: directory)
      options.assistantTasks = tasks
      // `--workers 0` leaves the running to other workers: there are none without luigid.
      if invocation.workers == 0, case .local = try options.completed(with: configuration).scheduler {
        throw CommandLineError.invalidValue(
          flag: "--workers", value: "0",
          expected: "a whole number from 1 to \(RunOptions.maximumWorkers), or 0 with luigid")
      }
      exitCodes = try ExitCodes(configuration: configuration)
      options.logSink = { standardError($0) }
      options.stop = stop
      options.clock = clock
      var lock: ProcessLock?
      if !invocation.noLock, try !configuration.noLock() {
        let path = ProcessLock.path(
          program: name, directory: directory, arguments: arguments, environment: environment)
        lock = try ProcessLock.acquire(path: path, program: name)
      }
      defer { lock?.release() }
      if let scheduling, let task = invocation.task {
        return try runScheduled(
          scheduling, task: task, options: options, stop: stop, standardOutput: standardOutput,
          standardError: standardError)
      }
      let result = try build(invocation.task.map { [$0] } ?? [], options: options)
      // Luigi's leading newline moves the frame off its log line's `INFO: ` prefix; the summary is
      // printed here on its own, unprefixed, so it starts at the frame and ends with it.
      standardOutput(result.summary.trimmingCharacters(in: .newlines))
      if let graph = invocation.graph {
        // The graph is a by-product: failing to write it is reported but leaves the run's exit code.
        do {
          try graph.write(result, directory: directory)
        } catch {
          standardError("\(name): error: cannot write the graph: \(error.oneLineDescription)")
        }
      }
      return result.exitCode
    } catch {
      standardError(message(for: error))
      return exitCode(for: error, codes: exitCodes)
    }
  }

  /// Two registered task types with the same family: the command line could name only the first,
  /// and a family flag would set both.
  private func familyClash() -> PipelineError? {
    var seen: [String: any PipelineTask.Type] = [:]
    for type in tasks {
      if let known = seen[type.family], ObjectIdentifier(known) != ObjectIdentifier(type) {
        return .typeClash(type.family, known, type)
      }
      seen[type.family] = type
    }
    return nil
  }

  private func help(for task: (any PipelineTask)?) -> String {
    guard let task else { return CommandHelp.overview(command: command, tasks: tasks) }
    return CommandHelp.task(type(of: task), command: command)
  }

  /// Every error the command line reports, as the one line it prints.
  private func message(for error: any Error) -> String {
    "\(name): error: \(error.oneLineDescription)"
  }

  private func exitCode(for error: any Error, codes: ExitCodes) -> Int32 {
    switch error {
    case CommandLineError.alreadyRunning: return codes.alreadyRunning
    case CommandLineError.lockUnavailable: return codes.unhandledException
    case is CommandLineError, is ParameterError, is ConfigurationError, is ScheduleError, is ForceError:
      return Self.usageErrorExitCode
    case is PipelineError: return codes.schedulingError
    case CentralSchedulerError.assistantWithoutCentralScheduler: return Self.usageErrorExitCode
    case is CentralSchedulerError: return codes.schedulerUnreachable
    default: return codes.unhandledException
    }
  }
}
