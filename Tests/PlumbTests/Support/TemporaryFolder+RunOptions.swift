import Plumb
import PlumbTestSupport

extension TemporaryFolder {
  /// Quiet run options for this folder: relative paths land here and errors are logged nowhere.
  ///
  /// The configuration is empty, so that nothing outside the test (such as `PLUMB_CONFIG_PATH`)
  /// changes a run; `readingConfigFiles` leaves it `nil` instead, so that the run reads `plumb.cfg`
  /// and `luigi.cfg` from the folder as a real one does.
  func options(workers: Int = 1, retries: Int = 0, readingConfigFiles: Bool = false) -> RunOptions {
    var options = RunOptions()
    options.workingDirectory = path
    options.logLevel = .error
    options.logSink = { _ in }
    options.configuration = readingConfigFiles ? nil : Configuration()
    options.workers = workers
    options.retries = retries
    return options
  }
}
