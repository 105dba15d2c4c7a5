/// Why a task failed without running: a dependency that was complete when scheduled, or that ran,
/// is not complete when its dependent is about to start (its run wrote no output, or it was deleted).
///
/// The message is Luigi's: `Unfulfilled dependency at run time: <task id> (<missing paths>)`.
struct UnfulfilledDependency: Error, CustomStringConvertible, Sendable {
  let description: String

  init(missing: [TaskNode]) {
    let names = missing.map { dependency -> String in
      let paths = dependency.task.output().targets.filter { (try? $0.exists()) != true }.map(\.description)
      return paths.isEmpty ? dependency.info.id : "\(dependency.info.id) (\(paths.joined(separator: ", ")))"
    }
    let noun = missing.count == 1 ? "dependency" : "dependencies"
    description = "Unfulfilled \(noun) at run time: " + names.joined(separator: ", ")
  }
}
