import Foundation
import Plumb
import XCTest

#if canImport(FoundationNetworking)
  import FoundationNetworking
#endif

/// A real luigid (Luigi 3.8.1's central scheduler) for one test: on 127.0.0.1 on a free port, with a
/// fresh state file and the fast settings of a test (a dead worker is pruned after 5 s, a failed
/// task retried after 1 s), stopped by its pid when the test ends.
///
/// ```swift
/// let luigid = try LuigidServer(for: self)
/// var options = folder.options()
/// options.scheduler = .central(luigid.scheduler)
/// _ = try build([TopSongs(tld: "rs")], options: options)
/// let done = try luigid.call("task_list", ["status": "DONE", "upstream_status": "", "search": ""])
/// ```
///
/// luigid comes from the venv `make luigid-venv` installs (`make test` does) in `.build-luigi/venv`
/// under the package, or from the venv named by `PLUMB_LUIGI_VENV`. Without it the test fails,
/// saying how to install it: a test against luigid is the only check that Plumb speaks its protocol.
public final class LuigidServer: @unchecked Sendable {
  /// The port luigid listens on, on 127.0.0.1.
  public let port: Int
  // Replaced only by restartWithoutState(), which a test calls from its own thread, as it does stop().
  private var process: Process
  private let folder: TemporaryFolder

  /// The venv holding luigi.
  public static var venv: String { PackageVenv.path(".build-luigi/venv", override: "PLUMB_LUIGI_VENV") }

  /// The venv's Python, for Python Luigi workers (`python -m luigi --module ...`).
  public static var python: String { venv + "/bin/python" }

  /// luigid's settings for tests: a silent worker is dropped after 5 s (its running tasks fail),
  /// a failed task is pending again after 1 s, and every `get_work` prunes.
  public static let fastConfiguration = configuration(retryDelay: 1)

  /// The fast settings with luigid's `retry_delay`, the seconds before a failed task is pending again,
  /// and its `[resources]` limits.
  static func configuration(retryDelay: Int, resources: [String: Int] = [:], stableDoneCooldown: Int = 0) -> String {
    var text = """
      [scheduler]
      worker_disconnect_delay = 5
      retry_delay = \(retryDelay)
      prune_on_get_work = true
      stable_done_cooldown_secs = \(stableDoneCooldown)

      """
    if !resources.isEmpty {
      text += "[resources]\n" + resources.sorted { $0.key < $1.key }.map { "\($0.key) = \($0.value)\n" }.joined()
    }
    return text
  }

  private struct NotInstalled: Error, CustomStringConvertible {
    let path: String
    var description: String {
      "luigid is not installed at \(path): run `make luigid-venv` in the package folder (make test does it) "
        + "to install luigi==3.8.1 into .build-luigi/venv, or set PLUMB_LUIGI_VENV to a venv that has it"
    }
  }

  private struct NotReady: Error, CustomStringConvertible {
    let reason: String
    var description: String { "luigid did not start: \(reason)" }
  }

  /// Starts luigid for `test` and waits until it answers; it is stopped when the test ends.
  ///
  /// - Throws: when luigid is not installed (saying how to install it), or does not start.
  /// `retryDelay` is luigid's `retry_delay`: 1 s, or as long as a production luigid's 900 s for a
  /// test in which luigid must not hand a failed task out again. `resources` are luigid's limits
  /// (`[resources]`); a resource it does not list has a limit of 1. `stableDoneCooldown` is its
  /// `stable_done_cooldown_secs`: 0, or 10 as luigid has it unless configured, for a test of what a
  /// run does when luigid ignores its claims on tasks it marked DONE moments before.
  public init(
    for test: XCTestCase, retryDelay: Int = 1, resources: [String: Int] = [:], stableDoneCooldown: Int = 0
  ) throws {
    let luigid = Self.venv + "/bin/luigid"
    guard FileManager.default.isExecutableFile(atPath: luigid) else { throw NotInstalled(path: luigid) }
    folder = try TemporaryFolder(removedAfter: test)
    try folder.write(
      Self.configuration(retryDelay: retryDelay, resources: resources, stableDoneCooldown: stableDoneCooldown),
      to: "luigid.cfg")
    try FileManager.default.createDirectory(atPath: folder.path(of: "log"), withIntermediateDirectories: true)
    port = try LoopbackPort.unused()
    process = try Self.launch(luigid, port: port, in: folder)
    test.addTeardownBlock { [self] in stop() }
    try waitUntilReady()
  }

  /// Starts luigid on `port` with its state, configuration and log in `folder`.
  private static func launch(_ luigid: String, port: Int, in folder: TemporaryFolder) throws -> Process {
    let process = Process()
    process.executableURL = URL(fileURLWithPath: luigid)
    process.arguments = [
      "--address", "127.0.0.1", "--port", String(port), "--logdir", folder.path(of: "log"),
      "--state-path", folder.path(of: "state.pickle"),
    ]
    // Its own folder: luigid also reads ./luigi.cfg.
    process.currentDirectoryURL = URL(fileURLWithPath: folder.path)
    var environment = ProcessInfo.processInfo.environment
    environment["LUIGI_CONFIG_PATH"] = folder.path(of: "luigid.cfg")
    process.environment = environment
    try folder.write("", to: "luigid.out")
    let output = try FileHandle(forWritingTo: URL(fileURLWithPath: folder.path(of: "luigid.out")))
    process.standardOutput = output
    process.standardError = output
    ServerLeftovers.stopAbandoned()
    try process.run()
    ServerLeftovers.remember(process)
    return process
  }

