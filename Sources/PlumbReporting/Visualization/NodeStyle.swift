/// How the graph shows a task: its status as a person reads it, and the colours for it.
///
/// The colours follow Luigi's visualiser: green for done (lighter when it was already complete),
/// red for failed, yellow for pending, grey for missing external data, blue for another worker's;
/// orange, as Airflow shows `upstream_failed`, for a pending task that had failed dependencies, so
/// the tasks that broke stand apart from the ones that only waited on them.
enum NodeStyle: CaseIterable {
  case alreadyComplete
  case succeeded
  case failed
  case schedulingFailed
  case upstreamFailed
  case pending
  case missingExternal
  case runByOtherWorker

  /// The style of `record`; `upstreamFailed` says that the summary lists it among the tasks that
  /// had failed dependencies.
  init(_ record: TaskRecord, upstreamFailed: Bool = false) {
    switch record.status {
    case .alreadyComplete: self = .alreadyComplete
    case .succeeded: self = .succeeded
    case .failed: self = .failed
    case .schedulingFailed: self = .schedulingFailed
    case .pending where record.isExternal: self = .missingExternal
    case .pending: self = upstreamFailed ? .upstreamFailed : .pending
    case .runByOtherWorker: self = .runByOtherWorker
    }
  }

  /// The words for the legend and tooltips.
  var label: String {
    switch self {
    case .alreadyComplete: return "already complete"
    case .succeeded: return "ran successfully"
    case .failed: return "failed"
    case .schedulingFailed: return "failed scheduling"
    case .upstreamFailed: return "had failed dependencies (upstream failed)"
    case .pending: return "pending"
    case .missingExternal: return "missing external data"
    case .runByOtherWorker: return "run by another worker"
    }
  }

  /// A name usable as a CSS or Mermaid class.
  var className: String {
    switch self {
    case .alreadyComplete: return "alreadyComplete"
    case .succeeded: return "succeeded"
    case .failed: return "failed"
    case .schedulingFailed: return "schedulingFailed"
    case .upstreamFailed: return "upstreamFailed"
    case .pending: return "pending"
    case .missingExternal: return "missingExternal"
    case .runByOtherWorker: return "runByOtherWorker"
    }
  }

  var fill: String {
    switch self {
    case .alreadyComplete: return "#c8e6c9"
    case .succeeded: return "#43a047"
    case .failed: return "#e53935"
    case .schedulingFailed: return "#8e24aa"
    case .upstreamFailed: return "#fb8c00"
    case .pending: return "#ffca28"
    case .missingExternal: return "#bdbdbd"
    case .runByOtherWorker: return "#64b5f6"
    }
  }

  var stroke: String {
    switch self {
    case .alreadyComplete: return "#66bb6a"
    case .succeeded: return "#2e7031"
    case .failed: return "#a31f1c"
    case .schedulingFailed: return "#5c1470"
    case .upstreamFailed: return "#b35c00"
    case .pending: return "#c79a00"
    case .missingExternal: return "#757575"
    case .runByOtherWorker: return "#1565c0"
    }
  }

  /// The text colour, dark on light fills and white on dark ones.
  var textColor: String {
    switch self {
    case .alreadyComplete: return "#1b4d20"
    case .succeeded, .failed, .schedulingFailed: return "#ffffff"
    case .upstreamFailed: return "#2e1600"
    case .pending: return "#3d2f00"
    case .missingExternal: return "#212121"
    case .runByOtherWorker: return "#0d2a4d"
    }
  }
}
