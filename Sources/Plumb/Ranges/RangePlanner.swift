import Foundation

/// The work the three range tasks share: the `of` task of each interval, which of them are
/// missing, and which a run schedules.
struct RangePlanner {
  /// The range's text form, for notes.
  let range: String
  let slot: DateParameterSlot
  /// Every interval in the range, oldest first.
  let covered: [DataInterval]
  let reverse: Bool
  let taskLimit: Int
  /// What one interval is called (`2024-01-03`), for notes.
  let label: (DataInterval) -> String
  /// The unit, plural (`days`), for notes.
  let unit: String
  /// A note about a bound that came from a default rather than from the command line.
  let defaultedBound: String?

  func plan() throws -> RangePlan {
    let tasks = covered.map(slot.task(for:))
    let forcing = ForcedTasks.current
    // While the graph of a forced run is walked in full, the range stands for every date in it.
    if forcing?.expandsEverything == true {
      return RangePlan(covered: covered, missing: covered, scheduled: covered, note: nil, tasks: tasks)
    }
    let complete = try Self.completeness(of: tasks)
    var missing: [Int] = []
    for index in covered.indices {
      let forced = forcing?.contains(RunContext.current.map { try? $0.resolvedTask(tasks[index]) } ?? tasks[index])
      if !complete[index] || forced == true { missing.append(index) }
    }
    var ordered = reverse ? Array(missing.reversed()) : missing
    var notes: [String] = defaultedBound.map { [$0] } ?? []
    if taskLimit > 0 && ordered.count > taskLimit {
      let leftOut = ordered[taskLimit...].sorted()
      notes.append(
        "\(ordered.count) \(unit) missing, \(taskLimit) scheduled (task limit \(taskLimit)); "
          + "left for the next run: \(describe(leftOut))")
      ordered = Array(ordered.prefix(taskLimit))
    }
    let note = notes.isEmpty ? nil : "\(range): " + notes.joined(separator: "; ")
    if let note { RangeNotes.post(note) }
    return RangePlan(
      covered: covered, missing: missing.map { covered[$0] }, scheduled: ordered.map { covered[$0] }, note: note,
      tasks: ordered.map { tasks[$0] })
  }

  /// `2024-01-01...2024-01-31` for a run of consecutive intervals, else the first few.
  private func describe(_ indices: [Int]) -> String {
    guard let first = indices.first, let last = indices.last else { return "none" }
    if last - first + 1 == indices.count {
      return indices.count == 1 ? label(covered[first]) : "\(label(covered[first]))...\(label(covered[last]))"
    }
    let shown = indices.prefix(3).map { label(covered[$0]) }.joined(separator: ",")
    return indices.count > 3 ? shown + ",... (\(indices.count))" : shown
  }

  /// Whether each task is complete, in one pass: through ``BulkCompletion`` when the type offers
  /// it, else task by task. Within a run each task is first given the run's parameter values.
  static func completeness(of tasks: [any PipelineTask]) throws -> [Bool] {
    let context = RunContext.current
    let resolved = try tasks.map { try context?.resolvedTask($0) ?? $0 }
    guard let first = resolved.first else { return [] }
    if let bulk = type(of: first) as? any BulkCompletion.Type {
      return try bulkCompleteness(bulk, resolved)
    }
    return try resolved.map { try $0.complete() }
  }

  private static func bulkCompleteness<T: BulkCompletion>(_: T.Type, _ tasks: [any PipelineTask]) throws -> [Bool] {
    let typed = tasks.compactMap { $0 as? T }
    let answers = try T.completeness(of: typed)
    guard answers.count == tasks.count else { return try tasks.map { try $0.complete() } }
    return answers
  }
}