  /// Kills luigid outright (SIGKILL, so it saves nothing), deletes its state file, and starts a
  /// new luigid on the same port: a scheduler restarted after a crash, which knows no task.
  public func restartWithoutState() throws {
    kill(process.processIdentifier, SIGKILL)
    process.waitUntilExit()
    ServerLeftovers.forget(process.processIdentifier)
    folder.delete("state.pickle")
    process = try Self.launch(Self.venv + "/bin/luigid", port: port, in: folder)
    try waitUntilReady()
  }

  /// luigid's log so far (its scheduler's INFO lines among them): what it did on its own, such as
  /// failing the task of a worker it dropped.
  public var log: String { folder.contents(of: "log/luigi-server.log") ?? "" }

  /// `http://127.0.0.1:<port>`, without a trailing slash.
  public var url: String { "http://127.0.0.1:\(port)" }

  /// The scheduler settings a run in the test uses: this luigid, quick retries and polling.
  public var scheduler: CentralScheduler {
    var scheduler = CentralScheduler(host: "127.0.0.1", port: port)
    scheduler.retryAttempts = 2
    scheduler.retryWait = 0.1
    scheduler.waitInterval = 0.1
    return scheduler
  }

  /// The command-line flags that point a Plumb process (or a Python Luigi worker) at this luigid.
  public var flags: [String] { ["--scheduler-host", "127.0.0.1", "--scheduler-port", String(port)] }

  /// Calls luigid's API `method` with `arguments` (a JSON object) and returns its `response`, as
  /// `JSONSerialization` reads it: `[String: Any]`, `[Any]`, `String`, `NSNumber`, `NSNull`.
  ///
  /// - Throws: when luigid does not answer within 10 s or answers something else than its JSON.
  public func call(_ method: String, _ arguments: [String: Any] = [:]) throws -> Any {
    let json = try JSONSerialization.data(withJSONObject: arguments)
    var request = URLRequest(url: URL(string: url + "/api/" + method)!, timeoutInterval: 10)
    request.httpMethod = "POST"
    request.setValue("application/x-www-form-urlencoded", forHTTPHeaderField: "Content-Type")
    var allowed = CharacterSet.alphanumerics
    allowed.insert(charactersIn: "-._~")
    let form = String(decoding: json, as: UTF8.self).addingPercentEncoding(withAllowedCharacters: allowed) ?? ""
    request.httpBody = Data(("data=" + form).utf8)
    let body = try Self.send(request)
    guard let answer = try JSONSerialization.jsonObject(with: body) as? [String: Any], let response = answer["response"]
    else { throw NotReady(reason: "luigid answered \(method) with something that is not its JSON") }
    return response
  }

  /// The body of the answer to `request`, or the error; blocks the calling thread.
  private static func send(_ request: URLRequest) throws -> Data {
    final class Outcome: @unchecked Sendable {
      var result: Result<Data, any Error> = .failure(URLError(.timedOut))
    }
    let outcome = Outcome()
    let done = DispatchSemaphore(value: 0)
    URLSession.shared.dataTask(with: request) { data, response, error in
      if let error {
        outcome.result = .failure(error)
      } else if let status = (response as? HTTPURLResponse)?.statusCode, status != 200 {
        outcome.result = .failure(NotReady(reason: "HTTP \(status) for \(request.url?.path ?? "")"))
      } else {
        outcome.result = .success(data ?? Data())
      }
      done.signal()
    }.resume()
    done.wait()
    return try outcome.result.get()
  }

  /// Polls the visualiser's page until luigid serves it (about a second), or fails after a minute.
  private func waitUntilReady() throws {
    var page = URLRequest(url: URL(string: url + "/static/visualiser/index.html")!, timeoutInterval: 1)
    page.cachePolicy = .reloadIgnoringLocalAndRemoteCacheData
    let deadline = Date().addingTimeInterval(60)
    while true {
      guard process.isRunning else {
        throw NotReady(
          reason: "it exited with \(process.terminationStatus): \(folder.contents(of: "luigid.out") ?? "")")
      }
      if (try? Self.send(page)) != nil { return }
      guard Date() < deadline else { throw NotReady(reason: "no answer on \(url) within a minute") }
      usleep(20_000)
    }
  }

  /// Stops luigid: SIGTERM, then SIGKILL if it has not ended within 10 s; returns once it has.
  /// luigid saves its state on SIGTERM, in the test's folder, which goes with the test.
  public func stop() {
    guard process.isRunning else { return }
    kill(process.processIdentifier, SIGTERM)
    let deadline = Date().addingTimeInterval(10)
    while process.isRunning && Date() < deadline { usleep(10_000) }
    if process.isRunning { kill(process.processIdentifier, SIGKILL) }
    process.waitUntilExit()
    ServerLeftovers.forget(process.processIdentifier)
  }
}
