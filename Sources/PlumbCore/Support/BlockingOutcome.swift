import Foundation

/// Hands the result of work done elsewhere (a Swift task, URLSession's completion handler) to a
/// thread that waits for it: the bridge between Plumb's asynchronous parts and its synchronous
/// API, used only where the caller is synchronous.
package final class BlockingOutcome<Value: Sendable>: @unchecked Sendable {
  private let finished = DispatchSemaphore(value: 0)
  // Written once before `finished` is signalled, read only after it is awaited.
  private var result: Result<Value, any Error>?

  package init() {}

  package func finish(_ result: Result<Value, any Error>) {
    self.result = result
    finished.signal()
  }

  package func wait() throws -> Value {
    finished.wait()
    return try result!.get()
  }

  /// The result, or `nil` when it has not come by `deadline`.
  package func wait(until deadline: DispatchTime) throws -> Value? {
    guard finished.wait(timeout: deadline) == .success else { return nil }
    return try result!.get()
  }
}
