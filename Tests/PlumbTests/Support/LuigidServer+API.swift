import Plumb
import PlumbTestSupport

@testable import PlumbLuigid

extension LuigidServer {
  /// Calls luigid's API `method` through Plumb's own client; returns the `response`, to compare
  /// with ``JSONValue``s.
  func api(_ method: String, _ arguments: [String: JSONValue] = [:]) throws -> JSONValue {
    try LuigidClient(scheduler).callBlocking(method, arguments)
  }
}
