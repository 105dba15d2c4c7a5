import Foundation
import PlumbCore

/// How a Plumb worker names itself to luigid: an id in the form Luigi's workers use, unique per
/// process, and the worker info luigid shows in its Workers tab and echoes to other workers.
struct WorkerIdentity: Sendable {
  /// `Worker(salt=123456789, workers=2, host=vm, username=root, pid=4242)`, as a Python worker's id
  /// reads; other workers' summaries name this worker by it ("- Worker(...) ran 3 tasks").
  let id: String
  let host: String
  /// `add_worker`'s `info`: `[key, value]` pairs, with `["lang", "swift"]` and `["plumb", version]`
  /// saying this is not a Python worker (which matters: it cannot run Python tasks, nor a Python
  /// worker Plumb's).
  let info: JSONValue

  init(workers: Int) {
    host = ProcessInfo.processInfo.hostName
    let salt = String(UInt64.random(in: 100_000_000...9_999_999_999))
    let user = Self.userName
    let pid = Int(getpid())
    id = "Worker(salt=\(salt), workers=\(workers), host=\(host), username=\(user), pid=\(pid))"
    info = .array([
      .array(["salt", .string(salt)]),
      .array(["workers", .number(Double(workers))]),
      .array(["host", .string(host)]),
      .array(["username", .string(user)]),
      .array(["pid", .number(Double(pid))]),
      .array(["lang", "swift"]),
      .array(["plumb", .string(PlumbVersion.text)]),
    ])
  }

  private static var userName: String {
    if let entry = getpwuid(getuid()), let name = entry.pointee.pw_name { return String(cString: name) }
    return ProcessInfo.processInfo.environment["USER"] ?? "unknown"
  }
}
