import PlumbCore
import PlumbReporting

extension RunOptions {
  /// These options with every setting code left alone taken from `configuration` (`[core]
  /// workers`, `[core] log_level`, `[scheduler] retry_count`, `[scheduler]
  /// retry_delay`, `[worker] retry_external_tasks` (or `[core] retry-external-tasks`), `[core] stop_grace_period`, `[retcode]`, `[execution_summary] summary_length`, `[execution_summary]
  /// show_errors`, `[core] assistant`, `[worker] python`, the scheduler: see ``SchedulerRequest/choice(configuration:)``), and with the
  /// observer of its `[webhook]`, if any.
  package func completed(with configuration: Configuration) throws -> RunOptions {
    var options = self
    var settings = options.settings
    settings.workers =
      try settings.workers
      ?? configuration.count(section: "core", key: "workers", minimum: 1, maximum: RunOptions.maximumWorkers)
    settings.retries = try settings.retries ?? configuration.count(section: "scheduler", key: "retry_count", minimum: 0)
    settings.retryDelay = try settings.retryDelay ?? configuration.seconds(section: "scheduler", key: "retry_delay")
    settings.logLevel = try settings.logLevel ?? configuration.logLevel()
    settings.stopGracePeriod =
      try settings.stopGracePeriod ?? configuration.seconds(section: "core", key: "stop_grace_period")
    settings.summaryLength =
      try settings.summaryLength ?? configuration.count(section: "execution_summary", key: "summary_length", minimum: 0)
    settings.summaryShowsErrors =
      try settings.summaryShowsErrors ?? configuration.boolean(section: "execution_summary", key: "show_errors")
    settings.exitCodes = try settings.exitCodes ?? ExitCodes(configuration: configuration)
    settings.scheduler = try settings.scheduler ?? schedulerRequest.choice(configuration: configuration)
    settings.resourceLimits = try settings.resourceLimits ?? configuration.resourceLimits()
    settings.isAssistant = try settings.isAssistant ?? configuration.isAssistant()
    settings.pythonInterpreter = settings.pythonInterpreter ?? configuration.value(section: "worker", key: "python")
    settings.retriesExternalTasks =
      try settings.retriesExternalTasks
      ?? configuration.boolean(section: "worker", key: "retry_external_tasks")
      ?? configuration.boolean(section: "core", key: "retry-external-tasks")
    options.settings = settings
    options.configuration = configuration
    if let webhook = try configuration.webhook() {
      options.observers.append(webhook.observer)
      options.runObservers.append(webhook.runObserver)
    }
    return options
  }
}

extension Configuration {
  /// `[core] no_lock`.
  package func noLock() throws -> Bool {
    try boolean(section: "core", key: "no_lock") ?? false
  }

  /// `[core] assistant`, Luigi's name for a worker that runs any task luigid hands out.
  package func isAssistant() throws -> Bool {
    try boolean(section: "core", key: "assistant") ?? false
  }

  /// `[resources]`: each resource's limit, a count of at least 0.
  package func resourceLimits() throws -> [String: Int] {
    var limits: [String: Int] = [:]
    for key in sections["resources", default: [:]].keys {
      limits[key] = try count(section: "resources", key: key, minimum: 0)
    }
    return limits
  }

  fileprivate func logLevel() throws -> LogLevel? {
    guard let text = value(section: "core", key: "log_level") else { return nil }
    guard let level = LogLevel(name: text) else {
      throw problem("[core] log_level must be \(LogLevel.namesForm), not '\(text)'")
    }
    return level
  }
}
