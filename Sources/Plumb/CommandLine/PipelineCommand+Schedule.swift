import Foundation

extension PipelineCommand {
  /// The range tasks every pipeline's command line can name, unless the pipeline registers a task
  /// of the same family itself.
  static let rangeTasks: [any PipelineTask.Type] = [RangeDaily.self, RangeHourly.self, RangeMonthly.self]

  /// The tasks the parser may name: the pipeline's, then the ranges it does not shadow.
  var namableTasks: [any PipelineTask.Type] {
    var families = Set<String>()
    for type in tasks { families.insert(type.family) }
    var namable = tasks
    for range in Self.rangeTasks where !families.contains(range.family) { namable.append(range) }
    return namable
  }

  /// A range named on the command line, given the type of its `--of` task and checked; any other
  /// task as it is.
  func binding(_ task: any PipelineTask) throws -> any PipelineTask {
    func bind<R: RangeTask>(_ range: R) throws -> any PipelineTask { try range.bound(to: tasks) }
    guard let range = task as? any RangeTask else { return task }
    return try bind(range)
  }

  /// Runs `task` on the schedule `plan` describes: the backfill, then with `--forever` each new
  /// interval as it ends, printing each pass's summary. Returns the last pass's exit code.
  func runScheduled(
    _ plan: ScheduleInvocation, task: any PipelineTask, options: RunOptions, stop: RunStop?,
    standardOutput: (String) -> Void, standardError: LineSink
  ) throws -> Int32 {
    guard let schedule = plan.schedule, let start = plan.start else { return Self.usageErrorExitCode }
    var runs = try ScheduledRuns(
      basedOn: task, schedule: schedule, start: start, end: plan.end, paramName: plan.paramName)
    runs.catchup = plan.catchup
    runs.clock = clock
    runs.options = options
    let name = self.name
    return try withoutActuallyEscaping(standardOutput) { standardOutput in
      let output = PassPrinter(standardOutput)
      let outcome = BlockingOutcome<Int32>()
      let forever = plan.forever
      Task.detached { [runs] in
        do {
          let code = try await runs.run(forever: forever, stop: stop) { pass in
            guard let result = pass.result else {
              standardError("\(name): no interval of \(schedule) has ended since the start; nothing to run yet")
              return
            }
            let first = pass.intervals.first.map { DataInterval.text($0.start) } ?? ""
            let last = pass.intervals.last.map { DataInterval.text($0.start) } ?? ""
            let span = pass.intervals.count == 1 ? first : "\(first) ... \(last)"
            standardError("\(name): \(schedule): \(pass.intervals.count) intervals due (logical dates \(span))")
            output.print(result.summary.trimmingCharacters(in: .newlines))
            if forever, stop?.reason == nil, let next = runs.nextInterval() {
              standardError(
                "\(name): waiting until \(DataInterval.text(next.end)) to run the interval starting "
                  + "\(DataInterval.text(next.start)); Ctrl-C stops")
            }
          }
          outcome.finish(.success(code))
        } catch {
          outcome.finish(.failure(error))
        }
      }
      return try outcome.wait()
    }
  }
}

/// Hands each pass's summary to the command's standard output. The command's thread only waits
/// while the passes run, so the calls come one at a time, from the scheduled runs' task.
private final class PassPrinter: @unchecked Sendable {
  private let write: (String) -> Void

  init(_ write: @escaping (String) -> Void) { self.write = write }

  func print(_ text: String) { write(text) }
}
