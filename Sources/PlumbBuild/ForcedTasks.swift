import Foundation
import PlumbCore
import Synchronization

#if canImport(Glibc)
  import Glibc
#elseif canImport(Darwin)
  import Darwin
#endif

/// The tasks a run runs again although their outputs exist: those that `--force` patterns name
/// and everything downstream of them in the requested graph, as Airflow's "clear" does.
///
/// Their old outputs stay in place until the new ones replace them (targets write to a temporary
/// file and rename it), so a forced run that fails loses nothing.
package final class ForcedTasks: Sendable {
  /// The forced tasks.
  let tasks: Set<TaskInfo>
  /// Whether ranges should stand for every date they cover, not only the missing ones: true only
  /// while the whole graph is walked to find what is downstream of the named tasks.
  package let expandsEverything: Bool

  /// The forced tasks of the run in progress, while its graph is built.
  @TaskLocal package static var current: ForcedTasks?

  private init(tasks: Set<TaskInfo>, expandsEverything: Bool) {
    self.tasks = tasks
    self.expandsEverything = expandsEverything
  }

  /// Whether `task` is forced.
  package func contains(_ task: (any PipelineTask)?) -> Bool {
    guard let task else { return false }
    return tasks.contains(TaskInfo(task))
  }

  /// Whether a task matches `pattern`: a family name (`ScrapeDay`), or a task's text form with
  /// shell wildcards (`ScrapeDay(date=2024-01-0*)`).
  static func matches(_ info: TaskInfo, pattern: String) -> Bool {
    let subject = pattern.contains("(") ? info.description : info.family
    return fnmatch(pattern, subject, 0) == 0
  }

  /// The tasks `patterns` name in the graph of `roots` (walked in full, through complete tasks
  /// too), and every task that depends on one of them, directly or further up.
  ///
  /// - Throws: ``ForceError`` when a pattern names no task of the graph; ``PipelineError`` as
  ///   building the graph would.
  static func find(patterns: [String], roots: [any PipelineTask], context: RunContext) throws -> ForcedTasks {
    var dependents: [TaskInfo: [TaskInfo]] = [:]
    var seen = Set<TaskInfo>()
    var matched = Set<TaskInfo>()
    var unmatched = Set(patterns)
    let expanding = ForcedTasks(tasks: [], expandsEverything: true)
    try $current.withValue(expanding) {
      var stack = roots
      while let task = stack.popLast() {
        let info = TaskInfo(task)
        guard seen.insert(info).inserted else { continue }
        for pattern in patterns where matches(info, pattern: pattern) {
          matched.insert(info)
          unmatched.remove(pattern)
        }
        // A task whose requirements cannot be listed now fails to schedule in the run itself.
        guard let required = try? task.requires().requiredTasks else { continue }
        for dependency in required {
          let resolved = try context.resolvedTask(dependency)
          dependents[TaskInfo(resolved), default: []].append(info)
          stack.append(resolved)
        }
      }
    }
    if let pattern = unmatched.sorted().first {
      throw ForceError(pattern: pattern, examples: seen.map(\.description).sorted().prefix(3).map { $0 })
    }
    var forced = matched
    var queue = Array(matched)
    while let info = queue.popLast() {
      for dependent in dependents[info, default: []] where forced.insert(dependent).inserted {
        queue.append(dependent)
      }
    }
    return ForcedTasks(tasks: forced, expandsEverything: false)
  }
}

/// A `--force` pattern that names no task of the requested graph.
package struct ForceError: Error, CustomStringConvertible {
  let pattern: String
  let examples: [String]

  package var description: String {
    escapingControlCharacters(
      "--force \(pattern) names no task this run would schedule: give a family (ScrapeDay) or a task as the "
        + "summary writes it, * for any text"
        + (examples.isEmpty ? "" : " (such as \(examples.joined(separator: ", ")))"))
  }
}
