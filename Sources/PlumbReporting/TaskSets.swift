import PlumbCore

/// A run's tasks sorted into the sets Luigi's summary and exit code are made from, each set
/// holding positions in the records.
///
/// A task that failed and later succeeded in a retry is both ``completed`` and ``everFailed``,
/// but not ``failed``. Why a runnable task is still pending is found by a depth-first search over
/// its dependencies; a task can be in several `upstream` sets.
package struct TaskSets {
  private(set) var alreadyDone = Set<Int>()
  private(set) var completed = Set<Int>()
  private(set) var everFailed = Set<Int>()
  private(set) var failed = Set<Int>()
  private(set) var schedulingError = Set<Int>()
  /// Pending and not runnable here: an external task whose data is missing.
  private(set) var missingExternal = Set<Int>()
  /// Pending and runnable, but not run.
  private(set) var pendingRunnable = Set<Int>()
  private(set) var runByOtherWorker = Set<Int>()
  package private(set) var upstreamFailure = Set<Int>()
  private(set) var upstreamMissingDependency = Set<Int>()
  private(set) var upstreamRunByOtherWorker = Set<Int>()
  /// Direct dependencies only, as in Luigi: a task two steps below a scheduling error is ``notRun``.
  private(set) var upstreamSchedulingError = Set<Int>()
  private(set) var notRun = Set<Int>()

  package init(_ records: [TaskRecord]) {
    for (index, record) in records.enumerated() {
      let isPending = record.status == .pending || record.status == .runByOtherWorker
      if record.status == .failed || record.failureCount > 0 { everFailed.insert(index) }
      switch record.status {
      case .alreadyComplete: alreadyDone.insert(index)
      case .succeeded: completed.insert(index)
      case .schedulingFailed: schedulingError.insert(index)
      case .runByOtherWorker: runByOtherWorker.insert(index)
      case .failed, .pending: break
      }
      if isPending && !everFailed.contains(index) {
        // External data another worker produced is that worker's task, as a Python task's is
        // when Luigi's worker lets luigid hand external ones out (`retry_external_tasks`).
        if record.isExternal && record.status == .pending {
          missingExternal.insert(index)
        } else {
          pendingRunnable.insert(index)
        }
      }
    }
    failed = everFailed.subtracting(completed)
    findPendingReasons(records)
  }

  /// Every task counted in `Scheduled N tasks`.
  var total: Int {
    alreadyDone.count + completed.count + failed.count + schedulingError.count + missingExternal.count
      + pendingRunnable.count
  }

  /// The tasks listed under `category`; for ``SummaryCategory/stillPending``, every pending task.
  func members(of category: SummaryCategory) -> Set<Int> {
    switch category {
    case .alreadyDone: return alreadyDone
    case .completed: return completed
    case .failed: return failed
    case .schedulingError: return schedulingError
    case .stillPending: return missingExternal.union(pendingRunnable)
    case .missingExternal: return missingExternal
    case .runByOtherWorker: return runByOtherWorker
    case .upstreamFailure: return upstreamFailure
    case .upstreamMissingDependency: return upstreamMissingDependency
    case .upstreamRunByOtherWorker: return upstreamRunByOtherWorker
    case .upstreamSchedulingError: return upstreamSchedulingError
    case .notRun: return notRun
    }
  }

  /// One step of the search: a pending task, the dependency it is at, and what it has found.
  private struct Visit {
    let task: Int
    var next = 0
    var descended = false
    var upstreamFailure = false
    var upstreamMissingDependency = false
    var upstreamRunByOtherWorker = false
    var upstreamSchedulingError = false

    init(_ task: Int) { self.task = task }
  }

  /// Luigi's `_depth_first_search` from every runnable pending task, with an explicit stack so a
  /// chain of any length fits. Each search starts afresh at its task, as Luigi's does, so the
  /// sets come out the same.
  private mutating func findPendingReasons(_ records: [TaskRecord]) {
    // A run whose tasks all ran has nothing to search, and most runs are such: no index of names.
    guard !pendingRunnable.isEmpty else { return }
    var positions: [ExactText: Int] = [:]
    for (index, record) in records.enumerated() where positions[ExactText(record.info.description)] == nil {
      positions[ExactText(record.info.description)] = index
    }
    let dependencies = records.map { record in record.dependencies.compactMap { positions[ExactText($0)] } }
    var visited = Set<Int>()
    for start in pendingRunnable.sorted() {
      visited.insert(start)
      var stack = [Visit(start)]
      while var visit = stack.popLast() {
        guard pendingRunnable.contains(visit.task) else { continue }
        let required = dependencies[visit.task]
        guard visit.next < required.count else {
          let hasReason =
            visit.upstreamFailure || visit.upstreamMissingDependency || visit.upstreamRunByOtherWorker
            || visit.upstreamSchedulingError
          if !hasReason && !runByOtherWorker.contains(visit.task) { notRun.insert(visit.task) }
          continue
        }
        let dependency = required[visit.next]
        if !visit.descended && !visited.contains(dependency) {
          visited.insert(dependency)
          visit.descended = true
          stack.append(visit)
          stack.append(Visit(dependency))
          continue
        }
        classify(&visit, dependency: dependency)
        visit.next += 1
        visit.descended = false
        stack.append(visit)
      }
    }
  }

  /// Records what `dependency`, already searched, says about why `visit`'s task is pending.
  private mutating func classify(_ visit: inout Visit, dependency: Int) {
    if everFailed.contains(dependency) || upstreamFailure.contains(dependency) {
      upstreamFailure.insert(visit.task)
      visit.upstreamFailure = true
    }
    if missingExternal.contains(dependency) || upstreamMissingDependency.contains(dependency) {
      upstreamMissingDependency.insert(visit.task)
      visit.upstreamMissingDependency = true
    }
    if runByOtherWorker.contains(dependency) || upstreamRunByOtherWorker.contains(dependency) {
      upstreamRunByOtherWorker.insert(visit.task)
      visit.upstreamRunByOtherWorker = true
    }
    if schedulingError.contains(dependency) {
      upstreamSchedulingError.insert(visit.task)
      visit.upstreamSchedulingError = true
    }
  }
}
