import PlumbCore

/// What a range covers and what one run of it schedules, worked out by ``RangeTask/plan()``.
///
/// ```swift
/// let plan = try RangeDaily(of: DailyReport.self, start: january1, stop: february1).plan()
/// print(plan.covered.count, plan.missing.count, plan.scheduled.count)
/// if let note = plan.note { print(note) }   // what was left out, and why
/// ```
public struct RangePlan: Sendable {
  /// Every interval of the range, oldest first, each computed when read.
  ///
  /// ```swift
  /// try range.plan().covered.count   // 31 for January
  /// ```
  public let covered: RangeIntervals
  /// The intervals found missing (the `of` task not complete, or forced to run again), oldest
  /// first. The search goes in the range's order and stops at the task limit, so with a limit
  /// these are the ones ``scheduled`` holds, not every missing one in the range.
  ///
  /// ```swift
  /// try range.plan().missing.map(\.logicalDay)
  /// ```
  public let missing: [DataInterval]
  /// The intervals a run schedules: the missing ones in the range's order, at most its task limit.
  ///
  /// ```swift
  /// try range.plan().scheduled.count   // at most taskLimit
  /// ```
  public let scheduled: [DataInterval]
  /// One line saying what the range leaves out and why (the task limit reached, with what is left
  /// for the next run; a start taken from the days-back default), or `nil` when it schedules
  /// everything missing in the range asked for.
  ///
  /// ```swift
  /// if let note = try range.plan().note { print(note) }
  /// ```
  public let note: String?
  /// The `of` tasks of ``scheduled``.
  let tasks: [any PipelineTask]
}
