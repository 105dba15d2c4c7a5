import XCTest

// `make test` builds this in release and runs it: the optimizer has changed behaviour before
// (a task-local holding an optional closure crashed in release only), and the debug suite cannot
// see that. XCTest's own runner reports each check and exits non-zero when one fails.
XCTMain([testCase(ReleaseSmokeTests.allTests)])
