import Foundation
import Plumb
import PlumbTestSupport
import XCTest

private struct HookFailure: Error, CustomStringConvertible {
  let tld: String
  var description: String { "the chart for \(tld) is <empty> & stale" }
}

/// Fails every time, with an error whose text Slack would read as markup.
struct HookedFailing: PipelineTask {
  @Parameter(help: "a country code") var tld: String = .required
  func output() -> LocalTarget { LocalTarget("failing-\(tld).txt") }
  func run() throws { throw HookFailure(tld: tld) }
}

struct HookedWorking: PipelineTask {
  func output() -> LocalTarget { LocalTarget("working.txt") }
  func run() throws { try output().write("done") }
}

final class WebhookTests: XCTestCase {
  private var folder: TemporaryFolder!

  override func setUpWithError() throws {
    folder = try TemporaryFolder(removedAfter: self)
  }

  /// Runs `task` with `hook` (if any) observing, collecting the log at warning level.
  private func run(_ task: any PipelineTask, hook: Webhook?) throws -> (result: RunResult, log: [String]) {
    let logged = RunProbe()
    var options = folder.options()
    options.logLevel = .warning
    options.logSink = { line in logged.note(line) }
    if let hook { options.observers.append(hook.observer) }
    let result = try build([task], options: options)
    return (result, logged.log)
  }

  /// The JSON objects posted to the server, in order.
  private func postedMessages(_ server: LoopbackHTTPServer) throws -> [[String: Any]] {
    try server.requests.filter { $0.method == "POST" }.map { request in
      try XCTUnwrap(try JSONSerialization.jsonObject(with: request.body) as? [String: Any], "not a JSON object")
    }
  }

  private func warnings(in log: [String]) -> [String] {
    log.filter { $0.hasPrefix("plumb: warning: ") }
  }

