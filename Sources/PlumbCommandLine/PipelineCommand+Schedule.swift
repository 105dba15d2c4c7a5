import Foundation
import PlumbCore
import PlumbSchedules
import PlumbWorkers

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
    runs.intervalsPerPass =
      try plan.intervalsPerPass
      ?? options.configuration?.count(section: "schedule", key: "intervals_per_pass", minimum: 1)
      ?? ScheduledRuns.defaultIntervalsPerPass
    let name = self.name
    let forever = plan.forever
    // The passes run in a Swift task; their summaries come back here, to be printed on the
    // command's own thread, which `standardOutput` belongs to.
    let passes = PassQueue()
    Task.detached { [runs] in
      do {
        let code = try await runs.run(forever: forever, stop: stop) { pass in
          guard let result = pass.result else {
            standardError("\(name): no interval of \(schedule) has ended since the start; nothing to run yet")
            return
          }
          // Printed before the next wait, so that a stop requested on seeing it is in time.
          passes.handOver(result.summary.trimmingCharacters(in: .newlines))
          if forever, pass.remaining == 0, stop?.reason == nil, let next = runs.nextInterval() {
            standardError(
              "\(name): waiting until \(DataInterval.text(next.end)) to run the interval starting "
                + "\(DataInterval.text(next.start)); Ctrl-C stops")
          }
        } willRun: { plan in
          // Said before the pass starts, so that a long backfill shows at once what it will do.
          standardError("\(name): \(schedule): \(plan)")
        }
        passes.finish(.success(code))
      } catch {
        passes.finish(.failure(error))
      }
    }
    while let summary = passes.next() {
      standardOutput(summary)
      passes.printed()
    }
    return try passes.outcome()
  }
}

/// Summaries handed from the scheduled passes to the command's thread, one at a time: a pass
/// waits until its summary is printed, so output and stops keep their order.
private final class PassQueue: @unchecked Sendable {
  private let lock = NSCondition()
  // Guarded by `lock`.
  private var pending: String?
  private var isPrinted = true
  private var result: Result<Int32, any Error>?

  /// Called by a pass: waits until the command's thread has printed `summary`.
  func handOver(_ summary: String) {
    lock.lock()
    defer { lock.unlock() }
    pending = summary
    isPrinted = false
    lock.broadcast()
    while !isPrinted { lock.wait() }
  }

  func printed() {
    lock.lock()
    isPrinted = true
    lock.broadcast()
    lock.unlock()
  }

  func finish(_ outcome: Result<Int32, any Error>) {
    lock.lock()
    result = outcome
    lock.broadcast()
    lock.unlock()
  }

  /// The next summary to print, or `nil` once the passes are over.
  func next() -> String? {
    lock.lock()
    defer { lock.unlock() }
    while pending == nil && result == nil { lock.wait() }
    defer { pending = nil }
    return pending
  }

  func outcome() throws -> Int32 {
    lock.lock()
    defer { lock.unlock() }
    return try result!.get()
  }
}
