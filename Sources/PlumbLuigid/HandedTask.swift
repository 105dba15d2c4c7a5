import Foundation
import PlumbCore

/// A task luigid handed an assistant that the run did not schedule, as `get_work` names it: its
/// id, family, Python module (`nil` for a task a Swift worker registered) and parameters, as the
/// strings the worker that registered it sent.
struct HandedTask: Sendable, Equatable {
  var taskID = ""
  var family = ""
  var module: String?
  var parameters: [String: String] = [:]

  init() {}

  /// The task `get_work` handed out as `taskID`, from its answer.
  init(taskID: String, _ response: JSONValue) {
    self.taskID = taskID
    family = response["task_family"]?.string ?? ""
    module = response["task_module"]?.string.flatMap { $0.isEmpty ? nil : $0 }
    if case .object(let members)? = response["task_params"] {
      parameters = members.compactMapValues(\.string)
    }
  }

  /// How the summary and the log name it: `Family(name=value, ...)`, parameters by name.
  var info: TaskInfo {
    TaskInfo(family: family, parameters: parameters.sorted { $0.key < $1.key }.map { ($0.key, $0.value) })
  }
}

/// Why an assistant did not run a task luigid handed it, or how running it failed.
enum HandedTaskError: Error, CustomStringConvertible {
  /// The task could not be made here: Luigi's own assistant's words, then the reason.
  case cannotFind(taskID: String, reason: String)
  /// Python Luigi ran the task and it did not succeed: how the process ended, and its last lines.
  case pythonFailed(interpreter: String, ending: String, lastLines: [String])

  var description: String {
    switch self {
    case .cannotFind(let taskID, let reason):
      return "Cannot find task(s) sent by scheduler: \(taskID): \(reason)"
    case .pythonFailed(let interpreter, let ending, let lastLines):
      let tail = lastLines.isEmpty ? "" : ":\n" + lastLines.joined(separator: "\n")
      return "Python Luigi (\(interpreter)) \(ending)\(tail)"
    }
  }
}

/// A handed task that cannot be made here: of a family the assistant does not know and with no
/// Python module (another Swift program's), or whose parameters do not give back its id. Running
/// it fails at once, as Luigi's assistant fails a task it cannot load.
struct UnloadableTask: PipelineTask {
  var handed = HandedTask()
  /// Why it cannot be made here, for the message.
  var reason = ""

  /// Retrying here cannot make it loadable.
  var retryPolicy: RetryPolicy? { RetryPolicy(retries: 0, delay: 0) }

  func run() throws {
    throw HandedTaskError.cannotFind(taskID: handed.taskID, reason: reason)
  }
}
