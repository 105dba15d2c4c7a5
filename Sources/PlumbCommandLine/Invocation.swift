import PlumbCore
import PlumbReporting
import PlumbWorkers

/// What one command line asks for: the task to run with its command-line values already set, values
/// for task families, and engine settings (`nil` where the command line is silent, so the config
/// file or the default applies).
struct Invocation {
  /// The task named on the command line, its own `--param` values set as if given in code.
  var task: (any PipelineTask)?
  /// `--Family-param value`, by family then parameter name.
  var familyValues: [String: [String: String]] = [:]
  var workers: Int?
  var retries: Int?
  var retryDelay: Double?
  var logLevel: LogLevel?
  var noLock = false
  /// `--assistant`: run what luigid hands out, whoever scheduled it.
  var isAssistant = false
  /// `--worker-no-install-shutdown-handler`: leave SIGUSR1 as it was (``StopSignals/leaveSIGUSR1()``).
  var leavesSIGUSR1 = false
  /// `--worker-retry-external-tasks`: check external data again while the run goes on.
  var retriesExternalTasks = false
  /// `--local-scheduler`, `--scheduler-host`, `--scheduler-port`, `--scheduler-url`, `--worker-keep-alive`, ...
  var scheduler = SchedulerRequest()
  /// Where to write the dependency graph after the run (`--graph FILE`).
  var graph: GraphFile?
  var wantsHelp = false
  /// `--force PATTERN`, in order: tasks to run again with everything downstream of them.
  var forcing: [String] = []
}
