import Foundation

/// Runs `tasks` and everything they require that is not complete yet, and returns the outcome.
///
/// Plumb's `luigi.build`: tasks whose outputs exist are not run again, so a second call does only
/// what is missing. Task failures do not throw; they are in the result's records, summary and
/// exit code.
///
/// ```swift
/// let result = try build([TopSongs(tld: "rs"), TopSongs(tld: "de")], options: RunOptions())
/// print(result.summary)
/// ```
///
/// - Throws: ``ParameterError`` when a requested task lacks a required parameter,
///   ``PipelineError/cycle(_:)`` when requirements form a cycle,
///   ``PipelineError/ambiguousTask(_:difference:)`` when two different tasks have the same name,
///   ``ConfigurationError`` for a bad config file.
public func build(_ tasks: [any PipelineTask], options: RunOptions = RunOptions()) throws -> RunResult {
  let directory = options.workingDirectory ?? FileManager.default.currentDirectoryPath
  let configuration = try options.configuration ?? Configuration.load(in: directory)
  let context = RunContext(
    workingDirectory: directory, configuration: configuration, familyValues: options.familyValues)
  let records = try Scheduler(options: options, context: context).run(tasks)
  let summary = ExecutionSummary(
    records: records, maximumLines: options.summaryLength, showsErrors: options.summaryShowsErrors)
  return RunResult(records: records, summary: summary.text, exitCode: summary.exitCode(using: options.exitCodes))
}
