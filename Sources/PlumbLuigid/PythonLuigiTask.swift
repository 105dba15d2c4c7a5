import Foundation
import PlumbCore
import Synchronization

/// A handed Python task (luigid knows its module), run as Luigi's own assistant would run it: by
/// Python Luigi on this machine, in a process of its own, in the run's folder.
///
/// The process loads the task with Luigi's `load_task` (what Luigi's assistant calls: the module
/// imported, the family looked up, the parameters parsed from luigid's strings), checks that
/// its id is the one luigid sent and that its requirements are complete (Luigi's check before
/// `run()`), then runs it alone with `luigi.build` on the local scheduler. Its exit status says
/// done or failed; a task that cannot be loaded fails with Luigi's "Cannot find task(s) sent by
/// scheduler". Cancelling the run's task ends the process (SIGTERM).
struct PythonLuigiTask: PipelineTask {
  var handed = HandedTask()
  var interpreter = "python3"

  /// Luigi retries on luigid's side (`retry_delay`), as for its own assistant's tasks.
  var retryPolicy: RetryPolicy? { RetryPolicy(retries: 0, delay: 0) }

  /// Exit status of ``script`` when the task cannot be made (import, family, parameters, id).
  private static let cannotLoad: Int32 = 3
  /// How many of the process's last output lines a failure explains itself with.
  private static let linesKept = 20

  private static let script = """
    import json, sys
    module, family, params, expected = sys.argv[1], sys.argv[2], json.loads(sys.argv[3]), sys.argv[4]
    try:
        import luigi
        from luigi.task_register import load_task
        task = load_task(module, family, params)
    except BaseException as error:
        print(f"{type(error).__name__}: {error}", file=sys.stderr)
        sys.exit(3)
    if task.task_id != expected:
        print(f"its parameters make {task.task_id}, not {expected}", file=sys.stderr)
        sys.exit(3)
    missing = [dep.task_id for dep in luigi.task.flatten(task.requires()) if not dep.complete()]
    if missing:
        print("Unfulfilled dependencies at run time: " + ", ".join(missing), file=sys.stderr)
        sys.exit(1)
    result = luigi.build([task], local_scheduler=True, detailed_summary=True)
    succeeded = result.status in (luigi.LuigiStatusCode.SUCCESS, luigi.LuigiStatusCode.SUCCESS_WITH_RETRY)
    sys.exit(0 if succeeded else 1)
    """

  func run() async throws {
    let log = FileManager.default.temporaryDirectory.appendingPathComponent("plumb-luigi-\(UUID().uuidString).log")
    guard FileManager.default.createFile(atPath: log.path, contents: nil) else {
      throw HandedTaskError.pythonFailed(
        interpreter: interpreter, ending: "did not start: cannot create \(log.path)", lastLines: [])
    }
    defer { try? FileManager.default.removeItem(at: log) }
    let output = try FileHandle(forWritingTo: log)
    defer { try? output.close() }
    let process = Process()
    // Through env, so that `[worker] python` may be a name looked up in PATH or a path.
    process.executableURL = URL(fileURLWithPath: "/usr/bin/env")
    process.arguments = [
      interpreter, "-c", Self.script, handed.module ?? "", handed.family,
      JSONValue.object(handed.parameters.mapValues { .string($0) }).text, handed.taskID,
    ]
    process.currentDirectoryURL = URL(fileURLWithPath: RunContext.current?.workingDirectory ?? ".")
    process.standardInput = FileHandle.nullDevice
    process.standardOutput = output
    process.standardError = output
    let running = RunningProcess(process)
    let ending = try await withTaskCancellationHandler {
      try await running.run()
    } onCancel: {
      running.terminate()
    }
    guard ending != .exited(0) else { return }
    let lines = Self.lastLines(of: log)
    if ending == .exited(Self.cannotLoad) {
      let reason = lines.last ?? "Python Luigi could not load it"
      throw HandedTaskError.cannotFind(taskID: handed.taskID, reason: "\(interpreter): \(reason)")
    }
    // `env` exits 127 when it cannot find the interpreter.
    let text = ending == .exited(127) ? "was not found" : ending.description
    throw HandedTaskError.pythonFailed(interpreter: interpreter, ending: text, lastLines: lines)
  }

  private static func lastLines(of file: URL) -> [String] {
    guard let text = try? String(contentsOf: file, encoding: .utf8) else { return [] }
    return Array(text.split(separator: "\n").suffix(linesKept).map(String.init))
  }
}

/// How a process ended.
enum ProcessEnding: Equatable, CustomStringConvertible {
  case exited(Int32)
  case signalled(Int32)

  var description: String {
    switch self {
    case .exited(let status): return "exited with status \(status)"
    case .signalled(let signal): return "was ended by signal \(signal)"
    }
  }
}

/// A `Process` that may be told to end from another thread (a cancelled run), before, while or
/// after it runs: `Process` is not `Sendable`, and terminating one not started yet is an error.
private final class RunningProcess: @unchecked Sendable {
  /// Guarded by `state`: the process is touched only under the lock.
  private let process: Process
  private let state = Mutex((started: false, cancelled: false))

  init(_ process: Process) { self.process = process }

  func run() async throws -> ProcessEnding {
    try await withCheckedThrowingContinuation { (continuation: CheckedContinuation<ProcessEnding, any Error>) in
      process.terminationHandler = { process in
        let status = process.terminationStatus
        continuation.resume(returning: process.terminationReason == .exit ? .exited(status) : .signalled(status))
      }
      let failure: (any Error)? = state.withLock { state in
        guard !state.cancelled else { return CancellationError() }
        do {
          try process.run()
          state.started = true
          return nil
        } catch {
          return error
        }
      }
      if let failure {
        process.terminationHandler = nil
        continuation.resume(throwing: failure)
      }
    }
  }

  func terminate() {
    state.withLock { state in
      state.cancelled = true
      if state.started { process.terminate() }
    }
  }
}
