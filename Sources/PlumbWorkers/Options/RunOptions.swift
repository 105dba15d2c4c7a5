import Foundation
import PlumbCore
import PlumbReporting

/// How a pipeline run goes: workers, retries, where files go, where parameters come from,
/// who is told about events.
///
/// ```swift
/// var options = RunOptions()
/// options.workers = 4
/// options.retries = 2
/// options.observers.append { event in print(event) }
/// let result = try build([TopSongs(tld: "rs")], options: options)
/// ```
///
/// Each engine setting has the value code gives it; a setting code leaves alone comes from the
/// run's config file (`[core] workers`, `[core] log_level`, `[core] no_lock`, `[core] stop_grace_period`, `[scheduler]
/// retry_count` and `retry_delay`, `[worker] retry_external_tasks`, `[retcode]`, `[execution_summary] summary_length`
/// and `show_errors`, `[resources]`), else from Plumb's default. The same holds whether the run starts from the
/// command line (whose flags count as code) or from ``build(_:options:)-6p88s``; `[webhook] url` adds a
/// ``Webhook``'s observers (each failed task, and the end of the run) to both.
public struct RunOptions: Sendable {
  /// The engine settings code has set; `nil` ones come from the config file or the default.
  package struct Settings: Sendable {
    package var workers: Int?
    package var retries: Int?
    package var retryDelay: TimeInterval?
    package var logLevel: LogLevel?
    var locksTasks: Bool?
    var exitCodes: ExitCodes?
    var summaryLength: Int?
    var summaryShowsErrors: Bool?
    var stopGracePeriod: TimeInterval?
    var scheduler: SchedulerChoice?
    var resourceLimits: [String: Int]?
    var isAssistant: Bool?
    var pythonInterpreter: String?
    var retriesExternalTasks: Bool?
  }

  package var settings = Settings()
  /// What the command line said about the scheduler, for ``completed(with:)`` to complete from
  /// the config file when code did not choose one.
  package var schedulerRequest = SchedulerRequest()

  /// The most workers a run uses: each has a thread, and thousands of threads help no pipeline but
  /// can exhaust the system's limit on processes. `--workers` and `[core] workers` refuse more.
  public static let maximumWorkers = 256

  /// How many tasks may be in flight at once, synchronous or asynchronous; 1 by default, at most
  /// ``maximumWorkers`` (a larger number runs with that many, with a warning).
  public var workers: Int {
    get { settings.workers ?? 1 }
    set { settings.workers = newValue }
  }
  /// How many times a failed task is tried again before it counts as failed; 0 by default.
  public var retries: Int {
    get { settings.retries ?? 0 }
    set { settings.retries = newValue }
  }
  /// Seconds to wait before each retry; 0 by default.
  public var retryDelay: TimeInterval {
    get { settings.retryDelay ?? 0 }
    set { settings.retryDelay = newValue }
  }
  /// The retry policy of tasks that declare none (``PipelineTask/retryPolicy``): ``retries``
  /// tries more, ``retryDelay`` seconds apart.
  ///
  /// ```swift
  /// options.retries = 2
  /// options.defaultRetryPolicy   // RetryPolicy(retries: 2, delay: 0)
  /// ```
  public var defaultRetryPolicy: RetryPolicy { RetryPolicy(retries: retries, delay: retryDelay) }

  /// The clock retry delays are measured on: the system's by default; a ``ManualClock`` makes a
  /// test's retries wait no real time while it checks how long they would have waited.
  ///
  /// ```swift
  /// let clock = ManualClock(now: Date(timeIntervalSince1970: 0))
  /// options.clock = clock      // later: clock.now.timeIntervalSince1970 is the total wait
  /// ```
  public var clock: any ScheduleClock = SystemClock()

