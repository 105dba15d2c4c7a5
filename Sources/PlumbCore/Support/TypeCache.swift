import Foundation

/// Facts worked out once per type (its family name, where its parameters are) and then shared by
/// every thread, because working them out by reflection costs microseconds per task.
///
/// Unchecked Sendable: `values` is read and written only under `lock`; a value is handed out
/// only to callers that made or could have made it themselves.
package final class TypeCache<Value>: @unchecked Sendable {
  private let lock = NSLock()
  private var values: [ObjectIdentifier: Value] = [:]

  /// The value for `type`, from `make` on first use. `make` runs outside the lock, so it may use
  /// other caches; two threads may both make a value, and the first stored wins.
  package func value(for type: Any.Type, make: () -> Value) -> Value {
    let key = ObjectIdentifier(type)
    lock.lock()
    if let known = values[key] {
      lock.unlock()
      return known
    }
    lock.unlock()
    let made = make()
    lock.lock()
    defer { lock.unlock() }
    if let known = values[key] { return known }
    values[key] = made
    return made
  }

  package init() {

  }
}
