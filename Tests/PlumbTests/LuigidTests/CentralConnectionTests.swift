import Foundation
import PlumbNetwork
import PlumbTestSupport
import XCTest

@testable import PlumbLuigid

/// The luigid client's connections, against a real luigid: kept open from one call to the next,
/// several calls written at once and served in their order, a connection luigid closed replaced.
final class CentralConnectionTests: XCTestCase {
  private var luigid: LuigidServer!
  private let worker = JSONValue.string("Worker(salt=1, workers=1, host=test, username=test, pid=1)")

  override func setUpWithError() throws {
    luigid = try LuigidServer(for: self)
  }

  /// A pending task this test's worker may run, with no dependencies.
  private func pending(_ id: String) -> LuigidClient.Call {
    LuigidClient.Call(
      "add_task",
      [
        "worker": worker, "task_id": .string(id), "status": "PENDING", "runnable": .bool(true), "deps": .array([]),
        "family": "Part", "params": .object([:]),
      ])
  }

  private var getWork: LuigidClient.Call {
    LuigidClient.Call(
      "get_work", ["worker": worker, "host": "test", "assistant": .bool(false), "current_tasks": .array([])])
  }

  func testCallsOneAfterTheOtherGoOverOneConnection() async throws {
    let client = LuigidClient(luigid.scheduler)

    _ = try await client.callOnce("add_worker", ["worker": worker, "info": .array([])])
    for _ in 0..<5 {
      let answer = try await client.callOnce("ping", ["worker": worker])
      XCTAssertEqual(answer["rpc_messages"], .array([]))
    }
    XCTAssertEqual(try client.callBlocking("ping", ["worker": worker])["rpc_messages"], .array([]))

    XCTAssertEqual(client.connectionsOpened, 1)
  }

  func testCallsWrittenAtOnceAreServedInTheirOrder() async throws {
    let client = LuigidClient(luigid.scheduler)
    // More than one batch's worth, then work asked for: luigid can hand out the first task only
    // if it has served the registrations before the request for work.
    let ids = (0..<(HTTPKeepAlive.batchLimit + 3)).map { "Part_\($0)_0123456789" }

    let answers = try await client.callOnce(ids.map(pending) + [getWork])

    XCTAssertEqual(answers.count, ids.count + 1)
    XCTAssertEqual(answers.last?["task_id"]?.string, ids[0], "\(answers.last ?? .null)")
    let listed = try XCTUnwrap(
      luigid.call("task_list", ["status": "PENDING", "upstream_status": "", "search": ""]) as? [String: Any])
    XCTAssertEqual(Set(listed.keys), Set(ids.dropFirst()))
    XCTAssertEqual(client.connectionsOpened, 1)
  }

  func testAConnectionLuigidClosedIsReplacedByANewOne() async throws {
    let client = LuigidClient(luigid.scheduler)
    _ = try await client.callOnce([pending("Part_1_0123456789")])

    try luigid.restartWithoutState()
    let answers = try await client.callOnce([pending("Part_2_0123456789"), getWork])

    XCTAssertEqual(answers.last?["task_id"]?.string, "Part_2_0123456789", "\(answers.last ?? .null)")
    XCTAssertEqual(client.connectionsOpened, 2)
  }
}
