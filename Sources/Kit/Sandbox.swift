import Foundation

/// Where the kit's commands find the code they build and keep what they write. For a learner: the
/// exercises, built in `.build`, with the kit's state in `.kit/` and the pipelines' runs in
/// `workspace/`. When the self-check tries the READMEs' commands, it sets KIT_README_SANDBOX to a
/// folder of its own: the same commands then take the solutions, built in `.build-solutions`, and
/// keep their state and runs in that folder, so they neither read nor change the learner's work.
enum Sandbox {
  static let variable = "KIT_README_SANDBOX"
  static let folder: String? = ProcessInfo.processInfo.environment[variable].flatMap { $0.isEmpty ? nil : $0 }

  /// `.kit`, where progress, hints and backups are kept.
  static var state: String { folder.map { "\($0)/.kit" } ?? ".kit" }
  /// `workspace`, where `make run` runs each exercise's pipeline in a folder of its own.
  static var workspace: String { folder.map { "\($0)/workspace" } ?? "workspace" }

  /// The grader of the learner's exercises, or in the sandbox the solutions'.
  static func grader(timeLimit: Int? = nil) -> Grader {
    var grader = folder == nil ? Grader() : Grader.solutions
    grader.timeLimit = timeLimit
    return grader
  }
}
