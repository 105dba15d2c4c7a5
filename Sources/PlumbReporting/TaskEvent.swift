import Foundation
import PlumbCore

/// Something that happened to a task during a run, for ``RunOptions/observers``.
///
/// ```swift
/// options.observers.append { event in
///     if case .failed(let task, let error) = event { alert("\(task) failed: \(error)") }
/// }
/// ```
public enum TaskEvent: Sendable {
  /// The task's run began.
  case started(TaskInfo)
  /// The task's run finished without error.
  case succeeded(TaskInfo)
  /// The task's run threw (or a dependency was missing at run time). Not sent when the run of an
  /// external task (``RunOptions/retriesExternalTasks``) finds its data still missing, as Luigi's
  /// worker sends no failure event for it: the run's end tells of it if it never comes.
  case failed(TaskInfo, error: any Error)
  /// How long the task's run took, in seconds: sent when the run ends, just before
  /// ``succeeded(_:)`` (as Luigi sends `PROCESSING_TIME`) or ``failed(_:error:)``.
  case processingTime(TaskInfo, seconds: Double)
  /// An external task's data is missing, found while scheduling.
  case dependencyMissing(TaskInfo)
  /// The task's run failed and will be tried again.
  case retrying(TaskInfo, attempt: Int)
  /// The task was left pending because a task it requires failed, directly or further up:
  /// the summary's "had failed dependencies", Airflow's `upstream_failed`. Sent when the run ends,
  /// for exactly the tasks the summary lists under that heading.
  ///
  /// ```swift
  /// if case .upstreamFailed(let task) = event { skipped.append(task) }
  /// ```
  case upstreamFailed(TaskInfo)

  /// The task the event is about.
  public var task: TaskInfo {
    switch self {
    case .started(let task), .succeeded(let task), .failed(let task, _), .processingTime(let task, _),
      .dependencyMissing(let task), .retrying(let task, _), .upstreamFailed(let task):
      return task
    }
  }
}

/// A function that is told about each ``TaskEvent`` of a run. Its errors are logged and ignored.
public typealias TaskObserver = @Sendable (TaskEvent) throws -> Void
