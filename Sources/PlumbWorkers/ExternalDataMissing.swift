import Foundation
import PlumbCore

/// Why the run of an external task failed: with ``RunOptions/retriesExternalTasks``, running an
/// ``ExternalTask`` is checking its `complete()` again, as Luigi's worker does with `[worker]
/// retry_external_tasks`, and its data was still missing.
///
/// The message is Luigi's (``explanation``), then the paths that are missing, so the reader knows
/// which file to provide: `Task is an external data dependency and data does not exist (yet?).
/// (missing: data/day-2.txt)`.
package struct ExternalDataMissing: Error, CustomStringConvertible, Sendable {
  /// Luigi's words, the `expl` its worker sends luigid for such a failure.
  package static let explanation = "Task is an external data dependency and data does not exist (yet?)."

  package let description: String

  init(missing paths: [String]) {
    description = Self.explanation + (paths.isEmpty ? "" : " (missing: \(paths.joined(separator: ", ")))")
  }

  /// The outputs of `task` that do not exist, as the messages name them (an absolute path
  /// standardized: `/tmp/./a` is `/tmp/a`).
  ///
  /// - Throws: what a target's `exists()` throws, with the target.
  package static func missingPaths(of task: any PipelineTask) throws(TargetCheckError) -> [String] {
    var missing: [String] = []
    for target in task.output().targets {
      do {
        if try target.exists() { continue }
      } catch {
        throw TargetCheckError(target: target.description, underlying: error)
      }
      let name = target.description
      missing.append(name.hasPrefix("/") ? (name as NSString).standardizingPath : name)
    }
    return missing
  }

  /// A target's `exists()` threw while ``missingPaths(of:)`` asked it.
  package struct TargetCheckError: Error, Sendable {
    /// The target, as it describes itself.
    package let target: String
    package let underlying: any Error
  }
}