  /// The folder relative target paths and the config file are found in; `nil` for the current folder.
  public var workingDirectory: String?
  /// Parameter values and settings; `nil` reads `plumb.cfg`/`luigi.cfg` from the working folder
  /// (see ``Configuration/load(in:environment:)``).
  public var configuration: Configuration?
  /// Values for every instance of a family, as `--Family-param value` gives them: family, then name.
  public var familyValues: [String: [String: String]] = [:]
  /// Called for every ``TaskEvent``, one event at a time and in order, on a queue of their own rather
  /// than on the workers, so a slow observer holds up no task; the end of the run waits (at most
  /// 60 s) until they have seen every event. An observer that throws is logged and ignored.
  public var observers: [TaskObserver] = []
  /// Called once when the run ends, with its verdict and counts (``RunEnd``), after the
  /// summary is made and before ``build(_:options:)-6p88s`` returns; away from the workers, one
  /// observer after the other. An observer that throws (an alert that cannot be sent) is logged
  /// as a warning and never changes the run's outcome.
  ///
  /// ```swift
  /// options.runObservers.append { verdict in print(verdict.line) }
  /// ```
  public var runObservers: [RunObserver] = []

  /// How much the run logs to standard error; ``LogLevel/info`` by default.
  public var logLevel: LogLevel {
    get { settings.logLevel ?? .info }
    set { settings.logLevel = newValue }
  }
  /// Where log lines go; standard error by default. It is called from worker threads, one line
  /// at a time.
  public var logSink: @Sendable (String) -> Void = { line in StandardStream.error.write(line + "\n") }
  /// Whether each task runs holding a lock shared with other runs in the same working folder (other
  /// processes too), so two runs never run the same task at once; the second waits, then skips the
  /// task if the first completed it. On by default; the command line's `--no-lock` leaves it on, as
  /// Luigi's lifts only the process lock.
  ///
  /// ```swift
  /// var options = RunOptions()
  /// options.locksTasks = false  // only where nothing else runs in the folder
  /// ```
  public var locksTasks: Bool {
    get { settings.locksTasks ?? true }
    set { settings.locksTasks = newValue }
  }
  /// Exit codes for each kind of trouble.
  public var exitCodes: ExitCodes {
    get { settings.exitCodes ?? ExitCodes() }
    set { settings.exitCodes = newValue }
  }
  /// At most this many family lines per summary category; `0` for no limit; 5 by default.
  public var summaryLength: Int {
    get { settings.summaryLength ?? 5 }
    set { settings.summaryLength = newValue }
  }
  /// Whether the summary ends with why each failed task failed (one line each), and which tasks a
  /// stopped run interrupted, after Luigi's layout; `false` gives Luigi's layout alone. On by default.
  public var summaryShowsErrors: Bool {
    get { settings.summaryShowsErrors ?? true }
    set { settings.summaryShowsErrors = newValue }
  }

  /// Stops the run early when requested (see ``RunStop``); `nil` for a run that only cancelling
  /// the Swift task awaiting ``build(_:options:)-6p88s`` can stop.
  ///
  /// ```swift
  /// options.stop = stop          // later, from any thread: stop.request(reason: "deploying")
  /// ```
  public var stop: RunStop?
  /// Seconds a stopped run waits for its running tasks to end before it returns without them
  /// (`[core] stop_grace_period`); 5 by default.
  ///
  /// An asynchronous task is cancelled at once and usually ends well within it; a synchronous task
  /// cannot be cancelled and either finishes in time or is left running while the run reports it
  /// as interrupted. A task left running keeps its thread until it ends; the temporary file of a
  /// write it has in progress is removed when the process exits.
  ///
  /// ```swift
  /// options.stopGracePeriod = 30   // long tasks that are worth finishing
  /// ```
  public var stopGracePeriod: TimeInterval {
    get { settings.stopGracePeriod ?? 5 }
    set { settings.stopGracePeriod = newValue }
  }

  /// Which scheduler decides when each task runs: ``SchedulerChoice/local`` (this process, the
  /// default) or ``SchedulerChoice/central(_:)``, Luigi's central scheduler (luigid), shared with
  /// other processes. Left alone, it comes from the config file's `[core] default-scheduler-url`,
  /// `default-scheduler-host` or `default-scheduler-port`, else it is local.
  ///
  /// ```swift
  /// options.scheduler = .central(CentralScheduler(host: "127.0.0.1", port: 8082))
  /// ```
  public var scheduler: SchedulerChoice {
    get { settings.scheduler ?? .local }
    set { settings.scheduler = newValue }
  }

