/// A heading of the execution summary, in the order Luigi prints them. The categories after
/// ``stillPending`` are its sub-categories, printed indented under it.
enum SummaryCategory: CaseIterable {
  case alreadyDone
  case completed
  case failed
  case schedulingError
  case stillPending
  case missingExternal
  case runByOtherWorker
  case upstreamFailure
  case upstreamMissingDependency
  case upstreamRunByOtherWorker
  case upstreamSchedulingError
  case notRun

  /// The words after the count: `* 2 ran successfully:`.
  var heading: String {
    switch self {
    case .alreadyDone: return "complete ones were encountered"
    case .completed: return "ran successfully"
    case .failed: return "failed"
    case .schedulingError: return "failed scheduling"
    case .stillPending: return "were left pending, among these"
    case .missingExternal: return "were missing external dependencies"
    case .runByOtherWorker: return "were being run by another worker"
    case .upstreamFailure: return "had failed dependencies"
    case .upstreamMissingDependency: return "had missing dependencies"
    case .upstreamRunByOtherWorker: return "had dependencies that were being run by other worker"
    case .upstreamSchedulingError: return "had dependencies whose scheduling failed"
    case .notRun: return "was not granted run permission by the scheduler"
    }
  }

  /// Whether the category is printed indented under ``stillPending``.
  var isPendingSubcategory: Bool {
    switch self {
    case .alreadyDone, .completed, .failed, .schedulingError, .stillPending: return false
    default: return true
    }
  }
}
