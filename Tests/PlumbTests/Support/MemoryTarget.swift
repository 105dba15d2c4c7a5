import Foundation
import Plumb

/// Outputs kept in memory, so that tests can run very many tasks without touching the disk.
final class MemoryStore: @unchecked Sendable {
  private let lock = NSLock()
  private var keys = Set<String>()

  func contains(_ key: String) -> Bool {
    lock.lock()
    defer { lock.unlock() }
    return keys.contains(key)
  }

  func insert(_ key: String) {
    lock.lock()
    defer { lock.unlock() }
    keys.insert(key)
  }

  var count: Int {
    lock.lock()
    defer { lock.unlock() }
    return keys.count
  }
}

/// A target that exists once a task has put its key into the store.
struct MemoryTarget: Target {
  let store: MemoryStore
  let key: String

  func exists() -> Bool { store.contains(key) }

  func write() { store.insert(key) }

  var description: String { "memory:\(key)" }
}
