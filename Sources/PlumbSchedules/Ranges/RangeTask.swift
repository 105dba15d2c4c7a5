import PlumbCore

/// What ``RangeDaily``, ``RangeHourly`` and ``RangeMonthly`` share: a wrapper task that requires
/// one `of` task per date of a range, those whose outputs are missing, as Luigi's
/// `luigi.tools.range` does.
///
/// ```swift
/// let range = RangeDaily(of: DailyReport.self, start: january1, stop: february1)
/// let plan = try range.plan()
/// plan.missing.count   // the days whose DailyReport is not complete
/// ```
///
/// On the command line the `of` task is named (`RangeDaily --of DailyReport`) and must be one of
/// the pipeline's tasks; ``PipelineCommand`` finds its type.
public protocol RangeTask: WrapperTask where Requirements == TaskList {
  /// The family of the task to run for each date (Luigi's `of`).
  var of: String { get }
  /// The type of the task to run for each date; set by the initializer that takes it, or by the
  /// command line from ``of``.
  var ofType: (any PipelineTask.Type)? { get set }
  /// What the range covers, what is missing, and what a run schedules.
  ///
  /// - Throws: ``ScheduleError`` for a start after the stop, an `of` task without a date
  ///   parameter, or an `of` whose type is unknown.
  func plan() throws -> RangePlan
  /// Checks the range without looking at any output: its bounds, and that `of` has a date
  /// parameter to fill.
  ///
  /// - Throws: ``ScheduleError``, as ``plan()`` would.
  func validate() throws
}

extension RangeTask {
  /// The `of` tasks of the dates ``plan()`` schedules: the missing ones, at most `taskLimit`.
  public func requires() throws -> TaskList {
    TaskList(try plan().tasks)
  }

  /// The range with ``ofType`` found among `tasks` by ``of``, checked so that a mistake is reported
  /// before the run, on one line.
  ///
  /// - Throws: ``ScheduleError/unknownTask(_:known:)`` when no task is called ``of``,
  ///   ``ScheduleError/emptyBound(range:flag:expected:)`` for `--start ''`, and what ``validate()`` throws.
  package func bound(to tasks: [any PipelineTask.Type]) throws -> Self {
    // `--start ''` reads as None, no start, which would quietly fall back on the days-back default.
    let noneSuffix = String(Int?.expectedForm.dropFirst(Int.expectedForm.count))
    for (name, parameter) in ParameterSchema.parameters(of: self)
    where (name == "start" || name == "stop") && parameter.text == "None" && parameter.isSetInCode(defaultText: "None")
    {
      let form = parameter.expectedForm
      throw ScheduleError.emptyBound(
        range: Self.family, flag: "--\(name)",
        expected: form.hasSuffix(noneSuffix) ? String(form.dropLast(noneSuffix.count)) : form)
    }
    var copy = self
    if copy.ofType == nil {
      let name = of
      var found: (any PipelineTask.Type)?
      var known: [String] = []
      for type in tasks {
        let family = type.family
        if family == name { found = type }
        if !family.hasPrefix("Range") { known.append(family) }
      }
      guard let found else { throw ScheduleError.unknownTask(name, known: known) }
      copy.ofType = found
    }
    try copy.validate()
    return copy
  }
}
