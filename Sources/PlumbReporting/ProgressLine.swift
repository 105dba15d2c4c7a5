/// The summary's last line, `This progress looks :) because ...`: the first rule that matches a
/// run's ``TaskSets`` wins.
enum ProgressLine {
  case successWithRetry
  case failedAndSchedulingFailed
  case failed
  case schedulingFailed
  case notRun
  case missingExternal
  case success

  init(_ sets: TaskSets) {
    if !sets.everFailed.isEmpty {
      if sets.failed.isEmpty {
        self = .successWithRetry
      } else {
        self = sets.schedulingError.isEmpty ? .failed : .failedAndSchedulingFailed
      }
    } else if !sets.schedulingError.isEmpty {
      self = .schedulingFailed
    } else if !sets.notRun.isEmpty {
      self = .notRun
    } else if !sets.missingExternal.isEmpty {
      self = .missingExternal
    } else {
      self = .success
    }
  }

  /// `:)`, `:(` or `:|`.
  var smiley: String {
    switch self {
    case .success, .successWithRetry: return ":)"
    case .failed, .failedAndSchedulingFailed, .schedulingFailed: return ":("
    case .notRun, .missingExternal: return ":|"
    }
  }

  /// Why the progress looks as it does.
  var reason: String {
    switch self {
    case .successWithRetry: return "there were failed tasks but they all succeeded in a retry"
    case .failedAndSchedulingFailed: return "there were failed tasks and tasks whose scheduling failed"
    case .failed: return "there were failed tasks"
    case .schedulingFailed: return "there were tasks whose scheduling failed"
    case .notRun: return "there were tasks that were not granted run permission by the scheduler"
    case .missingExternal: return "there were missing external dependencies"
    case .success: return "there were no failed tasks or missing dependencies"
    }
  }

  /// The whole line.
  var line: String { "This progress looks \(smiley) because \(reason)" }
}
