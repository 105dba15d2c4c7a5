/// Why a task failed without running: a dependency that was complete when scheduled, or that ran,
/// is not complete when its dependent is about to start (its run wrote no output, or it was deleted).
///
/// The message is Luigi's: `Unfulfilled dependency at run time: <task id> (<missing paths>)`; a
/// target whose `exists()` throws is listed with the error, since it may not be missing.
struct UnfulfilledDependency: Error, CustomStringConvertible, Sendable {
  let description: String

  init(missing: [TaskNode]) {
    let names = missing.map { dependency -> String in
      let paths = dependency.task.output().targets.compactMap { target -> String? in
        do {
          return try target.exists() ? nil : target.description
        } catch {
          return "\(target): \(error.oneLineDescription)"
        }
      }
      return paths.isEmpty ? dependency.info.id : "\(dependency.info.id) (\(paths.joined(separator: ", ")))"
    }
    let noun = missing.count == 1 ? "dependency" : "dependencies"
    description = "Unfulfilled \(noun) at run time: " + names.joined(separator: ", ")
  }
}
