import Foundation
import PlumbCore
import PlumbLuigid
import PlumbReporting
import PlumbWorkers
import Synchronization

/// Runs `tasks` and everything they require that is not complete yet, and returns the outcome.
///
/// Plumb's `luigi.build`: tasks whose outputs exist are not run again, so a second call does only
/// what is missing. Task failures do not throw; they are in the result's records, summary and
/// exit code. The tasks passed in are not changed: the run works on copies with the parameter
/// values it resolved, so one task value may be built by several runs at once.
///
/// Cancelling the Swift task that awaits `build` stops the run as a ``RunStop`` does (see
/// ``RunOptions/stop``): asynchronous tasks are cancelled, and the result lists the tasks it
/// interrupted or never started as pending, with ``RunResult/stopReason`` `cancelled`.
///
/// ```swift
/// let result = try await build([TopSongs(tld: "rs"), TopSongs(tld: "de")], options: RunOptions())
/// print(result.summary)
/// ```
///
/// - Throws: ``ParameterError`` when a requested task lacks a required parameter,
///   ``PipelineError/cycle(_:)`` when requirements form a cycle,
///   ``PipelineError/ambiguousTask(_:difference:)`` when two different tasks have the same name,
///   ``PipelineError/notAValue(_:)`` for a task that is a class,
///   ``ConfigurationError`` for a bad config file,
///   ``CentralSchedulerError`` when ``RunOptions/scheduler`` names a central scheduler that does
///   not answer when the run starts, or when ``RunOptions/isAssistant`` is set without one (one that stops answering later stops the run instead, see
///   ``ExitCodes/schedulerUnreachable``).
public func build(_ tasks: [any PipelineTask], options: RunOptions = RunOptions()) async throws -> RunResult {
  let directory = options.workingDirectory ?? FileManager.default.currentDirectoryPath
  let configuration = try options.configuration ?? Configuration.load(in: directory)
  let options = try options.completed(with: configuration)
  if options.isAssistant, case .local = options.scheduler {
    throw CentralSchedulerError.assistantWithoutCentralScheduler
  }
  let context = RunContext(
    workingDirectory: directory, configuration: configuration, familyValues: options.familyValues)
  let scheduler = Scheduler(options: options, context: context)
  let records = try await scheduler.run(tasks)
  let summary = ExecutionSummary(
    records: records, maximumLines: options.summaryLength, showsErrors: options.summaryShowsErrors,
    stopReason: scheduler.stopReason)
  var exitCode = summary.exitCode(using: options.exitCodes)
  if scheduler.lostScheduler { exitCode = max(exitCode, options.exitCodes.schedulerUnreachable) }
  if !options.runObservers.isEmpty {
    await tellRunObservers(
      options, RunEnd(sets: TaskSets(records), exitCode: exitCode, stopReason: scheduler.stopReason))
  }
  return RunResult(records: records, summary: summary.text, exitCode: exitCode, stopReason: scheduler.stopReason)
}

/// Hands `end` to the run observers on a queue of their own, since a webhook's post blocks its
/// thread, and Swift's few shared threads must not wait on the network; their errors are warnings.
private func tellRunObservers(_ options: RunOptions, _ end: RunEnd) async {
  let log = RunLog(level: options.logLevel, sink: options.logSink)
  await withCheckedContinuation { (done: CheckedContinuation<Void, Never>) in
    DispatchQueue.global().async {
      for observer in options.runObservers {
        do {
          try observer(end)
        } catch {
          log.warning("an end-of-run observer failed and was ignored: \(error.oneLineDescription)")
        }
      }
      done.resume()
    }
  }
}

/// Runs `tasks` as the `async` ``build(_:options:)-6p88s`` does, blocking the calling thread until the
/// run ends: for `main.swift`, scripts, tests and synchronous tasks that start a run of their own.
///
/// ```swift
/// let result = try build([TopSongs(tld: "rs")])
/// if !result.success { exit(result.exitCode) }
/// ```
///
/// From `async` code, call the `async` form instead: this one would hold one of the few threads
/// Swift's concurrency runs on while it waits.
@_disfavoredOverload
@available(
  *, noasync, message: "blocks the calling thread until the run ends; in async code, call try await build(...)"
)
public func build(_ tasks: [any PipelineTask], options: RunOptions = RunOptions()) throws -> RunResult {
  let outcome = BlockingOutcome<RunResult>()
  // The tasks travel in a box the run empties, so that nothing of the run holds them once the
  // caller is woken: a caller may count on its task values being released when build returns.
  let box = TaskBox(tasks)
  Task.detached {
    let result: Result<RunResult, any Error>
    do {
      result = .success(try await build(box.take(), options: options))
    } catch {
      result = .failure(error)
    }
    outcome.finish(result)
  }
  return try outcome.wait()
}

/// Tasks handed from a synchronous caller to the run, taken out exactly once.
private final class TaskBox: Sendable {
  private let tasks: Mutex<[any PipelineTask]>

  init(_ tasks: [any PipelineTask]) { self.tasks = Mutex(tasks) }

  func take() -> [any PipelineTask] {
    tasks.withLock { tasks in
      defer { tasks = [] }
      return tasks
    }
  }
}
