import Foundation
import Synchronization

/// A meeting point for the first tasks of a run: each of the first `count` arrivals waits,
/// suspended rather than blocking a thread, until `count` have arrived or `patience` has run out;
/// later arrivals pass at once. That `met` is true proves `count` tasks ran at the same time,
/// without timing anything; a run that cannot overlap them only waits out the patience once.
///
/// ```swift
/// let meeting = MeetingPoint(count: 4)
/// options.willRun = { _ in await meeting.arrive() }
/// _ = try build([Assemble()], options: options)
/// XCTAssertTrue(meeting.met)
/// ```
public final class MeetingPoint: Sendable {
  private struct State {
    var waiting: [CheckedContinuation<Void, Never>] = []
    var isOver = false
    var mostAtOnce = 0
  }

  /// How many arrivals the meeting waits for.
  public let count: Int
  private let patience: Duration
  private let state = Mutex(State())

  public init(count: Int, patience: Duration = .seconds(10)) {
    self.count = count
    self.patience = patience
  }

  /// The most arrivals that were waiting at the same time.
  public var mostAtOnce: Int { state.withLock { $0.mostAtOnce } }

  /// Whether `count` arrivals met.
  public var met: Bool { mostAtOnce >= count }

  /// Waits until `count` tasks have arrived or the patience has run out, unless the meeting is
  /// over; returns whether `count` met.
  @discardableResult
  public func arrive() async -> Bool {
    await withCheckedContinuation { (continuation: CheckedContinuation<Void, Never>) in
      let (released, isFirst) = state.withLock { state -> ([CheckedContinuation<Void, Never>], Bool) in
        guard !state.isOver else { return ([continuation], false) }
        state.waiting.append(continuation)
        state.mostAtOnce = max(state.mostAtOnce, state.waiting.count)
        guard state.waiting.count >= count else { return ([], state.waiting.count == 1) }
        state.isOver = true
        defer { state.waiting = [] }
        return (state.waiting, false)
      }
      for arrival in released { arrival.resume() }
      if isFirst {
        Task { [patience] in
          try? await Task.sleep(for: patience)
          self.end()
        }
      }
    }
    return met
  }

  /// Lets everyone waiting go, and every later arrival pass.
  private func end() {
    let released = state.withLock { state in
      state.isOver = true
      defer { state.waiting = [] }
      return state.waiting
    }
    for arrival in released { arrival.resume() }
  }
}
