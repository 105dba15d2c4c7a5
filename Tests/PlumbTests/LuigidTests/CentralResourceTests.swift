import Foundation
import Plumb
import PlumbTestSupport
import XCTest

@testable import PlumbBuild
@testable import PlumbCore

/// Takes `db.holder` in the run's folder, the mark of whoever holds the `db` resource; when it is
/// there already, two holders overlap, and `overlap-<name>` says so.
private func hold(_ name: String) {
  let descriptor = open(LocalTarget("db.holder").path, O_WRONLY | O_CREAT | O_EXCL, 0o644)
  if descriptor < 0 {
    _ = FileManager.default.createFile(atPath: LocalTarget("overlap-\(name)").path, contents: nil)
  } else {
    close(descriptor)
  }
}

private func letGo() {
  unlink(LocalTarget("db.holder").path)
}

/// Plumb's side: holds `db` until luigid knows Python's tasks too, so that both sides ask for it.
private struct SwiftBooking: PipelineTask {
  @Parameter var n: Int = 0
  var luigid: LuigidServer?

  var resources: [String: Int] { ["db": 1] }
  func output() -> LocalTarget { LocalTarget("swift-\(n).txt") }

  func run() throws {
    hold("swift-\(n)")
    defer { letGo() }
    try LuigidTestProcesses.waitFor("Python's tasks in luigid") {
      let tasks =
        (try? luigid?.call("task_list", ["status": "", "upstream_status": "", "search": "PyBooking"])) as? [String: Any]
      return !(tasks ?? [:]).isEmpty
    }
    try output().write("\(n)\n")
  }
}

private struct SwiftBookings: WrapperTask {
  var luigid: LuigidServer?
  func requires() -> [SwiftBooking] { (1...3).map { SwiftBooking(n: $0, luigid: luigid) } }
}

/// Holds `db` until the file `release` appears.
private struct HoldsDB: PipelineTask {
  var resources: [String: Int] { ["db": 1] }
  func output() -> LocalTarget { LocalTarget("holds.txt") }
  func run() throws {
    LuigidTestProcesses.holdUntilReleased(started: "holding", release: "release")
    try output().write("held\n")
  }
}

/// Needs `db` too, so it waits while ``HoldsDB`` runs on another worker.
private struct WantsDB: PipelineTask {
  @Parameter var n: Int = 0
  var resources: [String: Int] { ["db": 1] }
  func output() -> LocalTarget { LocalTarget("wants-\(n).txt") }
  func run() throws { try output().write("\(n)\n") }
}

/// A resource shared by a Plumb worker and a Python Luigi worker on one luigid, whose limit for it
/// is 1 (its config does not list it): luigid never lets a task of either hold it while another does.
final class CentralResourceTests: XCTestCase {
  private static func pythonSource(luigid: String) -> String {
    """
    import os, time
    import luigi, luigi.rpc

    def hold(name):
        try:
            os.close(os.open("db.holder", os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o644))
        except FileExistsError:
            open("overlap-" + name, "w").close()

    class PyBooking(luigi.Task):
        n = luigi.IntParameter()
        resources = {"db": 1}

        def output(self):
            return luigi.LocalTarget("py-%d.txt" % self.n)

        def run(self):
            hold("py-%d" % self.n)
            try:
                # Until luigid knows Plumb's tasks too, so that both sides ask for db.
                scheduler = luigi.rpc.RemoteScheduler("\(luigid)")
                deadline = time.time() + 120
                while not scheduler.task_list("", "", search="SwiftBooking") and time.time() < deadline:
                    time.sleep(0.01)
                with self.output().open("w") as f:
                    f.write("done\\n")
            finally:
                os.unlink("db.holder")

    class PyBookings(luigi.WrapperTask):
        def requires(self):
            return [PyBooking(n=n) for n in (1, 2, 3)]

    """
  }

  func testAPlumbAndAPythonWorkerSharingAResourceWithLimitOneNeverOverlap() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let luigid = try LuigidServer(for: self)
    try folder.write(Self.pythonSource(luigid: luigid.url), to: "rbook.py")
    try folder.write("[worker]\nkeep_alive = true\nwait_interval = 0.1\n", to: "plumb.cfg")
    let python = try LuigidTestProcesses.startPython(
      module: "rbook", ["PyBookings", "--workers", "2", "--no-lock"], luigid: luigid, in: folder, name: "python",
      for: self)

    var options = folder.options(workers: 2, readingConfigFiles: true)
    options.scheduler = .central(luigid.scheduler)
    let result = try build([SwiftBookings(luigid: luigid)], options: options)
    python.waitUntilExit()

    XCTAssertTrue(result.success, result.summary)
    XCTAssertEqual(python.terminationStatus, 0, folder.contents(of: ".python.stderr") ?? "")
    let files = folder.listing()
    XCTAssertEqual(files.filter { $0.hasPrefix("overlap-") }, [], "two tasks held db at once")
    XCTAssertEqual(
      files.filter { $0.hasPrefix("py-") || $0.hasPrefix("swift-") }.sorted(),
      ["py-1.txt", "py-2.txt", "py-3.txt", "swift-1.txt", "swift-2.txt", "swift-3.txt"])
  }

  /// Tasks waiting for a resource another worker holds look, to their worker, like tasks a Plumb
  /// assistant may have failed, until it asks luigid (`fetch_error`): a worker kept alive meanwhile
  /// asks about each at most every 10 s, not at every poll, since luigid serves every call on its
  /// one thread.
  func testAWorkerWaitingForAResourceDoesNotAskLuigidAboutItsTasksAtEveryPoll() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let luigid = try LuigidServer(for: self)
    var options = folder.options(workers: 1)
    var scheduler = luigid.scheduler
    scheduler.waitInterval = 0.05
    options.scheduler = .central(scheduler)
    let holder = LuigidTestProcesses.buildInBackground([HoldsDB()], options: options)
    try LuigidTestProcesses.waitFor("the other worker to hold db") { folder.contains("holding") }
    let callsBefore = luigid.log.components(separatedBy: "/api/get_work").count
    scheduler.keepsAlive = true
    options.scheduler = .central(scheduler)
    let waiter = LuigidTestProcesses.buildInBackground([WantsDB(n: 1), WantsDB(n: 2)], options: options)
    try LuigidTestProcesses.waitFor("the waiting worker to ask luigid for work 40 times") {
      luigid.log.components(separatedBy: "/api/get_work").count - callsBefore >= 40
    }
    let looks = luigid.log.components(separatedBy: "/api/fetch_error").count - 1
    try folder.write("", to: "release")

    let held = try XCTUnwrap(holder(), "the holding worker's run did not end")
    let waited = try XCTUnwrap(waiter(), "the waiting worker's run did not end")
    XCTAssertTrue(held.success, held.summary)
    XCTAssertTrue(waited.success, waited.summary)
    // One look at each of the two tasks, and another if the 40 polls took over 10 s.
    XCTAssertLessThanOrEqual(looks, 4, "fetch_error calls while waiting 40 polls for db")
  }
}
