import PlumbCore

/// A task type that can tell whether many of its tasks are complete at once, faster than asking
/// each: one database query, one listing of a bucket. Ranges use it to check their dates in bulk
/// (Luigi's `bulk_complete`).
///
/// ```swift
/// extension DailyReport: BulkCompletion {
///     static func completeness(of tasks: [DailyReport]) throws -> [Bool] {
///         let present = Set(try FileManager.default.contentsOfDirectory(atPath: "reports"))
///         return tasks.map { present.contains("\($0.date).tsv") }
///     }
/// }
/// ```
public protocol BulkCompletion: PipelineTask {
  /// Whether each task is complete, in the same order; the same answers ``PipelineTask/complete()``
  /// would give one by one.
  static func completeness(of tasks: [Self]) throws -> [Bool]
}
