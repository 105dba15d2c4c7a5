import Foundation
import Plumb
import PlumbTestSupport

#if canImport(Glibc)
  import Glibc
#endif

/// The fan-in through a fresh luigid, by Plumb and by Luigi's own worker, with two accounts of the
/// time luigid spent on the run's RPCs.
///
/// luigid serves one request at a time (one Python thread), so the time it is busy with a run is a
/// floor no worker can beat. Its access log records each request
/// (`200 POST /api/add_task (127.0.0.1) 1.23ms`), but only from the moment the request's headers
/// are read to the answer: not accepting and closing connections, reading the headers, or writing
/// that very log line, which a client that keeps luigid busy without a pause (every request written
/// before the last answer is read) shows to be a fifth to a quarter more. The kernel's account
/// (`/proc/<pid>/task/*/schedstat`) has all of it: the time luigid's threads were on a core, or
/// ready to run and waiting for one, during the run.
enum LuigidBench {
  struct Figures {
    let wall: Double
    /// RPCs luigid served for the run, and the seconds its access log says it spent serving them.
    let rpcs: Int
    let logged: Double
    /// The seconds luigid was on a core, or ready and waiting for one, during the run.
    let busy: Double
  }

  /// Plumb's run of the fan-in through a fresh luigid, or `nil` when luigid is not there.
  static func plumb(luigid: String, size: Int, workers: Int) throws -> Figures? {
    try withFreshLuigid(luigid) { port, folder in
      var options = RunOptions()
      options.workingDirectory = folder.path
      options.configuration = Configuration()
      options.logLevel = .error
      options.workers = workers
      options.scheduler = .central(CentralScheduler(host: "127.0.0.1", port: port))
      let root = Shape.fanIn.root(size: size)
      var result: RunResult?
      let wall = try seconds { result = try build([root], options: options) }
      guard let result, result.success, result.records.count == size else {
        throw BenchError(description: "the run through luigid did not succeed:\n\(result?.summary ?? "")")
      }
      return wall
    }
  }

  /// Luigi's worker (Benchmarks/luigi_fan_in.py) on the same fan-in through a fresh luigid.
  static func luigi(luigid: String, python: String, script: String, size: Int, workers: Int) throws -> Figures? {
    try withFreshLuigid(luigid) { port, folder in
      let process = Process()
      process.executableURL = URL(fileURLWithPath: python)
      process.arguments = [script, folder.path, String(size), String(workers), String(port)]
      let output = Pipe()
      process.standardOutput = output
      process.standardError = FileHandle.nullDevice
      try process.run()
      let text = String(decoding: output.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
      process.waitUntilExit()
      guard process.terminationStatus == 0, let wall = Double(text.trimmingCharacters(in: .whitespacesAndNewlines))
      else { throw BenchError(description: "Luigi's run through luigid failed (exit \(process.terminationStatus))") }
      return wall
    }
  }

  /// Starts luigid with a fresh state in a folder of its own, runs `body` (which returns the run's
  /// wall time), stops luigid, and reads its access log.
  private static func withFreshLuigid(
    _ luigid: String, _ body: (_ port: Int, _ folder: BenchFolder) throws -> Double
  ) throws -> Figures? {
    guard FileManager.default.isExecutableFile(atPath: luigid) else { return nil }
    let state = try BenchFolder()
    defer { state.remove() }
    let work = try BenchFolder()
    defer { work.remove() }
    let port = try LoopbackPort.unused()
    let server = Process()
    server.executableURL = URL(fileURLWithPath: luigid)
    server.arguments = [
      "--address", "127.0.0.1", "--port", String(port), "--logdir", state.path,
      "--state-path", state.path + "/state.pickle",
    ]
    server.standardOutput = FileHandle.nullDevice
    server.standardError = FileHandle.nullDevice
    try server.run()
    defer {
      if server.isRunning {
        server.terminate()
        server.waitUntilExit()
      }
    }
    try waitUntilListening(port: port)
    let before = busySeconds(server.processIdentifier)
    let wall = try body(port, work)
    let busy = busySeconds(server.processIdentifier) - before
    server.terminate()
    server.waitUntilExit()
    let log = (try? String(contentsOfFile: state.path + "/luigi-server.log", encoding: .utf8)) ?? ""
    // The RPCs of the run only: the start-up probe below asked for the root page, not /api/.
    let served = log.split(separator: "\n").filter { $0.contains("tornado.access") && $0.contains(" /api/") }
    let logged = served.compactMap { line -> Double? in
      guard let milliseconds = line.split(separator: " ").last, milliseconds.hasSuffix("ms") else { return nil }
      return Double(milliseconds.dropLast(2)).map { $0 / 1000 }
    }
    return Figures(wall: wall, rpcs: served.count, logged: logged.reduce(0, +), busy: busy)
  }

  /// The seconds `pid`'s threads have been on a core or ready and waiting for one: the first two
  /// figures of each thread's `schedstat`, in nanoseconds.
  private static func busySeconds(_ pid: Int32) -> Double {
    let tasks = "/proc/\(pid)/task"
    let threads = (try? FileManager.default.contentsOfDirectory(atPath: tasks)) ?? []
    let nanoseconds = threads.reduce(0) { sum, thread in
      let text = (try? String(contentsOfFile: "\(tasks)/\(thread)/schedstat", encoding: .utf8)) ?? ""
      return sum + text.split(separator: " ").prefix(2).compactMap { Int($0) }.reduce(0, +)
    }
    return Double(nanoseconds) / 1e9
  }

  /// Waits until luigid accepts connections on `port`, for at most 30 seconds.
  private static func waitUntilListening(port: Int) throws {
    let deadline = Date().addingTimeInterval(30)
    while Date() < deadline {
      let socket = Glibc.socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
      var address = sockaddr_in()
      address.sin_family = sa_family_t(AF_INET)
      address.sin_port = in_port_t(UInt16(port).bigEndian)
      address.sin_addr.s_addr = inet_addr("127.0.0.1")
      let connected = withUnsafePointer(to: &address) { pointer in
        pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
          connect(socket, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) == 0
        }
      }
      close(socket)
      if connected { return }
      usleep(50_000)
    }
    throw BenchError(description: "luigid did not start listening on 127.0.0.1:\(port) within 30 s")
  }
}
