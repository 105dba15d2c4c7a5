import Foundation
import PlumbBuild
import PlumbCore

/// The work the three range tasks share: the `of` task of each interval, which of them are
/// missing, and which a run schedules. The intervals are checked in the range's order, in batches,
/// until the task limit is reached: finding 50 missing days of a range from 0001-01-01 costs the
/// days it checks, not the calendar.
struct RangePlanner {
  /// The range's text form, for notes.
  let range: String
  let slot: DateParameterSlot
  /// The `of` task with its `of_params` set and its date parameter still to fill.
  let base: any PipelineTask
  /// Every interval in the range, oldest first, computed as needed.
  let covered: RangeIntervals
  let reverse: Bool
  let taskLimit: Int
  /// What one interval is called (`2024-01-03`), for notes.
  let label: (DataInterval) -> String
  /// The unit, plural (`days`), for notes.
  let unit: String
  /// A note about a bound that came from a default rather than from the command line.
  let defaultedBound: String?

  /// The first batch checked at once; each next one is twice as large, up to the largest, so
  /// that a type with ``BulkCompletion`` answers a long range in few calls and a short search
  /// makes few tasks.
  static let smallestBatch = 16
  static let largestBatch = 4096

  func plan() throws -> RangePlan {
    let forcing = ForcedTasks.current
    // While the graph of a forced run is walked in full, the range stands for every date in it.
    if forcing?.expandsEverything == true {
      let all = Array(covered)
      return RangePlan(covered: covered, missing: all, scheduled: all, note: nil, tasks: all.map(task(for:)))
    }
    let wanted = taskLimit > 0 ? taskLimit : Int.max
    // The missing intervals' positions in `covered`, in the range's order, with their tasks.
    var found: [(position: Int, task: any PipelineTask)] = []
    var checked = 0
    var batch = min(max(wanted, Self.smallestBatch), Self.largestBatch)
    while found.count < wanted && checked < covered.count {
      let positions = (checked..<min(checked + batch, covered.count)).map { reverse ? covered.count - 1 - $0 : $0 }
      checked += positions.count
      batch = min(batch * 2, Self.largestBatch)
      let tasks = positions.map { task(for: covered[$0]) }
      let complete = try Self.completeness(of: tasks)
      for (offset, position) in positions.enumerated() where found.count < wanted {
        let task = tasks[offset]
        let forced = forcing?.contains(RunContext.current.map { try? $0.resolvedTask(task) } ?? task)
        if !complete[offset] || forced == true { found.append((position, task)) }
      }
    }
    var notes: [String] = defaultedBound.map { [$0] } ?? []
    if found.count == wanted, let last = found.last?.position {
      // What lies beyond the last scheduled interval, in the range's order, is the next run's.
      let rest = reverse ? 0..<last : (last + 1)..<covered.count
      if !rest.isEmpty {
        notes.append(
          "task limit \(taskLimit) reached at \(label(covered[last])); \(describe(rest)) left for the next run")
      }
    }
    let note = notes.isEmpty ? nil : "\(range): " + notes.joined(separator: "; ")
    if let note { RangeNotes.post(note) }
    let scheduled = found.map { covered[$0.position] }
    return RangePlan(
      covered: covered, missing: reverse ? scheduled.reversed() : scheduled, scheduled: scheduled, note: note,
      tasks: found.map(\.task))
  }

  private func task(for interval: DataInterval) -> any PipelineTask {
    slot.task(for: interval, basedOn: base)
  }

  /// `2024-01-05...2024-01-10`, or the one interval's label.
  private func describe(_ positions: Range<Int>) -> String {
    let first = label(covered[positions.lowerBound])
    return positions.count == 1
      ? first : "\(first)...\(label(covered[positions.upperBound - 1])) (\(positions.count) \(unit))"
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

extension RangePlanner {
  /// The planner of a range of `Unit`s, Luigi's way: from `start` (included) to `stop`
  /// (excluded), a missing bound being `back` units before the current one or `forward` after it.
  ///
  /// - Throws: ``ScheduleError`` for an unknown `of` type, an `of` without a date parameter, or a
  ///   start after the stop.
  init<Unit: RangeUnit>(
    family: String, of: String, ofType: (any PipelineTask.Type)?, ofParams: JSONObject, paramName: String?,
    start: Unit?,
    stop: Unit?, back: Int, forward: Int, reverse: Bool, taskLimit: Int, clock: any ScheduleClock
  ) throws {
    guard let ofType else { throw ScheduleError.unknownTask(of, known: []) }
    let slot = try DateParameterSlot(in: ofType, named: paramName, accepting: [Unit.slotKind, .interval])
    let base = try Self.task(ofType, with: ofParams)
    let current = Unit(containing: clock.now)
    let first = start ?? Unit(ordinal: current.ordinal - back)
    let end = stop ?? Unit(ordinal: current.ordinal + forward)
    guard first <= end else { throw ScheduleError.startAfterStop(start: "\(first)", stop: "\(end)") }
    let unit = Unit.unitName + "s"
    self.init(
      range: "\(family)(of=\(of))", slot: slot, base: base, covered: RangeIntervals(from: first, to: end),
      reverse: reverse,
      taskLimit: taskLimit, label: { "\(Unit(containing: $0.start))" }, unit: unit,
      defaultedBound: start == nil ? "no start given, so the range starts \(back) \(unit) back, at \(first)" : nil)
  }
}

extension RangePlanner {
  /// A task of `type` with the parameters `ofParams` gives, as if set in code.
  ///
  /// - Throws: ``ScheduleError/badOfParams(family:text:problem:)`` for a key that names no
  ///   parameter, or a value the parameter does not take.
  static func task(_ type: any PipelineTask.Type, with ofParams: JSONObject) throws -> any PipelineTask {
    func fail(_ problem: String) -> ScheduleError {
      ScheduleError.badOfParams(family: type.family, text: ofParams.parameterText, problem: problem)
    }
    func setting<T: PipelineTask>(_ task: T) throws -> T {
      var unused = Set(ofParams.members.map(\.key))
      let changed = try ParameterLayout.of(T.self).updating(task) { name, parameter in
        guard let member = ofParams.members.first(where: { ParameterDeclaration.isSameKey($0.key, name) }) else {
          return nil
        }
        unused.remove(member.key)
        // Luigi hands the value itself to the parameter: a string is its text, a number or a list its JSON.
        let text = member.value.string ?? member.value.text
        guard let assigned = parameter.assigning(text: text) else {
          throw fail("\(text) is not \(parameter.expectedForm) for \(member.key)")
        }
        return assigned
      }
      if let key = ofParams.members.map(\.key).first(where: unused.contains) {
        throw fail("\(type.family) has no parameter \(key)")
      }
      return changed
    }
    return try setting(DateParameterSlot.make(type))
  }
}