  /// How much of each resource the running tasks may hold at once (``PipelineTask/resources``), by
  /// name, matched exactly as luigid does (`DB` is not `db`); a resource not listed has limit 1,
  /// as in Luigi. Left alone, it is the config file's `[resources]` section. The local scheduler
  /// applies it; luigid reads its own `[resources]`.
  ///
  /// ```swift
  /// options.resourceLimits = ["warehouse": 2]   // plumb.cfg: [resources] warehouse=2
  /// ```
  public var resourceLimits: [String: Int] {
    get { settings.resourceLimits ?? [:] }
    set { settings.resourceLimits = newValue }
  }

  /// Whether an external task whose data is missing is checked again while the run goes on
  /// (Luigi's `[worker] retry_external_tasks`, also read as `[core] retry-external-tasks`;
  /// `--worker-retry-external-tasks`); `false` by default, when such a task is "missing external
  /// dependencies" for the whole run and the tasks that need it are not run.
  ///
  /// When set, the external task is pending, and running it is checking its `complete()` again, as
  /// Luigi's worker does: it succeeds once the data is there (the summary counts it among the tasks
  /// that "ran successfully"), and fails while it is not, with Luigi's words (`Task is an external
  /// data dependency and data does not exist (yet?).`) and the missing paths; the tasks that need
  /// it then "had failed dependencies". Such a failure sends no ``TaskEvent/failed(_:error:)`` (nor
  /// a ``Webhook`` message), as Luigi's worker sends no failure e-mail for it; the run's end does.
  ///
  /// When the check is made again: with the local scheduler, as any failed task is retried
  /// (``retries``, ``retryDelay``, `[scheduler] retry_count` and `retry_delay`), within the run.
  /// Luigi's local scheduler retries instead only a worker kept alive (`[worker] keep_alive`), after
  /// `retry_delay`, until the task is disabled. With luigid, luigid hands the task out again after
  /// its own `retry_delay`, and a worker kept alive (``CentralScheduler/keepsAlive``) waits for that.
  ///
  /// ```swift
  /// options.retriesExternalTasks = true   // plumb.cfg: [worker] retry_external_tasks = true
  /// options.retries = 10                  // checked up to 10 more times,
  /// options.retryDelay = 60               // a minute apart
  /// ```
  public var retriesExternalTasks: Bool {
    get { settings.retriesExternalTasks ?? false }
    set { settings.retriesExternalTasks = newValue }
  }

  /// Called on a task's worker just before the task's `run()`, with the task; the task runs once
  /// it returns. For tracing, for throttling, and for tests that make tasks meet to prove they
  /// run at the same time. It runs while the task holds its lock, so it should not wait long.
  ///
  /// ```swift
  /// options.willRun = { task in print("starting \(task)") }
  /// ```
  public var willRun: (@Sendable (TaskInfo) async -> Void)?

  /// Tasks to run again although their outputs exist, with everything downstream of them in the
  /// requested graph (Airflow's "clear"): each pattern is a family (`ScrapeDay`) or a task's text
  /// form with shell wildcards (`ScrapeDay(date=2024-01-0*)`). Old outputs stay until new ones
  /// replace them, so a forced run that fails loses nothing. `--force PATTERN` on the command line.
  ///
  /// ```swift
  /// options.forcing = ["ScrapeDay(date=2024-01-03)"]
  /// ```
  public var forcing: [String] = []

  /// The task types an assistant (``isAssistant``) makes from what luigid hands it: a task whose
  /// family is one of these, and whose parameters give back the task id luigid sent, runs here as
  /// any task does. A ``PipelineCommand`` lists its own tasks here.
  ///
  /// ```swift
  /// options.assistantTasks = [TopSongs.self, Producer.self]
  /// ```
  public var assistantTasks: [any PipelineTask.Type] = []

  /// Options with Plumb's defaults: one worker, no retries, the current folder, `plumb.cfg`.
  public init() {}
}
