import Synchronization

/// Facts worked out once per type (its family name, where its parameters are) and then shared by
/// every thread, because working them out by reflection costs microseconds per task.
///
/// A run reads several of them for every task it meets, so a read is a futex lock and a lookup:
/// a `Mutex`, which holds the table itself, rather than a lock object beside a class property that
/// Swift checks for exclusive access at each use.
package final class TypeCache<Value: Sendable>: Sendable {
  private let values = Mutex<[ObjectIdentifier: Value]>([:])

  /// The value for `type`, from `make` on first use. `make` runs outside the lock, so it may use
  /// other caches; two threads may both make a value, and the first stored wins.
  package func value(for type: Any.Type, make: () -> Value) -> Value {
    let key = ObjectIdentifier(type)
    if let known = values.withLock({ $0[key] }) { return known }
    let made = make()
    return values.withLock { values in
      if let known = values[key] { return known }
      values[key] = made
      return made
    }
  }

  package init() {

  }
}
