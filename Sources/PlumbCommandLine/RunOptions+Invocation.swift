import PlumbCore
import PlumbReporting
import PlumbWorkers

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
    if invocation.isAssistant { isAssistant = true }
    if invocation.retriesExternalTasks { retriesExternalTasks = true }
  }
}
