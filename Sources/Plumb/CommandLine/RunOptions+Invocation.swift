extension RunOptions {
  /// The options for a command-line run: the command line's flags count as set in code; the
  /// others are left for ``completed(with:)`` to take from the config file.
  init(invocation: Invocation, configuration: Configuration, workingDirectory: String) {
    self.init()
    self.workingDirectory = workingDirectory
    self.configuration = configuration
    familyValues = invocation.familyValues
    settings.workers = invocation.workers
    settings.retries = invocation.retries
    settings.retryDelay = invocation.retryDelay
    settings.logLevel = invocation.logLevel
    schedulerRequest = invocation.scheduler
    forcing = invocation.forcing
  }

  /// These options with every setting code left alone taken from `configuration` (`[core]
  /// workers`, `[core] log_level`, `[scheduler] retry_count`, `[scheduler]
  /// retry_delay`, `[core] stop_grace_period`, `[retcode]`, `[execution_summary] summary_length`, `[execution_summary]
  /// show_errors`, the scheduler: see ``SchedulerRequest/choice(configuration:)``), and with the
  /// observer of its `[webhook]`, if any.
  func completed(with configuration: Configuration) throws -> RunOptions {
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
  func noLock() throws -> Bool {
    try boolean(section: "core", key: "no_lock") ?? false
  }

  /// `[resources]`: each resource's limit, a count of at least 0.
  func resourceLimits() throws -> [String: Int] {
    var limits: [String: Int] = [:]
    for key in sections["resources", default: [:]].keys {
      limits[key] = try count(section: "resources", key: key, minimum: 0)
    }
    return limits
  }

  /// A boolean setting, read as Python's configparser reads one; `nil` when absent.
  func boolean(section: String, key: String) throws -> Bool? {
    guard let text = value(section: section, key: key) else { return nil }
    switch text.lowercased() {
    case "1", "yes", "true", "on": return true
    case "0", "no", "false", "off": return false
    default: throw problem("[\(section)] \(key) must be true or false, not '\(text)'")
    }
  }

  func count(section: String, key: String, minimum: Int, maximum: Int = .max) throws -> Int? {
    guard let number = try integer(section: section, key: key) else { return nil }
    guard number >= minimum else { throw problem("[\(section)] \(key) must be at least \(minimum), not \(number)") }
    guard number <= maximum else { throw problem("[\(section)] \(key) must be at most \(maximum), not \(number)") }
    return number
  }

  func seconds(section: String, key: String) throws -> Double? {
    guard let text = value(section: section, key: key) else { return nil }
    guard let number = Double(text), number >= 0, number.isFinite else {
      throw problem("[\(section)] \(key) must be a number of seconds such as 0.5, not '\(text)'")
    }
    return number
  }

  fileprivate func logLevel() throws -> LogLevel? {
    guard let text = value(section: "core", key: "log_level") else { return nil }
    guard let level = EngineOption.logLevel(text) else {
      throw problem("[core] log_level must be \(EngineOption.logLevelForm), not '\(text)'")
    }
    return level
  }

  func problem(_ text: String) -> ConfigurationError {
    ConfigurationError(source: files.last ?? "config", line: nil, problem: text)
  }
}