  func testAFailingTaskPostsOneMessageWithItsFacts() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .text("ok")])
    defer { server.stop() }
    let task = HookedFailing(tld: "rs")
    let hook = try Webhook(url: server.url("/hook"), timeout: 5)
    let before = Date()

    let (result, log) = try run(task, hook: hook)

    XCTAssertFalse(result.success)
    XCTAssertEqual(server.requests.count, 1)
    XCTAssertEqual(server.requests.first?.method, "POST")
    XCTAssertEqual(server.requests.first?.headers["content-type"], "application/json")
    let message = try XCTUnwrap(try postedMessages(server).first)
    let host = ProcessInfo.processInfo.hostName
    let error = "the chart for rs is <empty> & stale"
    XCTAssertEqual(message["event"] as? String, "failure")
    XCTAssertEqual(message["task"] as? String, "HookedFailing(tld=rs)")
    XCTAssertEqual(message["task_id"] as? String, TaskInfo(task).id)
    XCTAssertEqual(message["family"] as? String, "HookedFailing")
    XCTAssertEqual(message["parameters"] as? [String: String], ["tld": "rs"])
    XCTAssertEqual(message["error"] as? String, error)
    XCTAssertEqual(message["host"] as? String, host)
    XCTAssertEqual(
      message["text"] as? String,
      "Plumb: HookedFailing(tld=rs) failed on \(host): the chart for rs is &lt;empty&gt; &amp; stale")
    let time = try XCTUnwrap(ISO8601DateFormatter().date(from: message["time"] as? String ?? ""), "time: \(message)")
    // The text form has whole seconds, so the event may read up to a second before `before`.
    XCTAssertGreaterThanOrEqual(time, before.addingTimeInterval(-1))
    XCTAssertLessThanOrEqual(time, Date())
    XCTAssertEqual(warnings(in: log), [], "a delivered message logs no warning")
  }

  /// A body over 1 KB makes some HTTP clients wait for `100 Continue`; the message must still arrive whole.
  func testALongMessageArrivesWhole() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .text("ok")])
    defer { server.stop() }
    let tld = String(repeating: "x", count: 3000)

    _ = try run(HookedFailing(tld: tld), hook: try Webhook(url: server.url("/hook"), timeout: 5))

    let messages = try postedMessages(server)
    XCTAssertEqual(messages.count, 1)
    XCTAssertEqual(messages.first?["parameters"] as? [String: String], ["tld": tld])
    XCTAssertEqual(messages.first?["error"] as? String, "the chart for \(tld) is <empty> & stale")
  }

  func testASuccessfulRunPostsNothingByDefault() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .text("ok")])
    defer { server.stop() }

    let (result, _) = try run(HookedWorking(), hook: try Webhook(url: server.url("/hook")))

    XCTAssertTrue(result.success)
    XCTAssertEqual(folder.contents(of: "working.txt"), "done")
    XCTAssertEqual(server.requests.count, 0)
  }

  func testAllEventsAlsoPostsSuccesses() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .status(204)])
    defer { server.stop() }

    let (result, _) = try run(HookedWorking(), hook: try Webhook(url: server.url("/hook"), on: .all))

    XCTAssertTrue(result.success)
    let messages = try postedMessages(server)
    XCTAssertEqual(messages.count, 1)
    XCTAssertEqual(messages.first?["event"] as? String, "success")
    XCTAssertEqual(messages.first?["task"] as? String, "HookedWorking()")
    XCTAssertEqual(messages.first?["parameters"] as? [String: String], [:])
    XCTAssertNil(messages.first?["error"], "a success has no error field")
    XCTAssertEqual(
      messages.first?["text"] as? String, "Plumb: HookedWorking() succeeded on \(ProcessInfo.processInfo.hostName)")
  }

  /// What a run of the failing task gives without a hook, to compare a run with a broken hook to.
  private func runWithoutHook() throws -> RunResult {
    let result = try run(HookedFailing(tld: "rs"), hook: nil).result
    folder.delete("failing-rs.txt")
    return result
  }

  func testARefusedConnectionChangesNothingButAWarning() throws {
    let expected = try runWithoutHook()
    let server = try LoopbackHTTPServer()
    // Slack's webhook URLs end in a secret token, which must stay out of the log.
    let url = server.url("/services/T000/SECRET-TOKEN")
    server.stop()

    let (result, log) = try run(HookedFailing(tld: "rs"), hook: try Webhook(url: url, timeout: 1))

    XCTAssertEqual(result.exitCode, expected.exitCode)
    XCTAssertEqual(result.summary, expected.summary)
    XCTAssertEqual(
      warnings(in: log),
      [
        "plumb: warning: an event observer failed on HookedFailing(tld=rs) and was ignored: "
          + "could not post to the webhook at \(server.baseURL.absoluteString)/services/T000/…: "
          + "connection refused by 127.0.0.1:\(server.port)"
      ])
    XCTAssertFalse(log.joined().contains("SECRET"), log.joined(separator: "\n"))
  }

  func testASilentServerTimesOutAndChangesNothingButAWarning() throws {
    let expected = try runWithoutHook()
    let server = try LoopbackHTTPServer(routes: ["/hook": .noAnswer])
    defer { server.stop() }
    let url = server.url("/hook")

    let (result, log) = try run(HookedFailing(tld: "rs"), hook: try Webhook(url: url, timeout: 1))

    XCTAssertEqual(result.exitCode, expected.exitCode)
    XCTAssertEqual(result.summary, expected.summary)
    XCTAssertEqual(server.requests.map(\.method), ["POST"], "the message was sent, the answer never came")
    XCTAssertEqual(
      warnings(in: log),
      [
        "plumb: warning: an event observer failed on HookedFailing(tld=rs) and was ignored: "
          + "could not post to the webhook at \(server.baseURL.absoluteString)/…: no answer within 1 s"
      ])
  }

  func testAnErrorStatusIsAWarningNamingIt() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .status(500)])
    defer { server.stop() }
    let url = server.url("/hook")

    let (result, log) = try run(HookedFailing(tld: "rs"), hook: try Webhook(url: url))

    XCTAssertEqual(result.exitCode, ExitCodes().taskFailed)
    XCTAssertEqual(
      warnings(in: log).map { $0.components(separatedBy: "and was ignored: ").last },
      ["could not post to the webhook at \(server.baseURL.absoluteString)/…: HTTP 500 Internal Server Error"])
  }

  /// An answer that is not HTTP is named as such, and the warning names the server and the path
  /// but never its last segment, the secret token.
  func testAnAnswerThatIsNotHTTPIsAWarningWithoutTheSecretToken() throws {
    let server = try LoopbackHTTPServer(routes: ["/services/T000/SECRET": .raw(Data("ok\n".utf8))])
    defer { server.stop() }

    let (result, log) = try run(
      HookedFailing(tld: "rs"), hook: try Webhook(url: server.url("/services/T000/SECRET"), timeout: 5))

    XCTAssertEqual(result.exitCode, ExitCodes().taskFailed)
    XCTAssertEqual(
      warnings(in: log).map { $0.components(separatedBy: "and was ignored: ").last },
      [
        "could not post to the webhook at \(server.baseURL.absoluteString)/services/T000/…: "
          + "the server did not answer with valid HTTP"
      ])
    XCTAssertFalse(log.joined().contains("SECRET"), log.joined(separator: "\n"))
  }

  /// While the message about a failure waits for a server that does not answer, the only worker
  /// goes on: the next task runs and meets the test, which then lets the message fail.
  func testAStuckMessageHoldsUpNoTask() throws {
    let server = try LoopbackHTTPServer(routes: ["/services/T000/SECRET": .noAnswer])
    defer { server.stop() }
    let meanwhile = WhileTheHookWaits(server: server, probe: RunProbe())
    let logged = RunProbe()
    var options = folder.options(workers: 1)
    options.logLevel = .warning
    options.logSink = { line in logged.note(line) }
    options.observers.append(try Webhook(url: server.url("/services/T000/SECRET"), timeout: 60).observer)
    let runOptions = options
    let outcome = RunOutcome()
    let ended = expectation(description: "the run ends")
    Thread {
      outcome.result = try? build([HookedFailing(tld: "rs"), meanwhile], options: runOptions)
      ended.fulfill()
    }.start()

    XCTAssertTrue(meanwhile.probe.meet(count: 2, timeout: 30), "the next task did not run while the message was stuck")
    server.stop()
    wait(for: [ended], timeout: 30)

    let result = try XCTUnwrap(outcome.result)
    XCTAssertEqual(result.status(of: meanwhile), .succeeded)
    XCTAssertEqual(result.status(of: HookedFailing(tld: "rs")), .failed)
    XCTAssertEqual(warnings(in: logged.log).count, 1, logged.log.joined(separator: "\n"))
    XCTAssertTrue(
      warnings(in: logged.log).first?.contains(
        "could not post to the webhook at \(server.baseURL.absoluteString)/services/T000/…: ")
        == true, logged.log.joined(separator: "\n"))
    XCTAssertFalse(logged.log.joined().contains("SECRET"), logged.log.joined(separator: "\n"))
  }

  /// A server that answers 200 and then never stops sending has taken the message: the run ends and
  /// prints its summary.
  func testAnEndlessAnswerStillEndsTheRunWithItsSummary() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .endless])
    defer { server.stop() }
    try folder.write("[webhook]\nurl = \(server.url("/hook").absoluteString)\ntimeout = 2\n", to: "plumb.cfg")
    let command = command
    let folder = folder!
    let outcome = CommandOutcomeBox()
    let ended = expectation(description: "the run ends")
    Thread {
      var output: [String] = []
      var errors: [String] = []
      let code = command.run(
        arguments: ["HookedFailing", "--tld", "rs"], workingDirectory: folder.path, environment: folder.environment,
        standardOutput: { output.append($0) }, standardError: { errors.append($0) })
      outcome.set(CommandOutcome(code: code, output: output.joined(separator: "\n"), errorLines: errors))
      ended.fulfill()
    }.start()

    wait(for: [ended], timeout: 30)

    let finished = try XCTUnwrap(outcome.value)
    XCTAssertEqual(finished.code, ExitCodes().taskFailed)
    XCTAssertTrue(finished.output.contains("HookedFailing(tld=rs)"), "the summary: \(finished.output)")
    XCTAssertEqual(warnings(in: finished.errorLines), [], "a 2xx status means the message was taken")
    XCTAssertEqual(server.requests.map(\.method), ["POST", "POST"], "the task's failure, then the run's verdict")
    XCTAssertTrue(server.waitForOpenConnectionsToClose(), "the hook must hang up once the status is in")
  }

  func testRefusesWhatCannotBeAWebhookInOneLine() throws {
    XCTAssertEqual(
      thrownMessage { try Webhook(url: try XCTUnwrap(URL(string: "ftp://example.com/alerts"))) },
      "a webhook URL must be http:// or https:// with a host, not 'ftp://example.com/alerts'")
    XCTAssertEqual(
      thrownMessage { try Webhook(url: try XCTUnwrap(URL(string: "http://127.0.0.1:1/hook")), timeout: 0) },
      "a webhook timeout must be a positive number of seconds, not 0")
  }

  // MARK: - Config file, through the command line

  private let command = PipelineCommand(name: "hooked", tasks: [HookedFailing.self, HookedWorking.self])

  private func invoke(_ arguments: String...) -> CommandOutcome {
    var output: [String] = []
    var errors: [String] = []
    let code = command.run(
      arguments: arguments, workingDirectory: folder.path, environment: folder.environment,
      standardOutput: { output.append($0) }, standardError: { errors.append($0) })
    return CommandOutcome(code: code, output: output.joined(separator: "\n"), errorLines: errors)
  }

  func testTheConfigFileSetsUpTheHook() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .text("ok")])
    defer { server.stop() }
    try folder.write("[webhook]\nurl = \(server.url("/hook").absoluteString)\n", to: "plumb.cfg")

    XCTAssertEqual(invoke("HookedWorking").code, 0)
    XCTAssertEqual(server.requests.count, 0, "a success posts nothing with the default setting")

    let failed = invoke("HookedFailing", "--tld", "rs")
    XCTAssertEqual(failed.code, ExitCodes().taskFailed)
    let messages = try postedMessages(server)
    XCTAssertEqual(messages.count, 2, "the task's failure, then the end of the failed run")
    XCTAssertEqual(messages.first?["task"] as? String, "HookedFailing(tld=rs)")
    XCTAssertEqual(messages.map { $0["event"] as? String }, ["failure", "run_failed"])
  }

  func testTheConfigFileChoosesAllEvents() throws {
    let server = try LoopbackHTTPServer(routes: ["/hook": .text("ok")])
    defer { server.stop() }
    try folder.write("[webhook]\nurl = \(server.url("/hook").absoluteString)\non = all\ntimeout = 2\n", to: "luigi.cfg")

    XCTAssertEqual(invoke("HookedWorking").code, 0)
    XCTAssertEqual(try postedMessages(server).map { $0["event"] as? String }, ["success"])
  }

  func testBadWebhookSettingsAreOneLineConfigErrors() throws {
    try folder.write("[webhook]\nurl = ftp://example.com/hook\n", to: "plumb.cfg")
    invoke("HookedWorking").assertError(
      code: 2, "plumb.cfg, line 2",
      "[webhook] url must be an http:// or https:// URL with a host, not 'ftp://example.com/hook'")

    try folder.write("[webhook]\nurl = not a url\n", to: "plumb.cfg")
    invoke("HookedWorking").assertError(code: 2, "plumb.cfg, line 2", "not 'not a url'")

    try folder.write("[webhook]\nurl = http://127.0.0.1:1/hook\non = sometimes\n", to: "plumb.cfg")
    invoke("HookedWorking").assertError(
      code: 2, "plumb.cfg, line 3", "[webhook] on must be failure or all, not 'sometimes'")

    try folder.write("[webhook]\nurl = http://127.0.0.1:1/hook\ntimeout = 0\n", to: "plumb.cfg")
    invoke("HookedWorking").assertError(code: 2, "plumb.cfg, line 3", "[webhook] timeout must be a positive number")

    try folder.write("[webhook]\non = all\n", to: "plumb.cfg")
    invoke("HookedWorking").assertError(code: 2, "[webhook] on is set but [webhook] url is not")
    XCTAssertFalse(folder.contains("working.txt"), "nothing runs with a bad config")
  }
}

/// Runs while the webhook's message about ``HookedFailing`` waits for the server, and meets the test there.
private struct WhileTheHookWaits: PipelineTask {
  var server: LoopbackHTTPServer?
  var probe = RunProbe()
  func output() -> LocalTarget { LocalTarget("meanwhile.txt") }
  func run() throws {
    guard server?.waitForRequests(1, timeout: 30) == true, probe.meet(count: 2, timeout: 30) else {
      throw HookFailure(tld: "meanwhile")
    }
    try output().write("done")
  }
}

/// What a run on another thread returned, read by the test once that thread has signalled its end.
private final class RunOutcome: @unchecked Sendable {
  var result: RunResult?
}

/// What a command run on another thread returned, read by the test once that thread has signalled its end.
private final class CommandOutcomeBox: @unchecked Sendable {
  private(set) var value: CommandOutcome?

  func set(_ value: CommandOutcome) { self.value = value }
}
