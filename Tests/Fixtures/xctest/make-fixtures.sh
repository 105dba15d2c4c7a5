#!/bin/sh
# Writes the fixtures in this folder: what `swift test` really prints for each way an XCTest case
# can fail, run the way the kit runs it (stdout and stderr through one pipe, line-buffered by
# stdbuf, the kit's SWIFT_BACKTRACE settings). Each NAME.txt is the output, NAME.status the exit status.
#
#   sh Tests/Fixtures/xctest/make-fixtures.sh          (from the package root; takes about a minute)
#
# It builds a throwaway package under a fresh temporary folder and removes it at the end.
# exercise9-thrown.txt is not made here: it is Exercise9Tests on the solution of exercise 9 with
# `webhookSettings(url:)` throwing `struct InsecureWebhook: Error {}` (see README.md).
set -eu
fixtures=$(cd "$(dirname "$0")" && pwd)
package=$(mktemp -d "${TMPDIR:-/tmp}/xctest-fixtures-XXXXXX")
# SwiftPM leaves its lock files beside the package, named after its path.
trap 'rm -f "$package"/../$(echo "$package" | tr / _)_.build*; rm -rf "$package"' EXIT
mkdir -p "$package/Sources/Lib" "$package/Tests/KindsTests" "$package/Tests/CrashTests" "$package/Tests/HangTests"

cat > "$package/Package.swift" <<'EOF'
// swift-tools-version:6.0
import PackageDescription

let package = Package(
  name: "XCFix",
  targets: [
    .target(name: "Lib"),
    .testTarget(name: "KindsTests", dependencies: ["Lib"]),
    .testTarget(name: "CrashTests", dependencies: ["Lib"]),
    .testTarget(name: "HangTests"),
  ]
)
EOF

cat > "$package/Sources/Lib/Lib.swift" <<'EOF'
public struct InsecureWebhook: Error { public init() {} }
public func webhookSettings() throws -> String { throw InsecureWebhook() }
public func sum(upTo n: Int) -> Int { var total = 0; for i in 1...n { total += i }; return total }
EOF

cat > "$package/Tests/KindsTests/KindsTests.swift" <<'EOF'
import Lib
import XCTest

final class KindsTests: XCTestCase {
  func testPasses() { XCTAssertEqual(1 + 1, 2) }
  func testAssertionFails() { XCTAssertEqual("found", "expected", "the greeting differs") }
  func testThrowsOwnError() throws { _ = try webhookSettings() }
  func testUnwrapsNil() throws { let value: Int? = nil; _ = try XCTUnwrap(value) }
  func testExpectationTimesOut() {
    let never = expectation(description: "the webhook is posted")
    wait(for: [never], timeout: 0.2)
  }
  func testFailsWithoutMessage() { XCTFail() }
  func testSkips() throws { throw XCTSkip("not on Linux") }
}

final class SetUpThrowsTests: XCTestCase {
  override func setUpWithError() throws { throw InsecureWebhook() }
  func testNeverReached() {}
}
EOF

cat > "$package/Tests/CrashTests/CrashTests.swift" <<'EOF'
import Lib
import XCTest

final class CrashTests: XCTestCase {
  func testAPasses() {}
  func testBCrashes() { XCTAssertEqual(sum(upTo: Int(ProcessInfo.processInfo.environment["N"] ?? "0")!), 0) }
  func testCNeverRuns() {}
}
EOF

cat > "$package/Tests/HangTests/HangTests.swift" <<'EOF'
import Foundation
import XCTest

final class HangTests: XCTestCase {
  func testAPasses() {}
  func testBLoops() {
    FileManager.default.createFile(atPath: ProcessInfo.processInfo.environment["LOOPING"]!, contents: nil)
    while ProcessInfo.processInfo.environment["LOOPING"] != nil {}
  }
}
EOF

cd "$package"
swift build --build-tests >/dev/null
export SWIFT_BACKTRACE="enable=yes,interactive=no,color=no,threads=crashed,registers=none,images=none"

capture() { # NAME FILTER
  status=0
  stdbuf -oL -eL swift test --skip-build --filter "$2" >"$fixtures/$1.txt" 2>&1 || status=$?
  echo "$status" >"$fixtures/$1.status"
}
capture passes '^KindsTests\.KindsTests/testPasses$'
capture kinds '^(KindsTests|SetUpThrowsTests)\.'
N=0 capture crash '^CrashTests\.'

# A test that never ends, stopped as the kit's time limit stops it: SIGKILL to swift-test and the
# test process it started.
export LOOPING="$package/looping"
stdbuf -oL -eL swift test --skip-build --filter '^HangTests\.' >"$fixtures/hang-killed.txt" 2>&1 &
runner=$!
while [ ! -e "$LOOPING" ]; do sleep 0.1; done
kill -KILL $(pgrep -P "$runner") "$runner"
status=0
wait "$runner" || status=$?
echo "$status" >"$fixtures/hang-killed.status"
