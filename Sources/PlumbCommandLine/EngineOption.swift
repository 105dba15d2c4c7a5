import PlumbCore
import PlumbReporting
import PlumbWorkers

/// A flag that configures the engine rather than a task (`--workers 2`). The parser and `--help`
/// read the same table, so every option is documented where it is accepted.
struct EngineOption: Sendable {
  /// The flag and its aliases; the first is the one `--help` shows.
  let names: [String]
  /// The placeholder for the value in `--help` (`N`), or `nil` for a flag without a value.
  let valueName: String?
  /// One line for `--help`.
  let help: String
  /// Records the option's value in the invocation; `flag` is the name as typed.
  let apply: @Sendable (_ invocation: inout Invocation, _ value: String, _ flag: String) throws -> Void

  static let all: [EngineOption] = [
    EngineOption(
      names: ["--workers"], valueName: "N",
      help:
        "run up to N tasks at once ([core] workers; default 1); 0 with luigid: schedule, leave the running to others"
    ) { invocation, value, flag in
      // 0 is for luigid only (see PipelineCommand), so the range the error states starts at 1.
      invocation.workers =
        value == "0" ? 0 : try count(value, flag: flag, minimum: 1, maximum: RunOptions.maximumWorkers)
    },
    EngineOption(
      names: ["--retries", "--retry-count", "--scheduler-retry-count"], valueName: "N",
      help: "try a failed task up to N more times ([scheduler] retry_count; default 0)"
    ) { invocation, value, flag in
      invocation.retries = try count(value, flag: flag, minimum: 0)
    },
    EngineOption(
      names: ["--retry-delay", "--scheduler-retry-delay"], valueName: "SECONDS",
      help: "wait this long before each retry ([scheduler] retry_delay; default 0)"
    ) { invocation, value, flag in
      invocation.retryDelay = try seconds(value, flag: flag)
    },
    EngineOption(
      names: ["--log-level"], valueName: "LEVEL",
      help: "error, warning or info: how much to log on standard error ([core] log_level; default info)"
    ) { invocation, value, flag in
      guard let level = LogLevel(name: value) else {
        throw CommandLineError.invalidValue(flag: flag, value: value, expected: LogLevel.namesForm)
      }
      invocation.logLevel = level
    },
    EngineOption(names: ["--quiet"], valueName: nil, help: "log errors only, the same as --log-level error") {
      invocation, _, _ in
      invocation.logLevel = .error
    },
    .switch(
      "--no-lock", sets: \.noLock,
      help: "let the same command run twice at once in this folder; no task runs twice at once ([core] no_lock)"),
    EngineOption(
      names: ["--graph"], valueName: "FILE",
      help: "write the task graph to FILE after the run: .html page, .svg picture, .dot or .mmd text"
    ) { invocation, value, flag in
      guard let file = GraphFile(path: value) else {
        throw CommandLineError.invalidValue(flag: flag, value: value, expected: GraphFile.expectedForm)
      }
      invocation.graph = file
    },
    EngineOption(
      names: ["--force"], valueName: "PATTERN",
      help: "run the matching tasks again, and everything downstream of them (a family, or Task(p=v) with * wildcards)"
    ) { invocation, value, _ in
      invocation.forcing.append(value)
    },
    .switch(
      "--local-scheduler", sets: \.scheduler.forcesLocal,
      help: "schedule in this process (the default unless a central scheduler is named)"),
    EngineOption(
      names: ["--scheduler-host"], valueName: "HOST",
      help: "use Luigi's central scheduler (luigid) on HOST ([core] default-scheduler-host; port 8082)"
    ) { invocation, value, flag in
      guard CentralScheduler.url(host: value, port: 8082) != nil else {
        throw CommandLineError.invalidValue(flag: flag, value: value, expected: "a host name or address")
      }
      invocation.scheduler.host = value
    },
    EngineOption(
      names: ["--scheduler-port"], valueName: "PORT",
      help: "use luigid on this port ([core] default-scheduler-port; host localhost)"
    ) { invocation, value, flag in
      invocation.scheduler.port = try count(value, flag: flag, minimum: 1, maximum: 65535)
    },
    EngineOption(
      names: ["--scheduler-url"], valueName: "URL",
      help: "use luigid at URL, such as http://localhost:8082 ([core] default-scheduler-url)"
    ) { invocation, value, flag in
      guard let url = SchedulerRequest.url(value) else {
        throw CommandLineError.invalidValue(flag: flag, value: value, expected: "an http:// or https:// URL")
      }
      invocation.scheduler.url = url
    },
    .switch(
      "--assistant", sets: \.isAssistant,
      help: "with luigid, run the pending tasks anyone scheduled; no task needed ([core] assistant)"),
    .switch(
      "--worker-no-install-shutdown-handler", sets: \.leavesSIGUSR1,
      help: "leave SIGUSR1 as it was rather than finishing what runs on it ([worker] no_install_shutdown_handler)"),
    .switch(
      "--worker-retry-external-tasks", sets: \.retriesExternalTasks,
      help: "check missing external data again while the run goes on, as a failed task ([worker] retry_external_tasks)"),
    .switch(
      "--worker-keep-alive", sets: \.scheduler.keepsAlive,
      help: "with luigid, wait for tasks other workers are running instead of leaving them ([worker] keep_alive)"),
    EngineOption(
      names: ["--worker-wait-interval"], valueName: "SECONDS",
      help: "with luigid, ask for work this often while there is none ([worker] wait_interval; default 1)"
    ) { invocation, value, flag in
      invocation.scheduler.waitInterval = try seconds(value, flag: flag)
    },
    EngineOption(
      names: ["--worker-wait-jitter"], valueName: "SECONDS",
      help: "with luigid, add up to this many seconds at random to each wait ([worker] wait_jitter; default 0)"
    ) { invocation, value, flag in
      invocation.scheduler.waitJitter = try seconds(value, flag: flag)
    },
    .switch(
      "--worker-count-uniques", sets: \.scheduler.countsUniques,
      help: "with keep-alive, wait only while a pending task is this worker's alone ([worker] count_uniques)"),
    .switch(
      "--worker-count-last-scheduled", sets: \.scheduler.countsLastScheduled,
      help:
        "with keep-alive, wait only while this worker registered a pending task last ([worker] count_last_scheduled)"),
    EngineOption(
      names: ["--worker-max-keep-alive-idle-duration"], valueName: "DURATION",
      help:
        "with keep-alive, end after this long with nothing to run, such as 600 or 10 m ([worker] max_keep_alive_idle_duration)"
    ) { invocation, value, flag in
      guard let duration = TimeDelta.seconds(in: value), duration >= 0 else {
        throw CommandLineError.invalidValue(
          flag: flag, value: value, expected: "a duration such as 90, 1 m 30 s or PT1M30S")
      }
      invocation.scheduler.maximumKeepAliveIdleDuration = duration
    },
  ]

  /// A flag without a value that turns on the invocation's setting at `property`.
  private static func `switch`(
    _ name: String, sets property: WritableKeyPath<Invocation, Bool> & Sendable, help: String
  ) -> EngineOption {
    EngineOption(names: [name], valueName: nil, help: help) { invocation, _, _ in
      invocation[keyPath: property] = true
    }
  }

  /// The option called `flag`, if any.
  static func named(_ flag: String) -> EngineOption? {
    all.first { $0.names.contains(flag) }
  }

  /// What `--log-level` and `[core] log_level` accept, for error messages.

  private static func count(_ text: String, flag: String, minimum: Int, maximum: Int = .max) throws -> Int {
    guard let number = Int(text), number >= minimum, number <= maximum else {
      let range = maximum == .max ? "of at least \(minimum)" : "from \(minimum) to \(maximum)"
      throw CommandLineError.invalidValue(flag: flag, value: text, expected: "a whole number \(range)")
    }
    return number
  }

  private static func seconds(_ text: String, flag: String) throws -> Double {
    guard let number = Double(text), number >= 0, number.isFinite else {
      throw CommandLineError.invalidValue(flag: flag, value: text, expected: "a number of seconds such as 0.5")
    }
    return number
  }
}
