import Plumb
import PlumbTestSupport
import XCTest

/// One link of a long chain: link n requires link n - 1.
private struct Link: PipelineTask {
  @Parameter(help: "the position in the chain") var n: Int = 0
  var store = MemoryStore()

  func requires() -> Link? { n > 0 ? Link(n: n - 1, store: store) : nil }
  func output() -> MemoryTarget { MemoryTarget(store: store, key: "link-\(n)") }
  func run() throws { output().write() }
}

/// One of the many tasks a fan-in gathers.
private struct Leaf: PipelineTask {
  @Parameter(help: "which leaf") var n: Int = 0
  var store = MemoryStore()

  func output() -> MemoryTarget { MemoryTarget(store: store, key: "leaf-\(n)") }
  func run() throws { output().write() }
}

/// Requires `count` leaves and checks that all their outputs are there.
private struct Gather: PipelineTask {
  @Parameter(help: "how many leaves") var count: Int = 0
  var store = MemoryStore()

  func requires() -> [Leaf] { (0..<count).map { Leaf(n: $0, store: store) } }
  func output() -> MemoryTarget { MemoryTarget(store: store, key: "gather") }
  func run() throws {
    guard try input().allSatisfy({ $0.exists() }) else { throw PlannedFailure("a leaf's output is missing") }
    output().write()
  }
}

final class ScaleTests: XCTestCase {
  private let size = 100_000

  func testLongChainRunsEveryLinkOnceAndThenOnlyChecksTheLast() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let store = MemoryStore()
    let last = Link(n: size - 1, store: store)

    let first = try build([last], options: folder.options())
    XCTAssertEqual(first.records.count, size)
    XCTAssertTrue(first.records.allSatisfy { $0.status == .succeeded })
    XCTAssertEqual(store.count, size)
    XCTAssertTrue(first.success)

    let second = try build([last], options: folder.options())
    XCTAssertEqual(second.records.map(\.status), [.alreadyComplete])
  }

  func testWideFanInRunsEveryLeafOnceWithTwoWorkers() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let store = MemoryStore()
    let gather = Gather(count: size, store: store)

    let result = try build([gather], options: folder.options(workers: 2))
    XCTAssertEqual(result.records.count, size + 1)
    XCTAssertTrue(result.records.allSatisfy { $0.status == .succeeded })
    XCTAssertEqual(store.count, size + 1)
    XCTAssertEqual(result.status(of: gather), .succeeded)
  }

  func testFanInResumesOnlyWhatIsMissing() throws {
    let folder = try TemporaryFolder(removedAfter: self)
    let store = MemoryStore()
    for n in stride(from: 0, to: size, by: 2) { store.insert("leaf-\(n)") }

    let result = try build([Gather(count: size, store: store)], options: folder.options())
    let ran = result.records.filter { $0.status == .succeeded }.count
    let found = result.records.filter { $0.status == .alreadyComplete }.count
    XCTAssertEqual(ran, size / 2 + 1)
    XCTAssertEqual(found, size / 2)
  }
}
